"""Who sees which claim.

Claims Officers and Support Managers (and System Managers) work every claim. A Support Agent may
create claims and read the claims they raised themselves and the claims raised from their tickets:
tickets assigned to them or created by them (and a claim someone made them responsible for, so an
assignment never points at a claim its assignee cannot open). They may fill in and correct the
claims they raised while those are still New; once the claims department has taken one up, it is
the department's. The decision fields (status, responsible, resolution, amount approved) sit at
permission level 1, which agents only read.
Read/write/create come from the Claim's role permissions; these two hooks narrow them down:

    permission_query_conditions = {"Claim": "support_hub.claims.permissions.query_conditions"}
    has_permission = {"Claim": "support_hub.claims.permissions.has_permission"}
"""

from __future__ import annotations

import json

import frappe

CLAIMS_STAFF = frozenset({"Claims Officer", "Support Manager", "System Manager"})
AGENT = "Support Agent"


def _limited(user: str) -> bool:
    """True for a Support Agent who is not also claims staff: their claims are filtered."""
    if user == "Administrator":
        return False
    roles = set(frappe.get_roles(user))
    return AGENT in roles and not (roles & CLAIMS_STAFF)


def _like_json_member(user: str) -> str:
    # `_assign` is a JSON list of user ids: match the quoted id, with LIKE's wildcards taken literally.
    quoted = json.dumps(user).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return frappe.db.escape(f"%{quoted}%", percent=False)


def query_conditions(user: str | None = None, doctype: str | None = None) -> str:
    user = user or frappe.session.user
    if not _limited(user):
        return ""
    who = frappe.db.escape(user)
    return (
        f"(`tabClaim`.`owner` = {who} or `tabClaim`.`raised_by_agent` = {who} or `tabClaim`.`responsible` = {who} "
        f"or exists ("
        f"select 1 from `tabTicket` as claim_ticket where claim_ticket.`name` = `tabClaim`.`ticket` "
        f"and (claim_ticket.`owner` = {who} or claim_ticket.`_assign` like {_like_json_member(user)})))"
    )


def agent_sees(doc, user: str) -> bool:
    if user in (doc.get("owner"), doc.get("raised_by_agent"), doc.get("responsible")):
        return True
    if not doc.get("ticket"):
        return False
    ticket = frappe.db.get_value("Ticket", doc.ticket, ["owner", "_assign"], as_dict=True)
    if not ticket:
        return False
    return ticket.owner == user or user in json.loads(ticket._assign or "[]")


def has_permission(doc, ptype: str | None = None, user: str | None = None, debug: bool = False) -> bool | None:
    user = user or frappe.session.user
    if not _limited(user) or ptype == "create" or doc.is_new():
        return None  # role permissions decide
    if ptype in ("write", "submit", "cancel", "delete", "amend"):
        return agent_may_edit(doc, user)
    return agent_sees(doc, user)


def agent_may_edit(doc, user: str) -> bool:
    """Their own claim, before the claims department has taken it up."""
    if user not in (doc.get("owner"), doc.get("raised_by_agent")):
        return False
    stored = frappe.db.get_value("Claim", doc.name, "status") if doc.get("name") else None
    return (stored or doc.get("status")) == NEW


NEW = "New"
