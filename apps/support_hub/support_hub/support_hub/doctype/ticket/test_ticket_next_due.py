# Copyright (c) 2026, support_hub developers. License: MIT.
"""next_due, the order the queues are worked in: the earliest deadline still to meet."""

import frappe
from frappe.tests.utils import FrappeTestCase
from frappe.utils import get_datetime

from support_hub.patches import fill_ticket_next_due
from support_hub.sla import sweep
from support_hub.testing import make_ticket, msk, setup_support_world


def stored(ticket):
    return frappe.get_doc("Ticket", ticket.name)


def answer(ticket, when):
    frappe.get_doc({
        "doctype": "Communication", "communication_type": "Communication", "communication_medium": "Email",
        "sent_or_received": "Sent", "subject": "Re: " + ticket.subject, "content": "We are on it",
        "reference_doctype": "Ticket", "reference_name": ticket.name, "communication_date": when,
    }).insert(ignore_permissions=True)


class TestTicketNextDue(FrappeTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        setup_support_world()

    def test_first_response_then_resolution_then_nothing(self):
        with self.freeze_time(msk(2026, 3, 2, 10, 0)):  # a Monday: respond by 11:00, resolve by 18:00
            ticket = make_ticket()
        self.assertEqual(get_datetime(ticket.next_due), msk(2026, 3, 2, 11, 0))
        with self.freeze_time(msk(2026, 3, 2, 10, 20)):
            answer(ticket, msk(2026, 3, 2, 10, 20))
        self.assertEqual(get_datetime(stored(ticket).next_due), msk(2026, 3, 2, 18, 0))
        with self.freeze_time(msk(2026, 3, 2, 12, 0)):
            doc = stored(ticket)
            doc.status = "Resolved"
            doc.save(ignore_permissions=True)
        self.assertIsNone(stored(ticket).next_due)

    def test_a_breached_ticket_keeps_its_missed_deadline(self):
        # The sweep clears its own checkpoints on a breach; the queue still needs the deadline that was missed.
        with self.freeze_time(msk(2026, 3, 2, 10, 0)):
            ticket = make_ticket()
        sweep.run(now=msk(2026, 3, 2, 11, 5), commit=False)
        after = stored(ticket)
        self.assertEqual((after.sla_status, after.sla_breach_on), ("Breached", None))
        self.assertEqual(get_datetime(after.next_due), msk(2026, 3, 2, 11, 0))
        with self.freeze_time(msk(2026, 3, 2, 11, 30)):
            answer(ticket, msk(2026, 3, 2, 11, 30))
        self.assertEqual(get_datetime(stored(ticket).next_due), msk(2026, 3, 2, 18, 0))

    def test_the_patch_fills_tickets_saved_before_the_field(self):
        with self.freeze_time(msk(2026, 3, 2, 10, 0)):
            waiting = make_ticket()
            answered = make_ticket()
        with self.freeze_time(msk(2026, 3, 2, 10, 30)):
            answer(answered, msk(2026, 3, 2, 10, 30))
        for ticket in (waiting, answered):
            frappe.db.set_value("Ticket", ticket.name, "next_due", None, update_modified=False)
        fill_ticket_next_due.execute()
        self.assertEqual(get_datetime(stored(waiting).next_due), msk(2026, 3, 2, 11, 0))
        self.assertEqual(get_datetime(stored(answered).next_due), msk(2026, 3, 2, 18, 0))
