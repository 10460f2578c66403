"""Who handles a claim: the first matching Claim Rule (engine.pick_claim_rule), or whoever was put in
"Responsible" by hand. The responsible person also gets Frappe's own assignment (a ToDo), so the claim
shows in their to-do list and in "Assigned To" filters; reassigning moves that assignment."""

from __future__ import annotations

import frappe
from frappe import _
from frappe.desk.form import assign_to
from frappe.utils import cint, flt, format_datetime, get_fullname, getdate

from support_hub.engine import claims as engine
from support_hub.system_time import to_aware

RULE_FIELDS = ["name", "assign_to", "category", "min_amount", "max_amount", "sequence", "enabled"]


def _bound(value) -> float | None:
    # Currency fields cannot be empty in Frappe; 0 stands for "no bound".
    return flt(value) if flt(value) else None


def rule_from_row(row) -> engine.ClaimRule:
    return engine.ClaimRule(
        name=row.name or row.get("rule_name") or "",
        assign_to=row.assign_to or "",
        category=row.category or None,
        min_amount=_bound(row.min_amount),
        max_amount=_bound(row.max_amount),
        order=cint(row.sequence),
        enabled=bool(cint(row.enabled)),
    )


def claimed_amount(doc) -> float | None:
    """The claimed sum as the engine understands it: 0 means the customer named no sum."""
    return flt(doc.amount_claimed) or None


def facts(doc, created_on) -> engine.ClaimFacts:
    return engine.ClaimFacts(
        category=doc.category or None, amount_claimed=claimed_amount(doc), created_at=to_aware(created_on)
    )


def enabled_rules() -> list[engine.ClaimRule]:
    rows = frappe.get_all("Claim Rule", filters={"enabled": 1}, fields=RULE_FIELDS)
    users = {r.assign_to for r in rows if r.assign_to}
    active = (
        set(frappe.get_all("User", filters={"name": ["in", list(users)], "enabled": 1}, pluck="name"))
        if users
        else set()
    )
    # A rule pointing at a disabled user would assign claims to nobody who reads them: skip it.
    return [rule_from_row(r) for r in rows if r.assign_to in active]


def route(doc, created_on) -> None:
    """Fill `responsible` from the first matching rule, when nobody is responsible yet."""
    if doc.responsible:
        return
    rule = engine.pick_claim_rule(enabled_rules(), facts(doc, created_on))
    if rule:
        doc.responsible = rule.assign_to
        doc.flags.claim_rule = rule.name


def _open_assignees(doc) -> list[str]:
    return frappe.get_all(
        "ToDo",
        filters={"reference_type": doc.doctype, "reference_name": doc.name, "status": "Open"},
        pluck="allocated_to",
    )


def _assign(doc, user: str) -> None:
    args = {
        "doctype": doc.doctype,
        "name": doc.name,
        "assign_to": [user],
        "description": _("Claim {0}").format(doc.name),
    }
    if doc.deadline:
        args["date"] = getdate(doc.deadline)
        args["description"] = _("Claim {0}: answer by {1}").format(doc.name, format_datetime(doc.deadline))
    assign_to.add(args, ignore_permissions=True)


def sync(doc, before) -> None:
    """After a save: the responsible person holds the claim's assignment, and the timeline says why.

    Closing a claim closes its assignment; reopening it gives the responsible person a new one."""
    old = before.responsible if before is not None else None
    new = doc.responsible
    if doc.status == engine.CLOSED:
        if before is None or before.status != engine.CLOSED:
            assign_to.close_all_assignments(doc.doctype, doc.name, ignore_permissions=True)
        return
    reopened = before is not None and before.status == engine.CLOSED
    if before is not None and old == new and not reopened:
        return
    if old and old != new and old in _open_assignees(doc):
        assign_to.remove(doc.doctype, doc.name, old, ignore_permissions=True)
    if new and new not in _open_assignees(doc):
        _assign(doc, new)
    if doc.flags.claim_rule and new:
        doc.add_comment("Info", _("Assigned to {0} by claim rule {1}").format(get_fullname(new), doc.flags.claim_rule))
    elif old and new and old != new:
        doc.add_comment("Info", _("Reassigned from {0} to {1}").format(get_fullname(old), get_fullname(new)))
    elif before is None and not new:
        doc.add_comment("Info", _("No claim rule matched: nobody is responsible for this claim yet"))
