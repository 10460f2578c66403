"""Postponed tickets come back to Open when their "postponed until" time has passed."""

from __future__ import annotations

import frappe
from frappe import _
from frappe.utils import format_datetime, now_datetime


def reopen_due(now=None, commit: bool = True) -> list[str]:
    now = now or now_datetime()
    names = frappe.get_all(
        "Ticket", filters={"status": "Postponed", "postponed_until": ["<=", now]}, pluck="name", order_by="postponed_until"
    )
    for name in names:
        ticket = frappe.get_doc("Ticket", name)
        until = ticket.postponed_until
        ticket.status = "Open"
        ticket.postponed_until = None
        ticket.flags.ignore_permissions = True
        ticket.save()
        ticket.add_comment("Info", _("Reopened: postponed until {0}").format(format_datetime(until)))
    if commit:
        frappe.db.commit()
    return names
