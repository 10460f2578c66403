"""What happens to every new ticket once it is committed, whatever channel it came from:
assignment and tags by the routing decision, and the auto-reply.

The routing *decision* is taken before the ticket is saved (its type and priority shape the SLA);
its side effects run here, in a background job, so intake over the API or a mail burst stays fast.
A ticket whose job was lost (a worker killed mid-run) is picked up by the every-minute sweep:
`intake_done` is set only when the job finished.
"""

from __future__ import annotations

import frappe
from frappe.utils import add_to_date, now_datetime

from support_hub.automation import auto_reply, routing
from support_hub.crm.identify import create_contact_for
from support_hub.engine.identity import classify_sender
from support_hub.engine.routing import RoutingDecision

# How long a new ticket may wait for its job before the sweep does the work itself.
GRACE_MINUTES = 3


def queue(ticket) -> None:
    frappe.enqueue(
        "support_hub.automation.intake.process",
        queue="short",
        ticket=ticket.name,
        decision=routing.decision_as_dict(ticket.flags.routing_decision),
        skip_auto_reply=bool(ticket.flags.skip_auto_reply),
        new_contact=ticket.flags.new_contact,
        enqueue_after_commit=True,
        now=bool(frappe.flags.in_test),
    )


def process(ticket: str, decision: dict | None = None, skip_auto_reply: bool = False, recompute: bool = False,
            new_contact: tuple | list | None = None) -> None:
    if not frappe.db.exists("Ticket", ticket):
        return  # deleted before its job ran: nothing to route or answer
    doc = frappe.get_doc("Ticket", ticket, for_update=True)
    if recompute and not doc.contact and doc.raised_by:
        sender = classify_sender(doc.raised_by)
        new_contact = (sender.kind, sender.address, None) if sender else None
    if new_contact and not doc.contact:
        doc.contact = create_contact_for(doc.name, *new_contact)
    if doc.intake_done:
        return  # the sweep and the job raced: the first one did it
    if recompute:
        routed = routing.engine.route(routing.compiled_rules(), routing.ticket_text(doc), routing.account_manager(doc))
    else:
        routed = RoutingDecision(**decision) if decision else None
    routing.apply_decision(doc, routed)
    if not skip_auto_reply:
        auto_reply.send_for_new_ticket(doc)
    doc.db_set("intake_done", 1, update_modified=False)


def sweep_unprocessed(now=None) -> list[str]:
    """Scheduler safety net: tickets whose intake job never finished get processed now."""
    cutoff = add_to_date(now or now_datetime(), minutes=-GRACE_MINUTES)
    names = frappe.get_all("Ticket", filters={"intake_done": 0, "creation": ["<", cutoff]}, pluck="name",
                           order_by="creation asc", limit=500)
    for name in names:
        process(name, recompute=True)
        frappe.db.commit()
    return names
