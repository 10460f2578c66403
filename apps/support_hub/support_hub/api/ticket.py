"""Whitelisted calls behind the Ticket form."""

from __future__ import annotations

import frappe
from frappe import _

from support_hub.api.arguments import validate_arguments


@frappe.whitelist()
@validate_arguments
def customer_history(ticket: str) -> list[dict]:
    """The customer's other tickets, newest first, as the caller is allowed to see them."""
    from support_hub.crm.panel import earlier_tickets

    doc = frappe.get_doc("Ticket", ticket)
    doc.check_permission("read")
    return earlier_tickets(doc)


@frappe.whitelist()
@validate_arguments
def customer_panel(ticket: str) -> dict:
    """Customer card, latest ERP orders and earlier tickets for the Ticket form, in one call."""
    from support_hub.crm.panel import panel

    return panel(ticket)


@frappe.whitelist()
@validate_arguments
def sla_summary(ticket: str) -> dict:
    """What the form's SLA timer shows, computed by the engine in working time."""
    from frappe.utils import now_datetime

    from support_hub.engine.sla import next_deadline
    from support_hub.sla.policies import enabled_policies
    from support_hub.sla.ticket_clock import clock
    from support_hub.system_time import to_aware

    doc = frappe.get_doc("Ticket", ticket)
    doc.check_permission("read")
    state = clock(doc)
    watched = next_deadline(state)
    policy = enabled_policies().get(doc.sla_policy)
    if not watched or not policy:
        return {"status": doc.sla_status}
    now = to_aware(now_datetime())
    return {
        "status": doc.sla_status,
        "target": _(watched[0].value),
        "due": str(doc.first_response_due if watched[0].value == "First Response" else doc.resolution_due),
        "working_minutes_left": round(policy.calendar.working_minutes_between(now, watched[1]), 1),
        "paused": bool(doc.sla_paused_since),
    }
