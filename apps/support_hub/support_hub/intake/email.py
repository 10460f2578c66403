"""E-mail intake on Frappe's own append-to mechanism (an Email Account whose "Append To" is Ticket).

Frappe threads replies by Message-ID and creates a Ticket for a new thread. On top of that:
* auto-replies, bounces and our own mail coming back never open a ticket (no mail loops), and they
  never reopen one either;
* a reply whose threading headers were lost still finds its ticket by the number in the subject
  ("Re: [TCK-00042] ..."), when it comes from the ticket's own customer;
* a reply to a ticket closed long ago opens a new ticket that points to the old one.
Reopening a waiting or recently closed ticket is the customer-reply hook's job (automation.waiting,
writing through automation.reopen), so every channel behaves the same.

The hook point is Frappe's `override_doctype_class` for Email Account: inbound mails for Ticket
are handed out as `TicketInboundMail`, which decides with support_hub.engine.mail.
"""

from __future__ import annotations

import frappe
from frappe import _
from frappe.email.doctype.email_account.email_account import EmailAccount
from frappe.email.receive import InboundMail

from support_hub.automation.reopen import reply_reopens
from support_hub.engine import mail as engine
from support_hub.engine.identity import normalize_email

TICKET = "Ticket"


class TicketInboundMail(InboundMail):
    """An incoming mail for the Ticket queue."""

    def headers(self) -> dict[str, str]:
        return {key: str(value) for key, value in self.mail.items()}

    def automatic_reason(self) -> str | None:
        headers = self.headers()
        reason = engine.is_auto_generated(headers, self.from_email or "", self.subject or "")
        ours = [a for a in (self.email_account.email_id,) if a]
        if not reason and engine.looks_like_our_own_reply(headers, ours):
            reason = "our own mail came back"
        return reason

    def process(self):
        reason = self.automatic_reason()
        self.flags.automatic = reason
        # The customer-reply hook reads this: an out-of-office never reopens a ticket.
        frappe.flags.support_hub_automatic_mail = reason
        try:
            return super().process()
        finally:
            frappe.flags.support_hub_automatic_mail = None

    def reference_document(self):
        document = super().reference_document()
        if document and document.doctype == TICKET and document.status == "Closed" and not reply_reopens(document):
            # A new problem in an old thread: its own ticket, pointing back (see _create_reference_document).
            self.flags.previous_ticket = document.name
            self._reference_document = ""
            return ""
        if not document and not self.flags.automatic:
            document = self._ticket_from_subject() or ""
            self._reference_document = document
        return document

    def _ticket_from_subject(self):
        number = engine.ticket_number_in_subject(self.subject)
        if not number or not frappe.db.exists(TICKET, number):
            return None
        ticket = frappe.get_doc(TICKET, number)
        # Anyone can type a number into a subject: only the ticket's own customer threads by it.
        sender = normalize_email(self.from_email)
        if sender and sender in {normalize_email(ticket.raised_by), _contact_email(ticket.contact)}:
            if ticket.status == "Closed" and not reply_reopens(ticket):
                self.flags.previous_ticket = ticket.name
                return None
            return ticket
        return None

    def _create_reference_document(self, doctype):
        if self.flags.automatic:
            return None  # kept as an unlinked Communication, for the record, but no ticket
        frappe.flags.support_hub_new_ticket_from_mail = {
            "channel": "Email",
            "previous_ticket": self.flags.previous_ticket,
            "sender_name": self.from_real_name,
            "first_message": self.text_content or "",
        }
        try:
            return super()._create_reference_document(doctype)
        finally:
            frappe.flags.support_hub_new_ticket_from_mail = None


def _contact_email(contact: str | None) -> str | None:
    return normalize_email(frappe.db.get_value("Contact", contact, "email_id")) if contact else None


class SupportEmailAccount(EmailAccount):
    def get_inbound_mails(self) -> list[InboundMail]:
        mails = super().get_inbound_mails()
        for mail in mails:
            target = mail.append_to if self.use_imap else self.append_to
            if target == TICKET:
                mail.__class__ = TicketInboundMail  # same object, Ticket-aware decisions
        return mails


def apply_mail_context(ticket) -> None:
    """Ticket before_insert: a ticket Frappe creates from a mail gets its channel and history."""
    context = frappe.flags.support_hub_new_ticket_from_mail
    if not context:
        return
    ticket.channel = context["channel"]
    ticket.flags.sender_name = context["sender_name"]
    ticket.flags.first_message = context["first_message"]
    if context["previous_ticket"]:
        ticket.flags.previous_ticket = context["previous_ticket"]


def link_previous_ticket(ticket) -> None:
    """Ticket after_insert: say on the new ticket which closed one it continues."""
    previous = ticket.flags.previous_ticket
    if previous:
        ticket.add_comment("Info", _("Continues {0}, closed before this reply came in").format(previous))
