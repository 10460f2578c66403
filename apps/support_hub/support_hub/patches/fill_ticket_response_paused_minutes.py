"""Tickets paused before the first response kept its own paused total shared one total with the
resolution (sla_paused_minutes); they start the new field from it, which is what their due dates were
computed with, so a later re-selection does not move their first-response deadline."""

from __future__ import annotations

import frappe


def execute() -> None:
    ticket = frappe.qb.DocType("Ticket")
    (
        frappe.qb.update(ticket)
        .set(ticket.sla_response_paused_minutes, ticket.sla_paused_minutes)
        .where((ticket.sla_paused_minutes > 0) & (ticket.sla_response_paused_minutes == 0))
        .run()
    )
