"""Loads SLA Policies from the database into engine objects, once per change, per process."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import frappe

from support_hub.engine.calendar import WEEKDAYS, BusinessCalendar, WorkingHours
from support_hub.engine.sla import DEFAULT_PAUSE_STATUSES, Policy, Target

_CHILD_FIELDS = {
    "SLA Target": ["parent", "priority", "first_response_minutes", "resolution_minutes"],
    "SLA Business Hours": ["parent", "weekday", "start_time", "end_time", "idx"],
    "SLA Holiday": ["parent", "holiday_date"],
    "SLA Pause Status": ["parent", "status"],
}
_POLICY_FIELDS = [
    "name", "is_default", "ticket_type", "team", "channel", "priority", "warning_minutes", "time_zone", "modified",
]

# site -> (stamp, policies); a stamp is (count, last modified), so any save or delete refreshes it.
_cache: dict[str, tuple[tuple, dict[str, Policy]]] = {}


def as_time(value) -> time:
    """Frappe hands Time fields back as timedelta (from the driver) or as 'HH:MM:SS' text."""
    if isinstance(value, time):
        return value
    if isinstance(value, timedelta):
        seconds = int(value.total_seconds())
        return time(seconds // 3600, seconds % 3600 // 60, seconds % 60)
    text = str(value).strip()
    for pattern in ("%H:%M:%S", "%H:%M"):  # "00:00" from an API client as well as "00:00:00"
        try:
            return datetime.strptime(text.split(".")[0], pattern).time()
        except ValueError:
            continue
    raise ValueError(f"not a time of day: {value!r}")


def working_hours(rows) -> list[WorkingHours]:
    return [WorkingHours(WEEKDAYS.index(r.weekday), as_time(r.start_time), as_time(r.end_time)) for r in rows]


def build_policy(row, targets, hours, holidays, pause_statuses) -> Policy:
    calendar = BusinessCalendar(row.time_zone, working_hours(hours), [h.holiday_date for h in holidays])
    return Policy(
        name=row.name,
        calendar=calendar,
        targets=tuple(Target(t.priority or "", int(t.first_response_minutes), int(t.resolution_minutes)) for t in targets),
        ticket_type=row.ticket_type or None,
        team=row.team or None,
        channel=row.channel or None,
        priority=row.priority or None,
        is_default=bool(row.is_default),
        pause_statuses=frozenset(p.status for p in pause_statuses) or DEFAULT_PAUSE_STATUSES,
        warning_minutes=int(row.warning_minutes or 0),
    )


def _stamp() -> tuple:
    row = frappe.db.sql("select count(*), max(modified) from `tabSLA Policy` where enabled = 1")[0]
    return tuple(row)


def _load() -> dict[str, Policy]:
    rows = frappe.get_all("SLA Policy", filters={"enabled": 1}, fields=_POLICY_FIELDS)
    names = [r.name for r in rows]
    children: dict[str, dict[str, list]] = {}
    for child, fields in _CHILD_FIELDS.items():
        by_parent = children.setdefault(child, {})
        if names:
            for c in frappe.get_all(
                child, filters={"parenttype": "SLA Policy", "parent": ["in", names]}, fields=fields, order_by="idx asc"
            ):
                by_parent.setdefault(c.parent, []).append(c)
    policies = {}
    for row in rows:
        kids = {child: children[child].get(row.name, []) for child in _CHILD_FIELDS}
        policies[row.name] = build_policy(
            row, kids["SLA Target"], kids["SLA Business Hours"], kids["SLA Holiday"], kids["SLA Pause Status"]
        )
    return policies


def enabled_policies() -> dict[str, Policy]:
    """Every enabled policy by name, rebuilt only when a policy changed since last time."""
    site = frappe.local.site
    stamp = _stamp()
    cached = _cache.get(site)
    if cached and cached[0] == stamp:
        return cached[1]
    policies = _load()
    _cache[site] = (stamp, policies)
    return policies


def forget_cached_policies(doc=None, method=None):
    _cache.pop(getattr(frappe.local, "site", None), None)
