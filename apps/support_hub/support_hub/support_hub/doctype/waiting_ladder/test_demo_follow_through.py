# Copyright (c) 2026, support_hub developers. License: MIT.
"""The demo's follow-through set-up (support_hub.demo) works on a real site: its waiting ladder (48 h reminder,
+72 h closing notice, close) takes three aged waiting tickets one rung each on the next scheduler minute; a
ticket the ladder closes is asked for a rating; the canned replies and escalation settings are in place."""

import frappe
from frappe.tests.utils import FrappeTestCase
from frappe.utils import now_datetime

from support_hub import demo
from support_hub.automation import waiting
from support_hub.testing import make_ticket, setup_support_world


class TestDemoFollowThrough(FrappeTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        setup_support_world()
        # The demo's ladder is the one for every ticket type; other tests' ladders step aside (rolled back).
        frappe.db.set_value("Waiting Ladder", {"enabled": 1}, "enabled", 0)
        for team in demo.TEAMS:  # as the demo has made them by then
            if not frappe.db.exists("Support Team", team):
                frappe.get_doc({"doctype": "Support Team", "team_name": team}).insert(ignore_permissions=True)
        demo._setup_follow_through()

    def test_the_ladder_takes_each_aged_ticket_one_rung(self):
        tickets = []
        for n in range(3):
            ticket = make_ticket(subject=f"Demo waiting {n}", raised_by=f"demo-wait-{n}-{frappe.generate_hash(length=6)}@example.com")
            ticket.status = "Waiting for Customer"
            ticket.save()
            tickets.append(ticket.name)
        now = now_datetime()
        demo._age_waiting_tickets(now, tickets)
        done = dict(waiting.run(now=now, commit=False))
        self.assertEqual([done.get(t) for t in tickets], ["1:Remind", "2:Notify Closing", "3:Close"])
        self.assertEqual(frappe.db.get_value("Ticket", tickets[2], "status"), "Closed")
        sent = frappe.get_all("Communication", filters={"reference_name": ["in", tickets[:2]],
                                                        "communication_type": "Automated Message"},
                              fields=["reference_name", "content"])
        self.assertTrue(any(r.reference_name == tickets[0] and "still waiting for your answer" in r.content for r in sent))
        self.assertTrue(any(r.reference_name == tickets[1] and "will be closed" in r.content for r in sent))
        # closed by the ladder: the customer is asked for a rating, as for any closed e-mail ticket
        self.assertEqual(frappe.db.count("Rating Link", {"ticket": tickets[2]}), 1)
        self.assertEqual(dict(waiting.run(now=now, commit=False)), {})  # each rung once

    def test_the_demo_sets_up_canned_replies_and_escalation(self):
        self.assertEqual(frappe.db.get_value("Email Template", "Payroll export: bank format", "support_team"),
                         "First Line")
        self.assertEqual(frappe.db.get_value("Support Team", "First Line", "manager"), demo.MANAGER[0])
        self.assertTrue(frappe.db.exists("Email Template", "We are on it"))
        self.assertEqual(frappe.db.get_single_value("Claim Settings", "claims_lead"), demo.MANAGER[0])
