# Copyright (c) 2026, support_hub developers. License: MIT.
"""Response Times: median and 90th percentile of first-response and resolution times.

Tickets: those opened within the date range (default: the last eight ISO weeks), per team (or
agent, ticket type, priority, channel). Times are calendar time from opening — what the customer
waited — shown as durations; tickets without a first response or resolution yet are left out of
that figure (and counted in "Tickets" only). Percentiles are nearest-rank (engine.stats.percentile):
"90% of first responses came within the p90" holds for the tickets counted.
"""

from __future__ import annotations

from collections import Counter

import frappe
from frappe import _

from support_hub.engine.stats import response_time_distribution
from support_hub.reports import queries
from support_hub.reports.common import (
    assignees,
    bounds,
    date_range,
    group_column,
    group_label,
    group_of,
    group_sort_key,
    minutes_to_seconds,
)

GROUPS = ("Team", "Agent", "Ticket Type", "Priority", "Channel")


def execute(filters=None):
    filters = frappe._dict(filters or {})
    from_date, to_date = date_range(filters)
    group_by = group_of(filters, GROUPS, "Team")
    raw = queries.response_time_rows(*bounds(from_date, to_date), group_by, filters)
    if group_by == "Agent":
        rows = [(user, fr, res) for grp, fr, res in raw for user in assignees(grp)]
    else:
        rows = [(grp or "", fr, res) for grp, fr, res in raw]

    tickets = Counter(grp for grp, _fr, _res in rows)
    first = response_time_distribution(rows, team_key=lambda r: r[0], value=lambda r: r[1])
    resolution = response_time_distribution(rows, team_key=lambda r: r[0], value=lambda r: r[2])
    data = [_row(key, tickets[key], first.get(key), resolution.get(key), group_by)
            for key in sorted(tickets, key=group_sort_key)]

    # the SQL rows hold each ticket once (per Agent, a ticket with two assignees is in two groups)
    overall_first = response_time_distribution(raw, team_key=lambda r: "", value=lambda r: r[1]).get("")
    overall_res = response_time_distribution(raw, team_key=lambda r: "", value=lambda r: r[2]).get("")
    return columns(group_by), data, None, chart(data), summary(overall_first, overall_res)


def _row(key, tickets: int, first: dict | None, resolution: dict | None, group_by: str) -> dict:
    first = first or {"median": None, "p90": None, "count": 0}
    resolution = resolution or {"median": None, "p90": None, "count": 0}
    return {
        "grp": group_label(key, group_by),
        "tickets": tickets,
        "answered": first["count"],
        "fr_median": minutes_to_seconds(first["median"]),
        "fr_p90": minutes_to_seconds(first["p90"]),
        "resolved": resolution["count"],
        "res_median": minutes_to_seconds(resolution["median"]),
        "res_p90": minutes_to_seconds(resolution["p90"]),
    }


def columns(group_by: str) -> list[dict]:
    return [
        group_column(group_by),
        {"fieldname": "tickets", "label": _("Tickets"), "fieldtype": "Int", "width": 90},
        {"fieldname": "answered", "label": _("Answered"), "fieldtype": "Int", "width": 90},
        {"fieldname": "fr_median", "label": _("First Response Median"), "fieldtype": "Duration", "width": 170},
        {"fieldname": "fr_p90", "label": _("First Response p90"), "fieldtype": "Duration", "width": 160},
        {"fieldname": "resolved", "label": _("Resolved Tickets"), "fieldtype": "Int", "width": 130},
        {"fieldname": "res_median", "label": _("Resolution Median"), "fieldtype": "Duration", "width": 160},
        {"fieldname": "res_p90", "label": _("Resolution p90"), "fieldtype": "Duration", "width": 150},
    ]


def _hours(seconds: int | None) -> float:
    return round((seconds or 0) / 3600, 2)


def chart(data: list[dict]) -> dict:
    return {
        "data": {
            "labels": [row["grp"] for row in data],
            "datasets": [
                {"name": _("First Response Median (hours)"), "values": [_hours(row["fr_median"]) for row in data]},
                {"name": _("First Response p90 (hours)"), "values": [_hours(row["fr_p90"]) for row in data]},
                {"name": _("Resolution Median (hours)"), "values": [_hours(row["res_median"]) for row in data]},
                {"name": _("Resolution p90 (hours)"), "values": [_hours(row["res_p90"]) for row in data]},
            ],
        },
        "type": "bar",
        "fieldtype": "Float",
    }


def summary(first: dict | None, resolution: dict | None) -> list[dict]:
    first, resolution = first or {}, resolution or {}
    return [
        {"value": minutes_to_seconds(first.get("median")), "label": _("First Response Median"), "datatype": "Duration"},
        {"value": minutes_to_seconds(first.get("p90")), "label": _("First Response p90"), "datatype": "Duration"},
        {"value": minutes_to_seconds(resolution.get("median")), "label": _("Resolution Median"), "datatype": "Duration"},
        {"value": minutes_to_seconds(resolution.get("p90")), "label": _("Resolution p90"), "datatype": "Duration"},
    ]
