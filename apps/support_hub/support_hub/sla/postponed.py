"""Postponed tickets come back to Open when their "postponed until" time has passed (automation.reopen)."""

from __future__ import annotations

import frappe
from frappe import _
from frappe.utils import format_datetime, now_datetime

from support_hub.automation.reopen import reopen

POSTPONED = "Postponed"


def reopen_due(now=None, commit: bool = True) -> list[str]:
    now = now or now_datetime()
    names = frappe.get_all(
        "Ticket", filters={"status": POSTPONED, "postponed_until": ["<=", now]}, pluck="name", order_by="postponed_until"
    )
    reopened = []
    for name in names:
        ticket = frappe.get_doc("Ticket", name, for_update=True)
        if ticket.status != POSTPONED:
            continue  # someone took it up meanwhile
        reopen(ticket, _("Reopened: postponed until {0}").format(format_datetime(ticket.postponed_until)))
        reopened.append(name)
    if commit:
        frappe.db.commit()
    return reopened
