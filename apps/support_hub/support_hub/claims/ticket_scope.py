"""Which tickets a Claims Officer reads.

A Claims Officer reads a ticket to see the conversation and the photos behind a claim, so they read
only the tickets a claim was raised from — not the whole support queue. Someone who is also a
Support Agent, a Support Manager or a System Manager keeps what those roles give. The Ticket's role
permissions grant the read; these two hooks narrow it (the timeline and attachments follow, since
Frappe checks a Communication or File against the ticket it belongs to):

    permission_query_conditions = {"Ticket": "support_hub.claims.ticket_scope.query_conditions"}
    has_permission = {"Ticket": "support_hub.claims.ticket_scope.has_permission"}
"""

from __future__ import annotations

import frappe

CLAIMS_OFFICER = "Claims Officer"
WIDER_ROLES = frozenset({"Support Agent", "Support Manager", "System Manager"})


def claims_only(user: str) -> bool:
    """True for a user whose only way to tickets is the Claims Officer role."""
    if user == "Administrator":
        return False
    roles = set(frappe.get_roles(user))
    return CLAIMS_OFFICER in roles and not (roles & WIDER_ROLES)


def query_conditions(user: str | None = None, doctype: str | None = None) -> str:
    if not claims_only(user or frappe.session.user):
        return ""
    # Claim.ticket is indexed, so this is one index probe per ticket row.
    return "exists (select 1 from `tabClaim` as ticket_claim where ticket_claim.`ticket` = `tabTicket`.`name`)"


def has_permission(doc, ptype: str | None = None, user: str | None = None, debug: bool = False) -> bool | None:
    user = user or frappe.session.user
    if not claims_only(user):
        return None  # role permissions decide
    if doc.is_new() or not doc.get("name"):
        return False
    return bool(frappe.db.exists("Claim", {"ticket": doc.name}))
