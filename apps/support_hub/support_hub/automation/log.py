"""The "why" of every automatic action: one Support Automation Log row and one timeline entry.

The log row's dedupe key is also what makes a step happen exactly once: the row is inserted in the
same transaction as the action, and a second attempt with the same key is refused by the unique index.
"""

from __future__ import annotations

import frappe

from support_hub.exactly_once import insert_once


def already_done(dedupe_key: str) -> bool:
    return bool(frappe.db.exists("Support Automation Log", {"dedupe_key": dedupe_key}))


def row_values(ticket, automation: str, rule: str | None, action: str, reason: str,
               dedupe_key: str | None = None) -> dict:
    """A log row's fields; without a dedupe key of its own, one no other action shares."""
    return {"ticket": ticket.name, "automation": automation, "rule": rule, "action": action, "reason": reason,
            "dedupe_key": dedupe_key or f"{ticket.name}|{automation}|{frappe.generate_hash(length=12)}"}


def record(ticket, automation: str, rule: str | None, action: str, reason: str, dedupe_key: str | None = None,
           timeline: str | None = None) -> bool:
    """Log an automatic action; False (and nothing written) when its dedupe key was used before. One
    INSERT IGNORE (exactly_once.insert_once): a concurrent run with the same key waits for this one's
    transaction and then finds the key taken; the row has no controller to run."""
    if not insert_once("Support Automation Log", row_values(ticket, automation, rule, action, reason, dedupe_key)):
        return False
    if timeline:
        ticket.add_comment("Info", timeline)
    return True
