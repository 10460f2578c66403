# Copyright (c) 2026, support_hub developers. License: MIT.
"""A person's change that makes a deadline later is recorded as an SLA Event and alerted to the managers'
Telegram chat (through the outbox, against the fake Bot API) and in each Support Manager's desk."""

import frappe
from frappe.desk.form.assign_to import add as assign
from frappe.tests.utils import change_settings

from support_hub.integrations.telegram import outbox
from support_hub.testing import (
    save_ticket_as,
    TelegramAlertsTestCase,
    AGENT,
    MANAGER,
    MANAGER_CHAT,
    ensure_user,
    make_ticket,
    msk,
)

OTHER_MANAGER = "sh-test-manager-2@example.com"


def events(ticket):
    return frappe.get_all("SLA Event", filters={"ticket": ticket.name, "event": "Changed"},
                          fields=["target", "changed_by", "from_value", "to_value", "later_by_minutes", "reason",
                                  "alert_managers"], order_by="target asc")


def desk_notes(ticket, user):
    return frappe.get_all("Notification Log", filters={"document_type": "Ticket", "document_name": ticket.name,
                                                        "for_user": user, "type": "Alert"}, fields=["subject", "from_user"])


def outbox_rows(ticket):
    return frappe.get_all("Telegram Outbox", filters={"reference_name": ticket.name, "purpose": "SLA Changed"},
                          fields=["chat_id", "text"])


class TestDeadlineMovedLater(TelegramAlertsTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        ensure_user(OTHER_MANAGER, "Support Manager")

    def change_type(self, user, ticket, ticket_type):
        frappe.set_user(user)
        try:
            doc = frappe.get_doc("Ticket", ticket.name)
            doc.ticket_type = ticket_type
            with self.freeze_time(msk(2026, 3, 2, 10, 10)):
                doc.save()
        finally:
            frappe.set_user("Administrator")
        return doc

    def new_ticket(self):
        with self.freeze_time(msk(2026, 3, 2, 10, 0)):
            ticket = make_ticket(subject="Switch me", ticket_type="Support")
        assign({"doctype": "Ticket", "name": ticket.name, "assign_to": [AGENT]}, ignore_permissions=True)
        self.assertEqual(ticket.sla_policy, "Test Support")
        return frappe.get_doc("Ticket", ticket.name)

    def test_an_agent_switching_support_to_implementation_alerts_the_managers(self):
        ticket = self.new_ticket()
        changed = self.change_type(AGENT, ticket, "Implementation")
        self.assertEqual(changed.sla_policy, "Test Implementation")
        rows = events(ticket)
        self.assertEqual([r.target for r in rows], ["First Response", "Resolution"])
        for row, field in zip(rows, ("first_response_due", "resolution_due")):
            old, new = ticket.get(field), changed.get(field)
            self.assertGreater(new, old)
            self.assertEqual(row.changed_by, AGENT)
            self.assertEqual(row.alert_managers, 1)
            self.assertEqual(row.later_by_minutes, int((new - old).total_seconds() // 60))
            self.assertEqual((row.from_value, row.to_value), (str(old), str(new)))
            self.assertIn("Ticket Type", row.reason)
        self.assertEqual(rows[0].later_by_minutes, 180)  # 1 h → 4 h of working time, the same morning

        queued = outbox_rows(ticket)
        self.assertEqual([r.chat_id for r in queued], [str(MANAGER_CHAT)] * 2)
        outbox.send_due(now=msk(2026, 3, 2, 10, 10), commit=False)
        texts = [m["text"] for m in self.fake.sent if m["chat_id"] == MANAGER_CHAT]
        self.assertEqual(len(texts), 2)
        self.assertTrue(any("Deadline later by 3 h" in t and ticket.name in t for t in texts), texts)

        for manager in (MANAGER, OTHER_MANAGER):
            notes = desk_notes(ticket, manager)
            self.assertEqual(len(notes), 2, notes)
            self.assertTrue(any("later by 180 min" in n.subject for n in notes), notes)
            self.assertEqual({n.from_user for n in notes}, {AGENT})
        self.assertEqual(desk_notes(ticket, AGENT), [])

    def test_a_change_that_makes_deadlines_earlier_is_not_recorded(self):
        ticket = self.new_ticket()
        self.change_type("Administrator", ticket, "Implementation")
        frappe.db.delete("SLA Event", {"ticket": ticket.name})
        frappe.db.delete("Telegram Outbox")
        self.change_type(AGENT, frappe.get_doc("Ticket", ticket.name), "Support")
        self.assertEqual(events(ticket), [])
        self.assertEqual(outbox_rows(ticket), [])

    def test_a_managers_own_change_is_recorded_but_not_alerted_unless_the_setting_is_off(self):
        ticket = self.new_ticket()
        self.change_type(MANAGER, ticket, "Implementation")
        rows = events(ticket)
        self.assertEqual([(r.changed_by, r.alert_managers) for r in rows], [(MANAGER, 0), (MANAGER, 0)])
        self.assertEqual(outbox_rows(ticket), [])
        self.assertEqual(desk_notes(ticket, OTHER_MANAGER), [])

        other = self.new_ticket()
        with change_settings("Support Hub Settings", managers_changes_not_alerted=0):
            self.change_type(MANAGER, other, "Implementation")
        self.assertEqual([r.alert_managers for r in events(other)], [1, 1])
        self.assertEqual(len(outbox_rows(other)), 2)
        self.assertEqual(len(desk_notes(other, OTHER_MANAGER)), 2)
        self.assertEqual(desk_notes(other, MANAGER), [])  # nobody is told of their own change

    def test_a_managers_hand_edit_is_still_alerted_and_says_how_much_later(self):
        ticket = self.new_ticket()
        save_ticket_as(MANAGER, ticket.name, resolution_due=msk(2026, 3, 5, 12, 0))
        (row,) = events(ticket)
        self.assertEqual((row.target, row.alert_managers), ("Resolution", 1))
        self.assertEqual(row.later_by_minutes, int((msk(2026, 3, 5, 12, 0) - ticket.resolution_due).total_seconds() // 60))
        (queued,) = outbox_rows(ticket)
        self.assertIn("Deadline later by", queued.text)
