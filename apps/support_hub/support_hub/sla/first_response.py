"""The first message an agent sends to the customer stops the first-response clock."""

from __future__ import annotations

import frappe


def on_communication_insert(communication, method=None) -> None:
    if communication.reference_doctype != "Ticket" or not communication.reference_name:
        return
    if communication.communication_type != "Communication" or communication.sent_or_received != "Sent":
        return
    # Locked: a system write elsewhere (the sweep, a rating) moves `modified` and would make this save stale.
    ticket = frappe.get_doc("Ticket", communication.reference_name, for_update=True)
    if ticket.first_responded_on:
        return
    ticket.first_responded_on = communication.communication_date or communication.creation
    # The sender is answering the customer, not editing the SLA: the guard does not apply.
    ticket.flags.ignore_permissions = True
    ticket.save()
