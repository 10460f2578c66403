"""Filters, periods and groups the support reports share.

Dates: Ticket datetimes are stored as naive system-time-zone values, so a report's date range
[from_date, to_date] is the half-open interval [from_date 00:00, to_date + 1 day 00:00) in that
zone, and days and ISO weeks (Monday to Sunday) are the system time zone's.

The SQL here is MariaDB's (DATE, WEEKDAY), as the rest of support_hub's SQL is.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from datetime import date, datetime, time, timedelta
from functools import lru_cache

import frappe
from frappe import _
from frappe.utils import getdate, today

from support_hub.engine.stats import week_start

DEFAULT_WEEKS = 8
PERIODS = ("Day", "Week")

# Group-by choices over a Ticket attribute: the label the filter shows -> the column.
# "Agent" is the `_assign` list: a ticket assigned to two agents counts for each of them.
TICKET_GROUPS = {
    "Team": "team",
    "Agent": "_assign",
    "Ticket Type": "ticket_type",
    "Channel": "channel",
    "Topic": "topic",
    "Priority": "priority",
}
# Filters a report may offer on Ticket attributes (filter name = column name).
TICKET_FILTERS = ("team", "ticket_type", "channel", "topic", "priority")


def default_from_date(until: date | None = None) -> date:
    """The Monday seven weeks before this week's: with this week, the last eight ISO weeks."""
    return week_start(getdate(until or today())) - timedelta(weeks=DEFAULT_WEEKS - 1)


def date_range(filters: Mapping) -> tuple[date, date]:
    """(from_date, to_date) from the filters, both inclusive; the last eight weeks by default."""
    to_date = getdate(filters.get("to_date") or today())
    from_date = getdate(filters.get("from_date")) if filters.get("from_date") else default_from_date(to_date)
    if from_date > to_date:
        frappe.throw(_("From Date must not be after To Date"))
    return from_date, to_date


def bounds(from_date: date, to_date: date) -> tuple[datetime, datetime]:
    """[from_date 00:00, the day after to_date 00:00): what a date range means for datetimes."""
    return datetime.combine(from_date, time()), datetime.combine(to_date + timedelta(days=1), time())


def period_of(filters: Mapping, default: str = "Week") -> str:
    period = filters.get("period") or default
    if period not in PERIODS:
        frappe.throw(_("Period must be Day or Week"))
    return period


def period_sql(column: str, period: str) -> str:
    """SQL for the day or the ISO week's Monday of a (trusted) datetime column."""
    if period == "Day":
        return f"DATE({column})"
    return f"DATE_SUB(DATE({column}), INTERVAL WEEKDAY({column}) DAY)"


def bucket_of(day: date | datetime, period: str) -> date:
    day = day.date() if isinstance(day, datetime) else day
    return day if period == "Day" else week_start(day)


def buckets(from_date: date, to_date: date, period: str) -> list[date]:
    """Every day or week (by its Monday) the range touches, in order."""
    step = timedelta(days=1 if period == "Day" else 7)
    current, last, out = bucket_of(from_date, period), bucket_of(to_date, period), []
    while current <= last:
        out.append(current)
        current += step
    return out


def group_of(filters: Mapping, allowed: Iterable[str], default: str) -> str:
    group_by = filters.get("group_by") or default
    if group_by not in allowed:
        frappe.throw(_("Cannot group by {0}").format(group_by))
    return group_by


def ticket_conditions(filters: Mapping, alias: str = "") -> tuple[str, dict]:
    """" AND team = %(team)s ..." for the Ticket filters that are set, with their parameters."""
    prefix = f"{alias}." if alias else ""
    sql, params = [], {}
    for fieldname in TICKET_FILTERS:
        if filters.get(fieldname):
            sql.append(f" AND {prefix}`{fieldname}` = %({fieldname})s")
            params[fieldname] = filters[fieldname]
    return "".join(sql), params


@lru_cache(maxsize=4096)
def assignees(raw: str | None) -> tuple[str, ...]:
    """The users in a `_assign` value (a JSON list); ("",) for nobody, so the ticket still counts.

    Cached: a site has few distinct assignee lists and a report may read one per ticket."""
    if not raw:
        return ("",)
    try:
        users = json.loads(raw)
    except ValueError:
        return ("",)
    if not isinstance(users, list):
        return ("",)
    return tuple(dict.fromkeys(u for u in users if u)) or ("",)


def sum_by_group(rows: Iterable[Mapping], group_by: str | None, counts: Iterable[str]) -> dict:
    """Add up SQL count rows per group; for Agent, each assignee of a row gets its counts.

    Keys: the group's value, "" for none, a date for Day / Week."""
    counts = list(counts)
    out: dict[str, dict[str, int]] = {}
    for row in rows:
        if group_by == "Agent":
            keys = assignees(row["grp"])
        elif group_by in PERIODS:
            keys = [getdate(row["grp"])]
        else:
            keys = [row["grp"] or ""]
        for key in keys:
            target = out.setdefault(key, dict.fromkeys(counts, 0))
            for name in counts:
                target[name] += int(row[name] or 0)
    return out


def group_label(value, group_by: str) -> str:
    if value:
        return value
    return _("Not assigned") if group_by == "Agent" else _("Not set")


def group_sort_key(item):
    """Groups by name with the empty group (not set / not assigned) last."""
    key = item[0] if isinstance(item, tuple) else item
    return (key in ("", None), str(key or ""))


def group_column(group_by: str) -> dict:
    if group_by in ("Week", "Day"):
        return {"fieldname": "period", "label": _("Week") if group_by == "Week" else _("Day"), "fieldtype": "Date", "width": 110}
    labels = {"Team": _("Team"), "Agent": _("Agent"), "Ticket Type": _("Ticket Type"), "Channel": _("Channel"),
              "Topic": _("Topic"), "Priority": _("Priority")}
    return {"fieldname": "grp", "label": labels[group_by], "fieldtype": "Data", "width": 200}


def percent(part: int | None, whole: int | None) -> float | None:
    """part / whole as a percentage rounded to 0.1, None when there is nothing to divide."""
    return round(100 * part / whole, 1) if whole else None


def minutes_to_seconds(minutes: float | None) -> int | None:
    """For Duration columns, which hold seconds."""
    return None if minutes is None else int(round(minutes * 60))
