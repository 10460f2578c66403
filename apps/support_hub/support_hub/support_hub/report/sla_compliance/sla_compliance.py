# Copyright (c) 2026, support_hub developers. License: MIT.
"""SLA Compliance: first responses and resolutions that met or breached their due date.

Tickets: those opened within the date range (default: the last eight ISO weeks), grouped by the
week they were opened in, their team, their agent (every assignee in `_assign`; a ticket with
two assignees counts for both, one with none under "Not assigned") or their ticket type.

Met: answered / resolved at or before the due date. Breached: after it, or not yet and the due
date has passed — the SLA engine's rule. Tickets without a due date or still inside it count for
neither, so "Met %" is met / (met + breached).
"""

from __future__ import annotations

import frappe
from frappe import _
from frappe.utils import now_datetime

from support_hub.reports import queries
from support_hub.reports.common import (
    bounds,
    buckets,
    date_range,
    group_column,
    group_label,
    group_of,
    group_sort_key,
    percent,
    sum_by_group,
)

GROUPS = ("Week", "Team", "Agent", "Ticket Type")
COUNTS = ("tickets", "fr_met", "fr_breached", "res_met", "res_breached")


def execute(filters=None):
    filters = frappe._dict(filters or {})
    from_date, to_date = date_range(filters)
    group_by = group_of(filters, GROUPS, "Week")
    start, end = bounds(from_date, to_date)

    raw = queries.sla_counts(start, end, group_by, filters, now_datetime())
    totals = sum_by_group(raw, group_by, COUNTS)
    if group_by == "Week":
        weeks = buckets(from_date, to_date, "Week")
        groups = [(week, totals.get(week) or dict.fromkeys(COUNTS, 0)) for week in weeks]
    else:
        groups = sorted(totals.items(), key=group_sort_key)

    data = [_row(key, counts, group_by) for key, counts in groups]
    # the SQL rows hold each ticket once (per Agent, a ticket with two assignees is in two groups)
    overall = {name: sum(int(row[name] or 0) for row in raw) for name in COUNTS}
    return columns(group_by), data, None, chart(data, group_by), summary(overall)


def _row(key, counts: dict, group_by: str) -> dict:
    row = {"period": key} if group_by == "Week" else {"grp": group_label(key, group_by)}
    row.update(counts)
    row["fr_share"] = percent(counts["fr_met"], counts["fr_met"] + counts["fr_breached"])
    row["res_share"] = percent(counts["res_met"], counts["res_met"] + counts["res_breached"])
    return row


def columns(group_by: str) -> list[dict]:
    return [
        group_column(group_by),
        {"fieldname": "tickets", "label": _("Tickets"), "fieldtype": "Int", "width": 90},
        {"fieldname": "fr_met", "label": _("First Response Met"), "fieldtype": "Int", "width": 150},
        {"fieldname": "fr_breached", "label": _("First Response Breached"), "fieldtype": "Int", "width": 170},
        {"fieldname": "fr_share", "label": _("First Response Met %"), "fieldtype": "Percent", "width": 160},
        {"fieldname": "res_met", "label": _("Resolution Met"), "fieldtype": "Int", "width": 130},
        {"fieldname": "res_breached", "label": _("Resolution Breached"), "fieldtype": "Int", "width": 150},
        {"fieldname": "res_share", "label": _("Resolution Met %"), "fieldtype": "Percent", "width": 140},
    ]


def chart(data: list[dict], group_by: str) -> dict:
    key = "period" if group_by == "Week" else "grp"
    return {
        "data": {
            "labels": [str(row[key]) for row in data],
            "datasets": [
                {"name": _("Response on time %"), "values": [row["fr_share"] or 0 for row in data]},
                {"name": _("Resolved on time %"), "values": [row["res_share"] or 0 for row in data]},
            ],
        },
        "type": "line" if group_by == "Week" else "bar",
        "fieldtype": "Percent",
        "colors": ["#5e64ff", "#28a745"],
    }


def summary(overall: dict) -> list[dict]:
    fr = percent(overall["fr_met"], overall["fr_met"] + overall["fr_breached"])
    res = percent(overall["res_met"], overall["res_met"] + overall["res_breached"])
    return [
        {"value": overall["tickets"], "label": _("Tickets"), "datatype": "Int"},
        {"value": fr, "label": _("First Response Met %"), "datatype": "Percent",
         "indicator": "Green" if (fr or 0) >= 90 else "Red"},
        {"value": res, "label": _("Resolution Met %"), "datatype": "Percent",
         "indicator": "Green" if (res or 0) >= 90 else "Red"},
        {"value": overall["fr_breached"] + overall["res_breached"], "label": _("Breaches"), "datatype": "Int",
         "indicator": "Red" if overall["fr_breached"] + overall["res_breached"] else "Green"},
    ]
