"""Sending a message to a ticket's customer on the ticket's own channel.

Every message lands on the ticket as a Communication. E-mail (and web tickets, whose answers come
by e-mail) go through Frappe's Email Queue; other channels name their sender in hooks.py under
`support_hub_channel_senders` (Telegram does); phone tickets get no automatic messages.
"""

from __future__ import annotations

import html
from collections.abc import Callable

import frappe
from frappe.core.doctype.communication.email import _make as make_communication
from frappe.email.doctype.email_account.email_account import EmailAccount

NO_MESSAGE_CHANNELS = {"Phone"}


def as_html(text: str) -> str:
    """A rendered plain-text message as safe HTML. Frappe stores user text already entity-encoded
    (& as &amp;), so decode once before escaping, or the customer would read "&amp;"."""
    return html.escape(html.unescape(text or "")).replace("\n", "<br>")


def _sender(channel: str) -> Callable:
    hooked = frappe.get_hooks("support_hub_channel_senders").get(channel)
    return frappe.get_attr(hooked[-1]) if hooked else send_email  # Web and Internal: by e-mail


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
    # "Automated Message" keeps it apart from agents' replies: it does not stop the first-response clock.
    result = make_communication(
        sender=account.default_sender if has_account else None,
        doctype="Ticket",
        name=ticket.name,
        subject=subject,
        content=html,
        recipients=address,
        # Queued by the same call when the mail says what the timeline says (no second read of the
        # Communication): into the Email Queue, sent by Frappe's own worker with retries.
        send_email=has_account and sent_html is None,
        communication_type="Automated Message",
    )
    if has_account and sent_html is not None:
        communication = frappe.get_doc("Communication", result["name"])
        communication.content = sent_html  # for the Email Queue only; not saved
        communication.send_email()
    return result["name"]


def send(ticket, subject: str, html: str) -> str | None:
    """Deliver to the customer on the ticket's own channel; returns the Communication's name,
    None when the channel takes none."""
    return send_via(ticket.channel or "Email", ticket, subject, html)


def send_via(channel: str, ticket, subject: str, html: str, address: str | None = None) -> str | None:
    """Deliver on a chosen channel, to a chosen address (a broadcast may e-mail a Telegram customer)."""
    if channel in NO_MESSAGE_CHANNELS:
        return None
    return _sender(channel)(ticket, subject, html, address=address)
