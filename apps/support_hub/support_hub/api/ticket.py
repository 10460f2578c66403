"""Whitelisted calls behind the Ticket form."""

from __future__ import annotations

import frappe
from frappe import _

HISTORY_LIMIT = 20


@frappe.whitelist()
def customer_history(ticket: str) -> list[dict]:
    """The customer's other tickets, newest first, as the caller is allowed to see them."""
    doc = frappe.get_doc("Ticket", ticket)
    doc.check_permission("read")
    # The same customer, else the same contact, else the same sender address.
    for fieldname in ("customer", "contact", "raised_by"):
        value = doc.get(fieldname)
        if value:
            break
    else:
        return []
    return frappe.get_list(
        "Ticket",
        filters={fieldname: value, "name": ["!=", doc.name]},
        fields=["name", "subject", "status", "sla_status", "opened_on", "priority"],
        order_by="opened_on desc",
        limit_page_length=HISTORY_LIMIT,
    )


@frappe.whitelist()
def sla_summary(ticket: str) -> dict:
    """What the form's SLA timer shows, computed by the engine in working time."""
    from frappe.utils import now_datetime

    from support_hub.engine.sla import next_deadline
    from support_hub.sla.policies import enabled_policies
    from support_hub.sla.ticket_clock import _aware, clock

    doc = frappe.get_doc("Ticket", ticket)
    doc.check_permission("read")
    state = clock(doc)
    watched = next_deadline(state)
    policy = enabled_policies().get(doc.sla_policy)
    if not watched or not policy:
        return {"status": doc.sla_status}
    now = _aware(now_datetime())
    return {
        "status": doc.sla_status,
        "target": _(watched[0].value),
        "due": str(doc.first_response_due if watched[0].value == "First Response" else doc.resolution_due),
        "working_minutes_left": round(policy.calendar.working_minutes_between(now, watched[1]), 1),
        "paused": bool(doc.sla_paused_since),
    }
