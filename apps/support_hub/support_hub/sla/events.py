"""SLA Event rows: each SLA transition and each hand-made SLA change, recorded exactly once.

Later features (Telegram alerts) hang on the insertion of these rows, so the dedupe key is what
makes "one deadline warns once" true however often the sweep or a save finds the same transition.
"""

from __future__ import annotations

import frappe
from frappe.utils import now_datetime

from support_hub.engine.sla import Transition
from support_hub.system_time import to_naive


def record_transitions(transitions: list[Transition]) -> list[str]:
    """Insert one SLA Event per new transition; returns the tickets that got a new event."""
    if not transitions:
        return []
    keys = [t.dedupe_key for t in transitions]
    known = set()
    for chunk in _chunks(keys, 1000):
        known.update(frappe.get_all("SLA Event", filters={"dedupe_key": ["in", chunk]}, pluck="dedupe_key"))
    now = now_datetime()
    fresh = [t for t in transitions if t.dedupe_key not in known]
    rows = [
        (frappe.generate_hash(length=12), now, now, "Administrator", "Administrator", t.ticket, t.status.value,
         t.target.value, to_naive(t.due), now, t.dedupe_key)
        for t in fresh
    ]
    fields = ["name", "creation", "modified", "owner", "modified_by", "ticket", "event", "target", "due",
              "occurred_on", "dedupe_key"]
    for chunk in _chunks(rows, 5000):
        # INSERT IGNORE: two overlapping sweeps racing on the same ticket still leave one row.
        frappe.db.bulk_insert("SLA Event", fields, chunk, ignore_duplicates=True)
    if fresh:
        # Bulk rows fire no document events: listeners (Telegram alerts) are called here instead.
        for listener in frappe.get_hooks("support_hub_sla_transitions"):
            frappe.get_attr(listener)(fresh)
    return [t.ticket for t in fresh]


def record_change(ticket: str, target: str, old, new) -> None:
    frappe.get_doc(
        {
            "doctype": "SLA Event",
            "ticket": ticket,
            "event": "Changed",
            "target": target,
            "occurred_on": now_datetime(),
            "changed_by": frappe.session.user,
            "from_value": str(old or ""),
            "to_value": str(new or ""),
            "dedupe_key": f"{ticket}|Changed|{target}|{frappe.generate_hash(length=10)}",
        }
    ).insert(ignore_permissions=True)


def _chunks(items, size):
    for i in range(0, len(items), size):
        yield items[i : i + size]
