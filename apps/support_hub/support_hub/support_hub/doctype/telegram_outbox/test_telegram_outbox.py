# Copyright (c) 2026, support_hub developers. License: MIT.

import time
from datetime import timedelta

import frappe
from frappe.utils import now_datetime
from frappe.desk.form.assign_to import add as assign

from support_hub.integrations.telegram import outbox
from support_hub.sla import sweep
from support_hub.testing import (
    save_ticket_as,
    TelegramAlertsTestCase,
    AGENT,
    MANAGER,
    MANAGER_CHAT,
    TEAM_CHAT,
    make_ticket,
    msk,
)


def queued(purpose=None, status="Queued", tickets=None):
    filters = {"status": status}
    if purpose:
        filters["purpose"] = purpose
    if tickets:
        filters["reference_name"] = ["in", [t.name for t in tickets]]
    return frappe.get_all("Telegram Outbox", filters=filters, fields=["name", "chat_id", "text", "attempts"])


class TestTelegramAlerts(TelegramAlertsTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        frappe.db.set_value("User", AGENT, {"telegram_username": "adelia_support"})

    def send(self, now):
        return outbox.send_due(now=now, commit=False)

    def test_deadline_warning_mentions_the_assignee_once_however_often_the_sweep_runs(self):
        with self.freeze_time(msk(2026, 3, 2, 10, 0)):
            ticket = make_ticket(subject="Export <fails>")
        assign({"doctype": "Ticket", "name": ticket.name, "assign_to": [AGENT]}, ignore_permissions=True)
        with self.freeze_time(msk(2026, 3, 2, 10, 50)):
            for _ in range(3):
                sweep.run(commit=False)
        rows = queued("Deadline Warning", tickets=[ticket])
        self.assertEqual(len(rows), 1)
        self.assertEqual(rows[0].chat_id, str(TEAM_CHAT))
        self.send(msk(2026, 3, 2, 10, 50))
        (message,) = [m for m in self.fake.sent if m["chat_id"] == TEAM_CHAT]
        self.assertIn("@adelia_support", message["text"])
        self.assertIn(ticket.name, message["text"])
        self.assertIn("Export &lt;fails&gt;", message["text"])  # customer text escaped once for Telegram HTML
        self.assertIn("10 min", message["text"])  # time left when the warning fired
        self.assertEqual(queued(status="Sent", tickets=[ticket])[0].attempts, 1)

    def test_many_tickets_in_warning_at_once_are_summed_up_per_chat_in_a_few_queries(self):
        """A policy's re-plan can put thousands of tickets in Warning in one go: a chat that would get more
        than SUMMARY_OVER alerts gets one message listing them; a chat with few gets each alert, naming its
        assignee. Statements per thousand, not per ticket; seen again, nothing more is queued."""
        from support_hub.engine.alerts import SUMMARY_LISTED, SUMMARY_OVER
        from support_hub.engine.sla import SlaStatus, SlaTarget, Transition
        from support_hub.integrations.telegram import team_alerts
        from support_hub.system_time import to_aware

        busy, quiet = "Alerts Night Shift", "Alerts Day Shift"
        for team, chat in ((busy, "-100777"), (quiet, "-100888")):
            if not frappe.db.exists("Support Team", team):
                frappe.get_doc({"doctype": "Support Team", "team_name": team, "telegram_chat_id": chat}).insert()
        with self.freeze_time(msk(2026, 3, 2, 10, 0)):
            many = [make_ticket(subject=f"Burning <{i}>", team=busy) for i in range(SUMMARY_LISTED + 5)]
            few = [make_ticket(subject=f"Warm {i}", team=quiet) for i in range(SUMMARY_OVER)]
        # Nearly due, they are no later test's business (the sweep's, say).
        self.addCleanup(frappe.db.delete, "Ticket", {"name": ["in", [t.name for t in many + few]]})
        assign({"doctype": "Ticket", "name": few[1].name, "assign_to": [AGENT]}, ignore_permissions=True)
        transitions = [Transition(t.name, SlaStatus.WARNING, SlaTarget.FIRST_RESPONSE, to_aware(t.first_response_due))
                       for t in many + few]
        statements = []
        real_sql = frappe.db.sql

        def counted(query, *args, **kwargs):
            statements.append(query)
            return real_sql(query, *args, **kwargs)

        frappe.db.sql = counted
        try:
            team_alerts.on_sla_transitions(transitions)
            first = len(statements)
            team_alerts.on_sla_transitions(transitions)  # reported again
        finally:
            frappe.db.sql = real_sql
        self.assertLessEqual(first, 10, statements[:first])
        rows = frappe.get_all("Telegram Outbox", filters={"purpose": "Deadline Warning"},
                              fields=["reference_name", "chat_id", "text"], order_by="creation asc")
        self.assertEqual([r.reference_name for r in rows if r.chat_id == "-100888"], [t.name for t in few])
        self.assertIn("@adelia_support", [r for r in rows if r.reference_name == few[1].name][0].text)
        (summary,) = [r for r in rows if r.chat_id == "-100777"]
        self.assertIsNone(summary.reference_name)
        self.assertIn(f"Deadlines burning: {len(many)} tickets", summary.text)
        self.assertIn(many[SUMMARY_LISTED - 1].name, summary.text)
        self.assertNotIn(many[SUMMARY_LISTED].name, summary.text)
        self.assertIn("Burning &lt;0&gt;", summary.text)
        self.assertIn("and 5 more", summary.text)
        self.send(msk(2026, 3, 2, 10, 50))  # Telegram takes it as HTML
        self.assertTrue([m for m in self.fake.sent if m["chat_id"] == -100777 and "and 5 more" in m["text"]])

    def test_manual_sla_change_goes_to_the_manager_chat(self):
        with self.freeze_time(msk(2026, 3, 2, 10, 0)):
            ticket = make_ticket()
        save_ticket_as(MANAGER, ticket.name, resolution_due=msk(2026, 3, 5, 12, 0))
        rows = queued("SLA Changed", tickets=[ticket])
        self.assertEqual([r.chat_id for r in rows], [str(MANAGER_CHAT)])
        self.assertIn(ticket.name, rows[0].text)

    def test_ten_minute_outage_loses_nothing_and_sends_nothing_twice(self):
        with self.freeze_time(msk(2026, 3, 2, 10, 0)):
            tickets = [make_ticket(subject=f"Outage check {i}") for i in range(4)]
        sweep.run(now=msk(2026, 3, 2, 10, 50), commit=False)
        ours = [row.name for row in queued("Deadline Warning", tickets=tickets)]
        self.assertEqual(len(ours), 4)
        frappe.db.delete("Telegram Outbox", {"name": ["not in", ours]})  # other tests' tickets the sweep found
        start = msk(2026, 3, 2, 10, 50)
        self.fake.outage(True)
        minute = 0
        for minute in range(0, 10):  # the scheduler keeps running every minute through the outage
            self.send(start + timedelta(minutes=minute))
        self.assertEqual(self.fake.sent, [])
        self.assertEqual(len(queued("Deadline Warning", tickets=tickets)), 4)  # still queued, none failed for good
        self.fake.outage(False)
        for minute in range(10, 30):
            self.send(start + timedelta(minutes=minute))
        texts = [m["text"] for m in self.fake.sent]
        self.assertEqual(len(texts), 4)
        for ticket in tickets:
            self.assertEqual(sum(ticket.name in t for t in texts), 1)
        self.assertEqual(len(queued(status="Sent", tickets=tickets)), 4)

    def test_flood_control_retry_after_is_honoured_to_the_second(self):
        with self.freeze_time(msk(2026, 3, 2, 10, 0)):
            ticket = make_ticket()
        sweep.run(now=msk(2026, 3, 2, 10, 50), commit=False)
        frappe.db.delete("Telegram Outbox", {"reference_name": ["!=", ticket.name]})
        self.fake.fail_next(1, status=429, retry_after=7)
        now = msk(2026, 3, 2, 10, 50)
        self.send(now)
        (row,) = frappe.get_all("Telegram Outbox", fields=["status", "next_try", "attempts", "last_error"])
        self.assertEqual((row.status, row.attempts), ("Queued", 1))
        self.assertEqual(row.next_try, now + timedelta(seconds=7))
        self.send(now + timedelta(seconds=6))
        self.assertEqual(self.fake.sent, [])
        self.send(now + timedelta(seconds=7))
        self.assertEqual(len(self.fake.sent), 1)

    def test_two_messages_to_one_chat_go_a_second_apart(self):
        self.assertEqual(outbox.CHAT_INTERVAL, 1.0)  # Telegram's pace, as the site sends
        frappe.db.delete("Telegram Outbox", {"status": "Queued"})
        chat = 700123456
        for i in range(2):
            outbox.queue(f"pace-check-{frappe.generate_hash(length=8)}-{i}", chat, f"Message {i}", "Bot Reply")
        began = time.monotonic()
        self.send(now_datetime())
        self.assertEqual([m["text"] for m in self.fake.sent if m["chat_id"] == chat], ["Message 0", "Message 1"])
        self.assertGreaterEqual(time.monotonic() - began, 0.9)

    def test_blocked_chat_fails_for_good_without_retrying(self):
        self.fake.block(TEAM_CHAT)
        with self.freeze_time(msk(2026, 3, 2, 10, 0)):
            ticket = make_ticket()
        sweep.run(now=msk(2026, 3, 2, 10, 50), commit=False)
        frappe.db.delete("Telegram Outbox", {"reference_name": ["!=", ticket.name]})
        self.send(msk(2026, 3, 2, 10, 50))
        self.send(msk(2026, 3, 2, 11, 50))
        (row,) = frappe.get_all("Telegram Outbox", fields=["status", "attempts", "last_error"])
        self.assertEqual((row.status, row.attempts), ("Failed", 1))
        self.assertTrue(row.last_error)
