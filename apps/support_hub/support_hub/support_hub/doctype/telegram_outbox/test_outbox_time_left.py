# Copyright (c) 2026, support_hub developers. License: MIT.
"""A deadline alert held up by an outage says the time left when it finally goes out (or that the deadline
has passed), not what was left when it was queued: against the fake Bot API, which refuses while down."""

from datetime import timedelta

import frappe

from support_hub.integrations.telegram import outbox
from support_hub.sla import sweep
from support_hub.testing import TEAM_CHAT, TelegramAlertsTestCase, make_ticket, msk


class TestTimeLeftWhenSent(TelegramAlertsTestCase):
    def warning_for_a_ticket_due_at_11(self):
        with self.freeze_time(msk(2026, 3, 2, 10, 0)):
            ticket = make_ticket(subject="Late alert")  # Support: first response due 11:00
        sweep.run(now=msk(2026, 3, 2, 10, 50), commit=False)
        frappe.db.sql("delete from `tabTelegram Outbox` where not reference_name <=> %s", ticket.name)
        (row,) = frappe.get_all("Telegram Outbox", filters={"purpose": "Deadline Warning"}, fields=["name", "deadline"])
        self.assertEqual(row.deadline, msk(2026, 3, 2, 11, 0))
        return ticket, row.name

    def send_through_outage(self, until):
        start = msk(2026, 3, 2, 10, 50)
        self.fake.outage(True)
        minute = 0
        while start + timedelta(minutes=minute) < until:
            outbox.send_due(now=start + timedelta(minutes=minute), commit=False)
            minute += 1
        self.assertEqual(self.fake.sent, [])
        self.fake.outage(False)
        # the retries back off; keep the scheduler's minutes going until it goes out
        while not self.fake.sent:
            outbox.send_due(now=start + timedelta(minutes=minute), commit=False)
            minute += 1
        return start + timedelta(minutes=minute - 1)

    def test_an_alert_sent_late_counts_the_time_left_at_sending(self):
        ticket, name = self.warning_for_a_ticket_due_at_11()
        sent_at = self.send_through_outage(until=msk(2026, 3, 2, 10, 56))
        self.assertLess(sent_at, msk(2026, 3, 2, 11, 0))
        left = int((msk(2026, 3, 2, 11, 0) - sent_at).total_seconds() // 60)
        (message,) = [m for m in self.fake.sent if m["chat_id"] == TEAM_CHAT]
        self.assertIn(f"Time left: {left} min", message["text"])
        self.assertNotIn("10 min", message["text"])
        self.assertIn(ticket.name, message["text"])
        # the row keeps what was really sent
        self.assertEqual(frappe.db.get_value("Telegram Outbox", name, "text"), message["text"])

    def test_an_alert_sent_after_the_deadline_says_it_has_passed(self):
        _ticket, _name = self.warning_for_a_ticket_due_at_11()
        sent_at = self.send_through_outage(until=msk(2026, 3, 2, 11, 20))
        ago = int((sent_at - msk(2026, 3, 2, 11, 0)).total_seconds() // 60)
        self.assertGreaterEqual(ago, 20)
        (message,) = [m for m in self.fake.sent if m["chat_id"] == TEAM_CHAT]
        self.assertIn(f"Deadline passed {ago} min ago", message["text"])
        self.assertNotIn("Time left", message["text"])
