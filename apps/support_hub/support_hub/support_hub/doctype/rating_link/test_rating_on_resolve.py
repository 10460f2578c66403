# Copyright (c) 2026, support_hub developers. License: MIT.
"""Every channel is asked for a rating when the ticket is done (support_hub.ratings.request_rating): e-mail,
web and phone tickets by e-mail with a one-time link, Telegram tickets by the bot; once per ticket."""

import re

import frappe

from support_hub import ratings
from support_hub.testing import AGENT, TelegramAlertsTestCase, make_ticket, save_ticket_as

LINK = re.compile(r"/rate\?token=([A-Za-z0-9_-]+)(?:&amp;|&)rating=(bad|ok|great)")


def queued_mail_to(address: str) -> list[str]:
    rows = frappe.get_all("Email Queue", filters={"message": ("like", f"%{address}%")}, pluck="message",
                          order_by="creation")
    return [r for r in rows if f"To: {address}" in r or address in r.split("\n\n", 1)[0]]


def links_in(messages: list[str]) -> set[str]:
    from email import message_from_string, policy

    tokens = set()
    for raw in messages:
        for part in message_from_string(raw, policy=policy.default).walk():
            if part.get_content_type() == "text/html":
                tokens |= {token for token, _rating in LINK.findall(part.get_content())}
    return tokens


def requests_logged(ticket: str) -> int:
    return frappe.db.count("Support Automation Log", {"ticket": ticket, "action": "rating request"})


class TestRatingOnResolve(TelegramAlertsTestCase):
    def address(self) -> str:
        return f"rate-{frappe.generate_hash(length=10)}@example.com"

    def test_email_and_web_tickets_are_asked_by_email_on_resolved_and_on_closed(self):
        for channel, status in (("Email", "Resolved"), ("Web", "Closed")):
            address = self.address()
            ticket = make_ticket(channel=channel, raised_by=address, subject=f"{channel} question")
            self.assertEqual(links_in(queued_mail_to(address)), set())  # not asked while open
            save_ticket_as(AGENT, ticket.name, status=status)
            mails = queued_mail_to(address)
            tokens = links_in(mails)
            self.assertEqual(len(tokens), 1, (channel, mails))  # one link; each emoji preselects its answer
            link = frappe.get_all("Rating Link", filters={"ticket": ticket.name}, fields=["channel", "used_on"])
            self.assertEqual(link, [{"channel": "Email", "used_on": None}])
            # the timeline keeps the question, never the working link
            timeline = frappe.get_all("Communication", filters={"reference_doctype": "Ticket",
                                                                "reference_name": ticket.name,
                                                                "communication_type": "Automated Message"},
                                      pluck="content")
            self.assertTrue(any("How did we do?" in c for c in timeline), timeline)
            self.assertFalse(any("token=" in c for c in timeline))
            # the link rates the ticket as any other channel would, with its comment and bad-rating alert
            ratings.rate_by_link(tokens.pop(), "bad", "Took a week")
            row = frappe.db.get_value("Ticket", ticket.name, ["rating", "rating_comment"], as_dict=True)
            self.assertEqual((row.rating, row.rating_comment), ("bad", "Took a week"))
            self.assertEqual(frappe.db.count("Telegram Outbox", {"reference_name": ticket.name, "purpose": "Rating"}), 1)

    def test_a_phone_ticket_is_asked_at_its_contacts_address(self):
        address = self.address()
        contact = frappe.get_doc({"doctype": "Contact", "first_name": "Caller",
                                  "email_ids": [{"email_id": address, "is_primary": 1}]}).insert(ignore_permissions=True)
        ticket = make_ticket(channel="Phone", raised_by="+79160001122", contact=contact.name)
        save_ticket_as(AGENT, ticket.name, status="Resolved")
        self.assertEqual(len(links_in(queued_mail_to(address))), 1)

    def test_one_request_per_ticket_through_close_reopen_and_resolve_again(self):
        address = self.address()
        ticket = make_ticket(raised_by=address)
        for status in ("Resolved", "Closed", "Open", "Resolved", "Closed"):
            save_ticket_as(AGENT, ticket.name, status=status)
        self.assertEqual(len(links_in(queued_mail_to(address))), 1)
        self.assertEqual(frappe.db.count("Rating Link", {"ticket": ticket.name}), 1)
        self.assertEqual(requests_logged(ticket.name), 1)

    def test_a_phone_ticket_rated_after_its_call_or_asked_then_is_not_asked_again(self):
        address = self.address()
        ticket = make_ticket(channel="Phone", raised_by=address)
        ratings.issue_rating_link(ticket.name, channel="Phone")  # the e-mail after the call
        save_ticket_as(AGENT, ticket.name, status="Resolved")
        self.assertEqual(frappe.db.count("Rating Link", {"ticket": ticket.name}), 1)
        rated = make_ticket(raised_by=self.address())
        ratings.record_rating(rated.name, "great", channel="Web")
        save_ticket_as(AGENT, rated.name, status="Closed")
        self.assertEqual(frappe.db.count("Rating Link", {"ticket": rated.name}), 0)

    def test_internal_tickets_and_tickets_without_an_address_are_not_asked(self):
        for values in ({"channel": "Internal", "raised_by": self.address()}, {"channel": "Phone", "raised_by": "+7916"}):
            ticket = make_ticket(**values)
            save_ticket_as(AGENT, ticket.name, status="Resolved")
            self.assertEqual(frappe.db.count("Rating Link", {"ticket": ticket.name}), 0, values)
            self.assertEqual(requests_logged(ticket.name), 0)

    def test_telegram_tickets_are_asked_by_the_bot_on_closed_too_and_once(self):
        ticket = make_ticket(channel="Telegram", telegram_chat_id="70071", raised_by="tg:70071")
        for status in ("Closed", "Open", "Resolved"):
            save_ticket_as(AGENT, ticket.name, status=status)
        asks = frappe.get_all("Telegram Outbox", filters={"reference_name": ticket.name, "purpose": "Rating Request"},
                              fields=["chat_id", "reply_markup"])
        self.assertEqual(len(asks), 1, asks)
        self.assertEqual(asks[0].chat_id, "70071")
        self.assertIn(f"r:bad:{ticket.name}", asks[0].reply_markup)  # the three emoji buttons
        self.assertEqual(frappe.db.count("Rating Link", {"ticket": ticket.name}), 0)  # no e-mail for a chat
