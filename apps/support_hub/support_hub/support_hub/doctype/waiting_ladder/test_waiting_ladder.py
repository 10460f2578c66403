# Copyright (c) 2026, support_hub developers. License: MIT.

import frappe
from frappe.tests.utils import FrappeTestCase, change_settings
from frappe.utils import add_days, now_datetime

from support_hub.automation import waiting
from support_hub.testing import AGENT, make_ticket, msk, setup_support_world


def automated(ticket) -> list[str]:
    return frappe.get_all(
        "Communication",
        filters={"reference_doctype": "Ticket", "reference_name": ticket.name, "communication_type": "Automated Message"},
        pluck="content",
        order_by="creation asc",
    )


def customer_writes(ticket, text="Here is the file you asked for"):
    frappe.get_doc(
        {"doctype": "Communication", "communication_type": "Communication", "communication_medium": "Email",
         "sent_or_received": "Received", "subject": "Re: " + ticket.subject, "content": text,
         "sender": ticket.raised_by, "reference_doctype": "Ticket", "reference_name": ticket.name}
    ).insert(ignore_permissions=True)


class TestWaitingLadder(FrappeTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        setup_support_world()
        frappe.db.delete("Auto Reply")
        frappe.db.delete("Waiting Ladder")
        frappe.db.delete("Waiting Ladder Step")  # with their ladders, should an earlier run have committed them
        frappe.get_doc(
            {
                "doctype": "Waiting Ladder",
                "ladder_name": "Standard",
                "steps": [
                    {"action": "Remind", "after_hours": 48, "template": "Any news on {{ doc.name }}?"},
                    {"action": "Notify Closing", "after_hours": 72, "template": "{{ doc.name }} closes tomorrow."},
                    {"action": "Close", "after_hours": 24},
                ],
            }
        ).insert(ignore_permissions=True)

    def waiting_ticket(self, since):
        with self.freeze_time(since):
            ticket = frappe.get_doc("Ticket", make_ticket().name)
            ticket.status = "Waiting for Customer"
            ticket.save()
        return frappe.get_doc("Ticket", ticket.name)

    def run_ladder(self, ticket, now) -> list[str]:
        """The ladder steps one scheduler run carried out on this ticket."""
        return [step for name, step in waiting.run(now=now, commit=False) if name == ticket.name]

    def test_steps_run_in_order_each_once_even_when_late_or_repeated(self):
        ticket = self.waiting_ticket(msk(2026, 3, 2, 10, 0))
        self.assertEqual(self.run_ladder(ticket, msk(2026, 3, 4, 9, 59)), [])
        self.assertEqual(self.run_ladder(ticket, msk(2026, 3, 4, 10, 1)), ["1:Remind"])
        self.assertEqual(self.run_ladder(ticket, msk(2026, 3, 4, 10, 2)), [])  # ran twice
        self.assertEqual(automated(ticket), ["Any news on {}?".format(ticket.name)])
        # the scheduler was down for a week: the notice and the close both happen now, once
        self.assertEqual(self.run_ladder(ticket, msk(2026, 3, 14, 12, 0)), ["2:Notify Closing", "3:Close"])
        self.assertEqual(self.run_ladder(ticket, msk(2026, 3, 14, 12, 1)), [])
        stored = frappe.get_doc("Ticket", ticket.name)
        self.assertEqual((stored.status, stored.close_reason), ("Closed", "No reply"))
        # the reminder, the closing notice, then the rating request every closed e-mail ticket gets
        messages = automated(ticket)
        self.assertEqual(len(messages), 3, messages)
        self.assertIn("How did we do?", messages[2])
        log = frappe.get_all("Support Automation Log", filters={"ticket": ticket.name, "automation": "Waiting Ladder"},
                             pluck="reason")
        self.assertEqual(len(log), 3)
        self.assertTrue(any("Closed by the waiting ladder «Standard»: no reply for" in r for r in log), log)

    def test_customer_reply_reopens_and_the_ladder_starts_over(self):
        ticket = self.waiting_ticket(msk(2026, 3, 2, 10, 0))
        waiting.run(now=msk(2026, 3, 4, 11, 0), commit=False)
        customer_writes(ticket)
        stored = frappe.get_doc("Ticket", ticket.name)
        self.assertEqual(stored.status, "Open")
        self.assertIsNone(stored.waiting_since)
        with self.freeze_time(msk(2026, 3, 5, 10, 0)):
            stored.status = "Waiting for Customer"
            stored.save()
        self.assertEqual(self.run_ladder(ticket, msk(2026, 3, 7, 9, 0)), [])
        self.assertEqual(self.run_ladder(ticket, msk(2026, 3, 7, 10, 1)), ["1:Remind"])
        self.assertEqual(len(automated(ticket)), 2)  # one reminder per waiting period

    def test_reply_to_a_closed_ticket_reopens_only_within_the_window(self):
        recent = frappe.get_doc("Ticket", make_ticket().name)  # as stored after the intake job
        recent.status = "Closed"
        recent.save()
        customer_writes(recent)
        self.assertEqual(frappe.db.get_value("Ticket", recent.name, "status"), "Open")

        old = frappe.get_doc("Ticket", make_ticket().name)
        old.status = "Closed"
        old.save()
        frappe.db.set_value("Ticket", old.name, "resolved_on", add_days(now_datetime(), -30))
        with change_settings("Support Hub Settings", reopen_window_days=7):
            customer_writes(frappe.get_doc("Ticket", old.name))
        self.assertEqual(frappe.db.get_value("Ticket", old.name, "status"), "Closed")

    def test_every_channel_reopens_through_the_one_writer(self):
        """An e-mail reply and a Telegram message alike: status Open, close reason gone, one timeline
        line with its automation log row, and the assignee told."""
        from frappe.desk.form.assign_to import add as assign

        from support_hub.integrations.telegram.customer_store import FrappeBotStore

        # The assignee's notification mail would be sent at once in a test, and sending commits.
        self.addCleanup(setattr, frappe.flags, "mute_emails", frappe.flags.mute_emails)
        frappe.flags.mute_emails = True
        by_mail = frappe.get_doc("Ticket", make_ticket().name)
        # The bot's store writes the customer's message; which channel opened the ticket does not matter here.
        by_telegram = frappe.get_doc("Ticket", make_ticket(raised_by="tg:700300400").name)
        frappe.db.set_value("Ticket", by_telegram.name, "telegram_chat_id", "700300400")
        for ticket in (by_mail, by_telegram):
            assign({"doctype": "Ticket", "name": ticket.name, "assign_to": [AGENT]}, ignore_permissions=True)
            ticket = frappe.get_doc("Ticket", ticket.name)
            ticket.status = "Resolved"
            ticket.save()
        customer_writes(by_mail, "It broke again")
        FrappeBotStore().add_message(by_telegram.name, "It broke again", [])
        for ticket in (by_mail, by_telegram):
            stored = frappe.get_doc("Ticket", ticket.name)
            self.assertEqual((stored.status, stored.close_reason), ("Open", None))
            lines = frappe.get_all("Comment", filters={"reference_doctype": "Ticket", "reference_name": ticket.name,
                                                       "comment_type": "Info", "content": ["like", "Reopened%"]},
                                   pluck="content")
            self.assertEqual(lines, ["Reopened by the customer's reply (was Resolved)"])
            self.assertEqual(frappe.db.count("Support Automation Log", {"ticket": ticket.name, "automation": "Reopen"}), 1)
            self.assertTrue(frappe.db.exists("Notification Log", {"for_user": AGENT, "document_name": ticket.name,
                                                                  "subject": ["like", "%Reopened by the customer%"]}))
        # A second message to the ticket, now open, reopens nothing.
        customer_writes(by_mail, "Also this")
        self.assertEqual(frappe.db.count("Support Automation Log", {"ticket": by_mail.name, "automation": "Reopen"}), 1)

    def test_bad_ladders_are_refused(self):
        with self.assertRaises(frappe.ValidationError):
            frappe.get_doc({"doctype": "Waiting Ladder", "ladder_name": "Zero", "ticket_type": "Implementation",
                            "steps": [{"action": "Remind", "after_hours": 0, "template": "x"}]}).insert()
        with self.assertRaises(frappe.ValidationError):
            frappe.get_doc({"doctype": "Waiting Ladder", "ladder_name": "Silent", "ticket_type": "Implementation",
                            "steps": [{"action": "Remind", "after_hours": 5}]}).insert()
