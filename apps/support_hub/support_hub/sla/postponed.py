"""Postponed tickets come back to Open when their "postponed until" time has passed."""

from __future__ import annotations

import json

import frappe
from frappe import _
from frappe.desk.doctype.notification_log.notification_log import enqueue_create_notification
from frappe.utils import format_datetime, now_datetime


def reopen_due(now=None, commit: bool = True) -> list[str]:
    now = now or now_datetime()
    names = frappe.get_all(
        "Ticket", filters={"status": "Postponed", "postponed_until": ["<=", now]}, pluck="name", order_by="postponed_until"
    )
    for name in names:
        ticket = frappe.get_doc("Ticket", name, for_update=True)
        until = ticket.postponed_until
        ticket.status = "Open"
        ticket.postponed_until = None
        ticket.flags.ignore_permissions = True
        ticket.save()
        text = _("Reopened: postponed until {0}").format(format_datetime(until))
        ticket.add_comment("Info", text)
        assignees = json.loads(ticket.get("_assign") or "[]")
        if assignees:
            enqueue_create_notification(
                assignees,
                {"type": "Alert", "document_type": "Ticket", "document_name": ticket.name, "from_user": "Administrator",
                 "subject": f"{ticket.name}: {text}"},
            )
    if commit:
        frappe.db.commit()
    return names
