"""Whitelisted calls behind the Ticket form."""

from __future__ import annotations

import frappe
from frappe import _

from support_hub.api.arguments import validate_arguments


@frappe.whitelist()
@validate_arguments
def customer_panel(ticket: str) -> dict:
    """Customer card, latest ERP orders and earlier tickets for the Ticket form, in one call."""
    from support_hub.crm.panel import panel

    return panel(ticket)


@frappe.whitelist()
@validate_arguments
def sla_summary(ticket: str) -> dict:
    """What the form's SLA timer shows, decided by the engine in the policy's working time:
    the status now, the deadline that matters, the working minutes left to it (negative: overdue)
    and whether the clock is paused (then the minutes are those left when it stopped)."""
    from frappe.utils import now_datetime

    from support_hub.engine.sla import timer
    from support_hub.sla.policies import enabled_policies
    from support_hub.sla.ticket_clock import clock
    from support_hub.system_time import to_aware, to_naive

    doc = frappe.get_doc("Ticket", ticket)
    doc.check_permission("read")
    policy = enabled_policies().get(doc.sla_policy)
    if not policy:
        return {"status": doc.sla_status, "paused": bool(doc.sla_paused_since)}
    reading = timer(clock(doc), policy.calendar, to_aware(now_datetime()), policy.warning_minutes)
    left = reading.working_minutes_left
    return {
        "status": reading.status.value if reading.status else None,
        "target": _(reading.target.value) if reading.target else None,
        "due": str(to_naive(reading.due)) if reading.due else None,
        "working_minutes_left": round(left, 1) if left is not None else None,
        "paused": reading.paused,
    }


@frappe.whitelist()
@validate_arguments
def conversation(ticket: str) -> dict:
    """The ticket's messages, replies and internal notes, oldest first, the description leading."""
    from support_hub.crm.conversation import thread

    return thread(ticket)


@frappe.whitelist(methods=["POST"])
@validate_arguments
def reply(ticket: str, message: str, note: bool = False) -> dict:
    """The form's reply box: an internal note, or the answer on the ticket's channel (Telegram or e-mail)."""
    from support_hub.crm.conversation import reply as send_reply

    return send_reply(ticket, message, note=note)
