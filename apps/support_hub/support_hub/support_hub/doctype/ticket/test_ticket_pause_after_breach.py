# Copyright (c) 2026, support_hub developers. License: MIT.
"""A pause that follows a breach on a real ticket: the breach stays through the pause and through a
later re-selection of the policy (a priority change)."""

import frappe
from frappe.tests.utils import FrappeTestCase
from frappe.utils import get_datetime

from support_hub.testing import AGENT, make_ticket, msk, setup_support_world


def reload(ticket):
    return frappe.get_doc("Ticket", ticket.name)


class TestPauseAfterBreach(FrappeTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        setup_support_world()
        for priority in ("Low", "Medium"):
            if not frappe.db.exists("Ticket Priority", priority):
                frappe.get_doc({"doctype": "Ticket Priority", "priority_name": priority}).insert(ignore_permissions=True)

    def tearDown(self):
        frappe.set_user("Administrator")

    def save(self, ticket, moment, **values):
        with self.freeze_time(moment):
            doc = reload(ticket)
            doc.update(values)
            doc.save()
        return reload(ticket)

    def test_pause_after_breach_does_not_hide_it_from_a_later_priority_change(self):
        with self.freeze_time(msk(2026, 3, 2, 10, 0)):  # Monday: first response due 11:00, resolution 18:00
            ticket = make_ticket()
        frappe.set_user(AGENT)
        # 11:30, no answer yet: the first response is late; then the agent waits on the customer for a day.
        stored = self.save(ticket, msk(2026, 3, 2, 11, 30), status="Waiting for Customer")
        self.assertEqual(stored.sla_status, "Breached")
        stored = self.save(ticket, msk(2026, 3, 3, 11, 30), status="Open")  # 540 working minutes later
        self.assertEqual(get_datetime(stored.first_response_due), msk(2026, 3, 2, 11, 0))  # not moved
        self.assertEqual(get_datetime(stored.resolution_due), msk(2026, 3, 3, 18, 0))  # moved by the pause
        self.assertEqual((stored.sla_response_paused_minutes, stored.sla_paused_minutes), (0, 540))
        self.assertEqual(stored.sla_status, "Breached")

        # A priority change chooses the policy anew from the opening: the missed deadline stays missed.
        stored = self.save(ticket, msk(2026, 3, 3, 11, 40), priority="Low")
        self.assertEqual(stored.sla_policy, "Test Support")
        self.assertEqual(get_datetime(stored.first_response_due), msk(2026, 3, 2, 11, 0))
        self.assertEqual(get_datetime(stored.resolution_due), msk(2026, 3, 3, 18, 0))
        self.assertEqual(stored.sla_status, "Breached")

    def test_pause_before_the_deadline_still_moves_both_deadlines_and_survives_reselection(self):
        with self.freeze_time(msk(2026, 3, 2, 10, 0)):
            ticket = make_ticket()
        self.save(ticket, msk(2026, 3, 2, 10, 30), status="Waiting for Customer")
        stored = self.save(ticket, msk(2026, 3, 3, 10, 30), status="Open")
        self.assertEqual((stored.sla_response_paused_minutes, stored.sla_paused_minutes), (540, 540))
        stored = self.save(ticket, msk(2026, 3, 3, 10, 35), priority="Medium")
        self.assertEqual(get_datetime(stored.first_response_due), msk(2026, 3, 3, 11, 0))
        self.assertEqual(get_datetime(stored.resolution_due), msk(2026, 3, 3, 18, 0))
        self.assertEqual(stored.sla_status, "On Track")
