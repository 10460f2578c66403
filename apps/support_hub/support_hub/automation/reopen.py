"""Reopening a ticket: one writer, whichever way the ticket comes back to the agents.

A customer's message on any channel lands on its ticket as a received Communication (an e-mail reply
through Frappe's inbox, a Telegram message through the bot's store, a reply on the web) and the
customer-reply hook (automation.waiting.reopen_on_customer_reply) asks `reply_reopens`; a postponed
ticket whose date has come is reopened by the every-minute job (sla.postponed). Both call `reopen`,
which sets the status, clears what closing or postponing left behind, writes the one timeline line
(with its Support Automation Log row) and tells the ticket's assignees.
"""

from __future__ import annotations

import json

import frappe
from frappe.desk.doctype.notification_log.notification_log import enqueue_create_notification
from frappe.utils import get_datetime, now_datetime

from support_hub.automation import log
from support_hub.engine import reopening


def reply_reopens(ticket, text: str | None = None) -> bool:
    """Whether a customer's message (its plain `text`, when known: a thank-you reopens nothing) brings
    this ticket back (engine.reopening decides)."""
    window = frappe.db.get_single_value("Support Hub Settings", "reopen_window_days") or 0
    resolved_on = get_datetime(ticket.resolved_on) if ticket.resolved_on else None
    return reopening.reply_reopens(ticket.status, resolved_on, now_datetime(), window, text)


def reopen(ticket, reason: str) -> None:
    """Bring `ticket` (loaded for update) back to Open, saying why on its timeline and to its assignees."""
    ticket.status = reopening.OPEN
    ticket.close_reason = None
    ticket.postponed_until = None
    ticket.flags.ignore_permissions = True  # the system acts, whoever's request carried the message
    ticket.save()
    log.record(ticket, "Reopen", None, "reopen", reason, timeline=reason)
    assignees = json.loads(ticket.get("_assign") or "[]")
    if assignees:
        enqueue_create_notification(
            assignees,
            {"type": "Alert", "document_type": "Ticket", "document_name": ticket.name, "from_user": "Administrator",
             "subject": f"{ticket.name}: {reason}"},
        )
