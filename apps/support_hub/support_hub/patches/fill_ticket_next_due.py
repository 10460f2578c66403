"""Tickets saved before next_due existed get it from their stored deadlines, by the engine's rule
(engine.sla.next_deadline), so the queues sort them with the rest; later saves keep it (sla.ticket_clock)."""

from __future__ import annotations

import frappe

from support_hub.engine import sla
from support_hub.system_time import to_aware, to_naive


def execute() -> None:
    ticket = frappe.qb.DocType("Ticket")
    rows = (
        frappe.qb.from_(ticket)
        .select(ticket.name, ticket.first_response_due, ticket.resolution_due, ticket.first_responded_on,
                ticket.resolved_on)
        .where(ticket.next_due.isnull() & ticket.resolved_on.isnull()
               & (ticket.first_response_due.isnotnull() | ticket.resolution_due.isnotnull()))
        .run(as_dict=True)
    )
    for row in rows:
        pending = sla.next_deadline(sla.Clock(
            first_response_due=to_aware(row.first_response_due), resolution_due=to_aware(row.resolution_due),
            first_responded_on=to_aware(row.first_responded_on), resolved_on=to_aware(row.resolved_on),
        ))
        if pending:
            # A direct write: the deadline is derived data, not an edit, and must not move `modified`.
            frappe.qb.update(ticket).set(ticket.next_due, to_naive(pending[1])).where(ticket.name == row.name).run()
