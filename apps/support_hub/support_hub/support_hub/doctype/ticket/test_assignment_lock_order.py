# Copyright (c) 2026, support_hub developers. License: MIT.
"""An agent assigns a new ticket by hand while the intake drain, on another worker, holds the ticket and
assigns it too. Frappe's assign_to.add wrote its ToDo first and the ticket's `_assign` second, the drain
the other way round, and InnoDB took the agent's request back as a deadlock (a 500 in the desk, seen in
the browser tests once the drains started sooner). Now every ToDo of a ticket locks the ticket first
(assignment.lock_ticket_first): the agent's assignment waits for the drain's commit, and both stand."""

import threading
import time

import frappe
from frappe.desk.form.assign_to import add as add_assignment
from frappe.tests.utils import FrappeTestCase

from support_hub.support_hub.doctype.ticket.test_new_sender_race import other_worker
from support_hub.testing import AGENT, MANAGER, make_ticket, setup_support_world


class TestAssignmentLockOrder(FrappeTestCase):
    def setUp(self):
        setup_support_world()
        self.ticket = make_ticket(subject="Printer on fire", channel="Internal", raised_by=None).name
        frappe.db.commit()  # as the web request committed it; its intake (the drain) still to do

    def tearDown(self):
        frappe.db.rollback()
        frappe.db.delete("ToDo", {"reference_type": "Ticket", "reference_name": self.ticket})
        frappe.db.delete("Ticket", {"name": self.ticket})
        frappe.db.commit()

    def test_an_agent_assigning_a_ticket_the_drain_holds_waits_and_both_assignments_stand(self):
        drain = other_worker()
        drain.cursor().execute("select name from tabTicket where name = %s for update", self.ticket)
        failures = []
        todo, now = frappe.generate_hash(length=10), frappe.utils.now()  # the thread has no frappe.local

        def drain_assigns():
            """The drain's assignment, once the agent's request is under way: a ToDo, then its commit."""
            try:
                time.sleep(1.0)
                drain.cursor().execute(
                    "insert into tabToDo (name, creation, modified, owner, modified_by, status, priority, "
                    "allocated_to, reference_type, reference_name, description) values "
                    "(%s, %s, %s, 'Administrator', 'Administrator', 'Open', 'Medium', %s, 'Ticket', %s, 'drain')",
                    (todo, now, now, MANAGER, self.ticket))
                drain.commit()
            except Exception as e:  # a deadlock victim here fails the test too
                failures.append(e)
                drain.rollback()
            finally:
                drain.close()

        worker = threading.Thread(target=drain_assigns)
        worker.start()
        try:
            began = time.monotonic()
            add_assignment({"doctype": "Ticket", "name": self.ticket, "assign_to": [AGENT]}, ignore_permissions=True)
            frappe.db.commit()
            waited = time.monotonic() - began
        finally:
            worker.join()
        self.assertEqual(failures, [])
        self.assertGreaterEqual(waited, 0.9, "the agent's assignment waited for the drain's commit")
        assigned = frappe.get_all("ToDo", filters={"reference_type": "Ticket", "reference_name": self.ticket,
                                                   "status": "Open"}, pluck="allocated_to")
        self.assertEqual(sorted(assigned), sorted([AGENT, MANAGER]))
