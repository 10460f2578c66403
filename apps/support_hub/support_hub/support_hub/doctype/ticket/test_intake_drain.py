# Copyright (c) 2026, support_hub developers. License: MIT.
"""Intake in batches: committed tickets wait in the pending set, one drain job works them a chunk per
transaction, and a drain SIGKILLed mid-run loses nothing and doubles nothing."""

import os
import signal
import subprocess
import sys
import time

import frappe
from frappe.utils.background_jobs import get_redis_conn

from support_hub.automation import intake
from support_hub.testing import IntakeCase, handed_over



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


class TestIntakeDrain(IntakeCase):
    TICKETS = 8
    RULE = {"rule_name": "Drain crash rule", "keywords": "zorbdrain", "add_tags": "drain-crash"}
    REPLY = {"reply_name": "Drain crash reply", "template": "Ticket {{ doc.name }} is with us."}

    def arrive(self, count: int) -> list[str]:
        names = handed_over([{"subject": f"zorbdrain {i} stopped", "ticket_type": "Support",
                              "raised_by": f"drain-{frappe.generate_hash(length=8)}@x.example"} for i in range(count)])
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
