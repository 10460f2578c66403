# Copyright (c) 2026, support_hub developers. License: MIT.
"""Intake in batches: committed tickets wait in the pending set, one drain job works them a chunk per
transaction, and a drain SIGKILLed mid-run loses nothing and doubles nothing."""

import os
import signal
import subprocess
import sys
import time

import frappe
from frappe.tests.utils import FrappeTestCase
from frappe.utils.background_jobs import get_redis_conn

from support_hub.automation import intake
from support_hub.testing import AGENT, setup_support_world

RULE = "Drain crash rule"
REPLY = "Drain crash reply"
TAG = "drain-crash"


def work_done(names) -> dict[str, tuple]:
    """Per ticket: (intake_done, ToDos, auto-reply Communications, their Email Queue rows, routing log rows,
    auto-reply log rows)."""
    n = {"n": list(names)}

    def per(query):
        return dict(frappe.db.sql(query, n))

    todos = per("select reference_name, count(*) from tabToDo where reference_type='Ticket' and reference_name in %(n)s "
                "group by reference_name")
    replies = per("select reference_name, count(*) from tabCommunication where reference_doctype='Ticket' and "
                  "communication_type='Automated Message' and reference_name in %(n)s group by reference_name")
    queued = per("select c.reference_name, count(*) from `tabEmail Queue` q join tabCommunication c on q.communication = "
                 "c.name where c.reference_name in %(n)s group by c.reference_name")
    routed = per("select ticket, count(*) from `tabSupport Automation Log` where automation='Routing' and ticket in %(n)s "
                 "group by ticket")
    answered = per("select ticket, count(*) from `tabSupport Automation Log` where automation='Auto Reply' and "
                   "ticket in %(n)s group by ticket")
    done = per("select name, intake_done from tabTicket where name in %(n)s")
    return {name: (done.get(name), todos.get(name, 0), replies.get(name, 0), queued.get(name, 0), routed.get(name, 0),
                   answered.get(name, 0)) for name in names}


class TestIntakeDrain(FrappeTestCase):
    TICKETS = 8

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        setup_support_world()
        for doctype, name in (("Routing Rule", RULE), ("Auto Reply", REPLY)):
            if frappe.db.exists(doctype, name):
                frappe.delete_doc(doctype, name, force=True, ignore_permissions=True)
        frappe.get_doc({"doctype": "Routing Rule", "rule_name": RULE, "keywords": "zorbdrain", "sequence": 0,
                        "assign_to_user": AGENT, "add_tags": TAG}).insert(ignore_permissions=True)
        frappe.get_doc({"doctype": "Auto Reply", "reply_name": REPLY, "send_when": "Any", "language": "en",
                        "template": "Ticket {{ doc.name }} is with us."}).insert(ignore_permissions=True)
        frappe.db.commit()
        cls.tickets = []

    @classmethod
    def tearDownClass(cls):
        frappe.db.rollback()
        names = cls.tickets
        if names:
            get_redis_conn().hdel(intake._keys()[0], *names)
            queued = frappe.get_all("Email Queue", filters={"reference_name": ["in", names]}, pluck="name")
            if queued:
                frappe.db.delete("Email Queue Recipient", {"parent": ["in", queued]})
            contacts = frappe.get_all("Ticket", filters={"name": ["in", names]}, pluck="contact")
            for doctype, field in (("Communication", "reference_name"), ("Email Queue", "reference_name"),
                                   ("Tag Link", "document_name"), ("Comment", "reference_name"), ("ToDo", "reference_name"),
                                   ("Notification Log", "document_name"), ("Support Automation Log", "ticket"),
                                   ("SLA Event", "ticket"), ("Ticket", "name")):
                frappe.db.delete(doctype, {field: ["in", names]})
            contacts = [c for c in contacts if c]
            if contacts:
                frappe.db.delete("Contact Email", {"parent": ["in", contacts]})
                frappe.db.delete("Contact", {"name": ["in", contacts]})
        for doctype, name in (("Routing Rule", RULE), ("Auto Reply", REPLY)):
            frappe.delete_doc(doctype, name, force=True, ignore_permissions=True)
        frappe.db.commit()
        super().tearDownClass()

    def arrive(self, count: int) -> list[str]:
        """Tickets as they arrive outside tests: committed, handed over to the pending set, not yet worked.
        A drain counts as queued already, so none is put on the shared queue: this test is the worker."""
        get_redis_conn().set(intake._keys()[1], 1, ex=300)
        names = []
        frappe.flags.in_test = False
        try:
            for i in range(count):
                ticket = frappe.get_doc({"doctype": "Ticket", "subject": f"zorbdrain {i} stopped", "channel": "Email",
                                         "ticket_type": "Support",
                                         "raised_by": f"drain-{frappe.generate_hash(length=8)}@x.example"})
                ticket.insert(ignore_permissions=True)
                frappe.db.commit()  # the hand-over runs after the commit, as in a request
                names.append(ticket.name)
        finally:
            frappe.flags.in_test = True
        self.tickets.extend(names)
        return names

    def done_count(self, names) -> int:
        frappe.db.rollback()  # a fresh snapshot: see what the worker committed
        return frappe.db.count("Ticket", {"name": ["in", names], "intake_done": 1})

    def test_pending_tickets_are_worked_by_one_drain(self):
        names = self.arrive(3)
        pending = {n.decode() for n in get_redis_conn().hkeys(intake._keys()[0])}
        self.assertTrue(set(names) <= pending)
        self.assertEqual(self.done_count(names), 0)  # nothing done in the request
        intake.process_pending()
        self.assertEqual(set(work_done(names).values()), {(1, 1, 1, 1, 1, 1)})
        pending = {n.decode() for n in get_redis_conn().hkeys(intake._keys()[0])}
        self.assertFalse(set(names) & pending)
        self.assertEqual(intake.process_pending(), 0)  # a second drain finds nothing to do

    def test_killed_drain_loses_nothing_and_doubles_nothing(self):
        names = self.arrive(self.TICKETS)
        code = (
            "import frappe, sys; frappe.init(site=sys.argv[1], sites_path=sys.argv[2]); frappe.connect();"
            "from support_hub.automation.intake import process_pending; process_pending(pause=0.3, chunk=2)"
        )
        worker = subprocess.Popen(
            [sys.executable, "-c", code, frappe.local.site, os.path.abspath(frappe.local.sites_path)],
            cwd=os.path.abspath(frappe.local.sites_path), start_new_session=True,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 120
        while self.done_count(names) < 2 and time.monotonic() < deadline and worker.poll() is None:
            time.sleep(0.1)
        os.killpg(worker.pid, signal.SIGKILL)  # mid-run, between or inside a chunk's transaction
        worker.wait()
        partial = self.done_count(names)
        self.assertGreaterEqual(partial, 2)
        self.assertLess(partial, self.TICKETS)  # it really was interrupted

        intake.process_pending()  # what the next drain job does
        self.assertEqual(work_done(names), {name: (1, 1, 1, 1, 1, 1) for name in names})
