# Copyright (c) 2026, support_hub developers. License: MIT.
"""Breach escalation on real tickets (support_hub.sla.escalation): the team's Telegram chat (a fake Bot
API on 127.0.0.1) and the team manager's e-mail (the Email Queue) once per breach, with and without
Telegram; reassignment to another agent of the team after N minutes without a response."""

import email
import email.policy
import json

import frappe
from frappe.desk.form import assign_to

from support_hub.sla import escalation, sweep
from support_hub.testing import (
    AGENT, TEAM_CHAT, TelegramAlertsTestCase, ensure_policy, ensure_user, make_ticket, msk,
)

TEAM = "Escalation Team"
TEAM_MANAGER = "sh-test-team-manager@example.com"
SECOND_AGENT = "sh-test-agent2@example.com"
AWAY_AGENT = "sh-test-agent-away@example.com"  # has no open tickets, but is away


class TestBreachEscalation(TelegramAlertsTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        ensure_user(TEAM_MANAGER, "Support Manager")
        ensure_user(SECOND_AGENT, "Support Agent")
        ensure_user(AWAY_AGENT, "Support Agent")
        if frappe.db.exists("Agent Availability", AWAY_AGENT):
            frappe.delete_doc("Agent Availability", AWAY_AGENT, force=True, ignore_permissions=True)
        frappe.get_doc({"doctype": "Agent Availability", "user": AWAY_AGENT, "away": 1}).insert(ignore_permissions=True)
        # Away since long before the tests' frozen March 2026 (saving marks it away from the real now).
        frappe.db.set_value("Agent Availability", AWAY_AGENT, "away_since", "2026-01-01 00:00:00")
        if not frappe.db.exists("Ticket Type", "Escalation"):
            frappe.get_doc({"doctype": "Ticket Type", "type_name": "Escalation"}).insert(ignore_permissions=True)
        if frappe.db.exists("Support Team", TEAM):
            frappe.delete_doc("Support Team", TEAM, force=True, ignore_permissions=True)
        frappe.get_doc({"doctype": "Support Team", "team_name": TEAM, "manager": TEAM_MANAGER,
                        "members": [{"user": AWAY_AGENT, "active": 1}, {"user": AGENT, "active": 1},
                                    {"user": SECOND_AGENT, "active": 1}]}
                       ).insert(ignore_permissions=True)
        ensure_policy("Test Escalation", "Escalation", 60, 480, reassign_after_minutes=30)

    def tearDown(self):
        frappe.set_user("Administrator")
        frappe.db.set_single_value("Telegram Settings", "enabled", 1)

    def open_ticket(self):
        with self.freeze_time(msk(2026, 3, 2, 10, 0)):  # Monday: first response due 11:00
            ticket = make_ticket(ticket_type="Escalation", team=TEAM)
            for user in json.loads(frappe.db.get_value("Ticket", ticket.name, "_assign") or "[]"):
                assign_to.remove("Ticket", ticket.name, user, ignore_permissions=True)
            assign_to.add({"assign_to": [AGENT], "doctype": "Ticket", "name": ticket.name}, ignore_permissions=True)
        return ticket.name

    def breach(self, ticket):
        for _ in range(2):  # a second sweep finds the breach again and escalates nothing more
            with self.freeze_time(msk(2026, 3, 2, 11, 1)):
                sweep.run(now=msk(2026, 3, 2, 11, 1), commit=False)
        self.assertEqual(frappe.db.get_value("Ticket", ticket, "sla_status"), "Breached")

    def mails_to(self, address, ticket):
        queued = frappe.get_all("Email Queue", filters={"reference_doctype": "Ticket", "reference_name": ticket},
                                fields=["name", "message"])
        return [q for q in queued
                if frappe.db.exists("Email Queue Recipient", {"parent": q.name, "recipient": address})]

    def test_breach_alerts_the_team_chat_and_mails_the_team_manager_once(self):
        ticket = self.open_ticket()
        self.breach(ticket)
        # The same transition reported again (another path, an overlapping sweep) escalates nothing more.
        breach_key = frappe.db.get_value("SLA Event", {"ticket": ticket, "event": "Breached"}, "dedupe_key")
        from support_hub.engine.sla import SlaStatus, SlaTarget, Transition
        from support_hub.system_time import to_aware
        escalation.on_sla_transitions([Transition(ticket, SlaStatus.BREACHED, SlaTarget.FIRST_RESPONSE,
                                                  to_aware(msk(2026, 3, 2, 11, 0)))])

        self.assertEqual(frappe.db.count("SLA Event", {"ticket": ticket, "event": "Escalated"}), 1)
        self.assertTrue(frappe.db.exists("SLA Event", {"dedupe_key": breach_key + "|Escalated"}))
        alerts = frappe.get_all("Telegram Outbox", filters={"reference_name": ticket, "purpose": "Deadline Breached"},
                                fields=["chat_id", "text"])
        self.assertEqual(len(alerts), 1, alerts)
        self.assertEqual(alerts[0].chat_id, str(TEAM_CHAT))
        self.assertIn("Deadline missed", alerts[0].text)
        self.assertIn(ticket, alerts[0].text)
        mails = self.mails_to(TEAM_MANAGER, ticket)
        self.assertEqual(len(mails), 1, mails)
        self.assertIn("missed its", mails[0].message)
        self.assertIn(TEAM, mails[0].message)

    def test_many_breaches_at_once_are_escalated_once_each_and_summed_up_in_one_message_and_one_mail(self):
        """A policy change or a sweep after downtime can breach many tickets in one go: each is claimed once,
        and the team chat and the manager each get one message listing them, not one per ticket."""
        from support_hub.engine.alerts import SUMMARY_OVER

        tickets = [self.open_ticket() for _ in range(SUMMARY_OVER + 2)]
        # Breached and escalated, they are no later test's business (the reassignment sweep's, say).
        self.addCleanup(frappe.db.delete, "Ticket", {"name": ["in", tickets]})
        self.breach(tickets[0])  # all of them, in one sweep (and once more: nothing new)
        for ticket in tickets:
            self.assertEqual(frappe.db.count("SLA Event", {"ticket": ticket, "event": "Escalated"}), 1)
            self.assertEqual(self.mails_to(TEAM_MANAGER, ticket), [])  # no e-mail of its own
        chat = frappe.get_all("Telegram Outbox", filters={"purpose": "Deadline Breached"},
                              fields=["chat_id", "text", "reference_name"])
        self.assertEqual(len(chat), 1, chat)
        self.assertEqual((chat[0].chat_id, chat[0].reference_name), (str(TEAM_CHAT), None))
        self.assertIn(f"Deadlines missed: {len(tickets)} tickets", chat[0].text)
        for ticket in tickets:
            self.assertIn(ticket, chat[0].text)

        def html(raw):  # the queued MIME message's HTML part, decoded
            message = email.message_from_string(raw, policy=email.policy.default)
            return message.get_body(preferencelist=("html",)).get_content()

        to_manager = frappe.get_all("Email Queue Recipient", filters={"recipient": TEAM_MANAGER}, pluck="parent")
        digests = [(q.name, html(q.message)) for q in frappe.get_all(
            "Email Queue", filters={"name": ["in", to_manager], "reference_name": ["is", "not set"]},
            fields=["name", "message"])]
        digests = [(name, text) for name, text in digests if all(t in text for t in tickets)]
        self.assertEqual(len(digests), 1, [text[:300] for _name, text in digests])
        self.assertTrue(frappe.db.exists("Email Queue Recipient", {"parent": digests[0][0], "recipient": TEAM_MANAGER}))
        self.assertIn("tickets missed their SLA deadlines at once", digests[0][1])

    def test_the_manager_is_mailed_without_telegram(self):
        frappe.db.set_single_value("Telegram Settings", "enabled", 0)
        ticket = self.open_ticket()
        self.breach(ticket)
        self.assertEqual(len(self.mails_to(TEAM_MANAGER, ticket)), 1)
        self.assertFalse(frappe.db.exists("Telegram Outbox", {"reference_name": ticket, "purpose": "Deadline Breached"}))

    def test_a_breached_ticket_nobody_answers_goes_to_another_agent_once(self):
        # A known state: earlier runs' breached tickets of the team (this class's tests commit through the
        # mail they send) are done, so the sweep's answer is about this test's ticket alone.
        frappe.db.sql("update tabTicket set resolved_on = %s where team = %s and resolved_on is null",
                      (msk(2026, 3, 1, 12, 0), TEAM))
        # The team's first member has the fewest tickets but is away: the ticket goes to one who is there.
        for todo in frappe.get_all("ToDo", filters={"allocated_to": AWAY_AGENT, "status": "Open"}, pluck="name"):
            frappe.db.set_value("ToDo", todo, "status", "Cancelled")
        ticket = self.open_ticket()
        self.breach(ticket)
        self.assertEqual(escalation.reassign_overdue(now=msk(2026, 3, 2, 11, 20), commit=False), [])  # not yet
        with self.freeze_time(msk(2026, 3, 2, 11, 32)):
            self.assertEqual(escalation.reassign_overdue(now=msk(2026, 3, 2, 11, 32), commit=False), [ticket])
        self.assertEqual(json.loads(frappe.db.get_value("Ticket", ticket, "_assign")), [SECOND_AGENT])
        self.assertTrue(frappe.db.exists("ToDo", {"reference_name": ticket, "allocated_to": SECOND_AGENT,
                                                  "status": "Open"}))
        comments = frappe.get_all("Comment", filters={"reference_doctype": "Ticket", "reference_name": ticket,
                                                      "comment_type": "Info"}, pluck="content")
        reason = [c for c in comments if "Reassigned from" in c]
        self.assertEqual(len(reason), 1, comments)
        self.assertIn("nobody answered", reason[0])
        # A minute later, and again: the breach was handed on once.
        with self.freeze_time(msk(2026, 3, 2, 11, 40)):
            self.assertEqual(escalation.reassign_overdue(now=msk(2026, 3, 2, 11, 40), commit=False), [])
        self.assertEqual(frappe.db.count("SLA Event", {"ticket": ticket, "event": "Reassigned"}), 1)
        self.assertEqual(json.loads(frappe.db.get_value("Ticket", ticket, "_assign")), [SECOND_AGENT])

    def test_an_answer_after_the_breach_keeps_the_ticket_with_its_agent(self):
        ticket = self.open_ticket()
        self.breach(ticket)
        with self.freeze_time(msk(2026, 3, 2, 11, 10)):
            frappe.get_doc({"doctype": "Communication", "communication_type": "Communication",
                            "communication_medium": "Email", "sent_or_received": "Sent", "subject": "Re: late",
                            "content": "Sorry for the wait, looking now", "reference_doctype": "Ticket",
                            "reference_name": ticket}).insert(ignore_permissions=True)
        with self.freeze_time(msk(2026, 3, 2, 11, 32)):
            self.assertEqual(escalation.reassign_overdue(now=msk(2026, 3, 2, 11, 32), commit=False), [])
        self.assertEqual(json.loads(frappe.db.get_value("Ticket", ticket, "_assign")), [AGENT])
