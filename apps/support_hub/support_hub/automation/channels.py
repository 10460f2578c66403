"""Sending a message to a ticket's customer on the ticket's own channel.

Every message lands on the ticket as a Communication. E-mail (and web tickets, whose answers come
by e-mail) go through Frappe's Email Queue; other channels name their sender in hooks.py under
`support_hub_channel_senders` (Telegram does); phone tickets get no automatic messages.
"""

from __future__ import annotations

import html
from collections.abc import Callable

import frappe
from frappe.email.doctype.email_account.email_account import EmailAccount
from frappe.email.email_body import get_message_id
from frappe.utils import get_formatted_email, get_string_between

from support_hub.automation import mail_queue

NO_MESSAGE_CHANNELS = {"Phone"}


def as_html(text: str) -> str:
    """A rendered plain-text message as safe HTML. Frappe stores user text already entity-encoded
    (& as &amp;), so decode once before escaping, or the customer would read "&amp;"."""
    return html.escape(html.unescape(text or "")).replace("\n", "<br>")


def _sender(channel: str) -> Callable:
    hooked = frappe.get_hooks("support_hub_channel_senders").get(channel)
    return frappe.get_attr(hooked[-1]) if hooked else send_email  # Web and Internal: by e-mail


def by_email(channel: str) -> bool:
    """Whether send_via delivers this channel's messages by send_email (no sender of its own, not silent)."""
    return channel not in NO_MESSAGE_CHANNELS and channel not in frappe.get_hooks("support_hub_channel_senders")


def automated_message(ticket, subject: str, html: str, address: str, sender: str) -> dict:
    """The Communication of an automatic e-mail to the customer, as Frappe's communication._make makes it.
    "Automated Message" keeps it apart from agents' replies: it does not stop the first-response clock."""
    return {
        "doctype": "Communication",
        "subject": subject,
        "content": html,
        "sender": sender,
        "recipients": address,
        "communication_medium": "Email",
        "sent_or_received": "Sent",
        "reference_doctype": "Ticket",
        "reference_name": ticket.name,
        "message_id": get_string_between("<", get_message_id(), ">"),
        "communication_type": "Automated Message",
    }


def send_email(ticket, subject: str, html: str, address: str | None = None, sent_html: str | None = None) -> str | None:
    """`sent_html`, when given, is what the e-mail says while the timeline keeps `html`: a message with
    one-time links (a rating request) must not hand working links to everyone who can read the ticket."""
    address = address or ticket.raised_by
    if not address or "@" not in address:
        return None
    # Automatic mail speaks for the support desk, from its outgoing account, never from whichever
    # user the job runs as (the automation user has no mailbox).
    account = EmailAccount.find_outgoing(match_by_doctype="Ticket")
    has_account = bool(account and account.get("email_id"))
    sender = account.default_sender if has_account else get_formatted_email(frappe.session.user)
    # The document is kept to queue its mail from.
    communication = frappe.get_doc(automated_message(ticket, subject, html, address, sender))
    communication.insert(ignore_permissions=True)
    if has_account:
        # Into the Email Queue, sent by Frappe's own worker with retries.
        mail_queue.queue(communication, content=sent_html)
    return communication.name


def send(ticket, subject: str, html: str) -> str | None:
    """Deliver to the customer on the ticket's own channel; returns the Communication's name,
    None when the channel takes none."""
    return send_via(ticket.channel or "Email", ticket, subject, html)


def send_via(channel: str, ticket, subject: str, html: str, address: str | None = None) -> str | None:
    """Deliver on a chosen channel, to a chosen address (a broadcast may e-mail a Telegram customer)."""
    if channel in NO_MESSAGE_CHANNELS:
        return None
    return _sender(channel)(ticket, subject, html, address=address)
