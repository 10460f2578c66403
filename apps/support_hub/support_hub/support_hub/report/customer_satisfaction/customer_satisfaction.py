# Copyright (c) 2026, support_hub developers. License: MIT.
"""Customer Satisfaction: the share of great / ok / bad ratings, by agent, team or week.

Ratings: those given (rated_on) within the date range, default the last eight ISO weeks. An agent
is every assignee of the rated ticket (`_assign`). Ratings a manager excluded (the ticket's
"Exclude Rating from Statistics") count nowhere in the shares; each group lists them instead, in
"Excluded" and "Excluded Tickets", so the exclusion itself stays visible. The counting is
engine.stats.csat's.
"""

from __future__ import annotations

from collections import defaultdict

import frappe
from frappe import _

from support_hub.engine.stats import csat
from support_hub.reports import queries
from support_hub.reports.common import (
    assignees,
    bounds,
    buckets,
    date_range,
    group_column,
    group_label,
    group_of,
    group_sort_key,
)

GROUPS = ("Agent", "Team", "Week")


def execute(filters=None):
    filters = frappe._dict(filters or {})
    from_date, to_date = date_range(filters)
    group_by = group_of(filters, GROUPS, "Agent")
    rows = queries.rating_rows(*bounds(from_date, to_date), filters)

    grouped: dict = defaultdict(list)
    for row in rows:
        for key in _keys(row, group_by):
            grouped[key].append(row)
    if group_by == "Week":
        groups = [(week, grouped.get(week, [])) for week in buckets(from_date, to_date, "Week")]
    else:
        groups = sorted(grouped.items(), key=group_sort_key)

    data = [_row(key, members, group_by) for key, members in groups]
    return columns(group_by), data, None, chart(data, group_by), summary(_csat(rows))


def _keys(row, group_by: str) -> list:
    if group_by == "Agent":
        return assignees(row._assign)
    if group_by == "Team":
        return [row.team or ""]
    return [row.week]


def _csat(rows: list) -> dict:
    return csat(rows, {row.name for row in rows if row.rating_excluded})


def _pct(share: float | None) -> float | None:
    return None if share is None else round(share * 100, 1)


def _row(key, members: list, group_by: str) -> dict:
    result = _csat(members)
    row = {"period": key} if group_by == "Week" else {"grp": group_label(key, group_by)}
    row.update(
        ratings=result["total"],
        great=result["great"],
        ok=result["ok"],
        bad=result["bad"],
        great_share=_pct(result["shares"]["great"]),
        ok_share=_pct(result["shares"]["ok"]),
        bad_share=_pct(result["shares"]["bad"]),
        excluded=len(result["excluded"]),
        excluded_tickets=", ".join(result["excluded"]),
    )
    return row


def columns(group_by: str) -> list[dict]:
    return [
        group_column(group_by),
        {"fieldname": "ratings", "label": _("Ratings"), "fieldtype": "Int", "width": 90},
        {"fieldname": "great", "label": _("Great"), "fieldtype": "Int", "width": 80},
        {"fieldname": "ok", "label": _("OK"), "fieldtype": "Int", "width": 80},
        {"fieldname": "bad", "label": _("Bad"), "fieldtype": "Int", "width": 80},
        {"fieldname": "great_share", "label": _("Great %"), "fieldtype": "Percent", "width": 100},
        {"fieldname": "ok_share", "label": _("OK %"), "fieldtype": "Percent", "width": 100},
        {"fieldname": "bad_share", "label": _("Bad %"), "fieldtype": "Percent", "width": 100},
        {"fieldname": "excluded", "label": _("Excluded"), "fieldtype": "Int", "width": 90},
        {"fieldname": "excluded_tickets", "label": _("Excluded Tickets"), "fieldtype": "Small Text", "width": 220},
    ]


def chart(data: list[dict], group_by: str) -> dict:
    key = "period" if group_by == "Week" else "grp"
    return {
        "data": {
            "labels": [str(row[key]) for row in data],
            "datasets": [
                {"name": _("Great %"), "values": [row["great_share"] or 0 for row in data]},
                {"name": _("OK %"), "values": [row["ok_share"] or 0 for row in data]},
                {"name": _("Bad %"), "values": [row["bad_share"] or 0 for row in data]},
            ],
        },
        "type": "bar",
        "barOptions": {"stacked": 1},
        "fieldtype": "Percent",
        "colors": ["#28a745", "#ffa00a", "#e24c4c"],
    }


def summary(result: dict) -> list[dict]:
    great = _pct(result["shares"]["great"])
    return [
        {"value": result["total"], "label": _("Ratings"), "datatype": "Int"},
        {"value": great, "label": _("Great %"), "datatype": "Percent",
         "indicator": "Green" if (great or 0) >= 80 else "Orange"},
        {"value": _pct(result["shares"]["bad"]), "label": _("Bad %"), "datatype": "Percent",
         "indicator": "Red" if result["bad"] else "Green"},
        {"value": len(result["excluded"]), "label": _("Excluded from statistics"), "datatype": "Int",
         "indicator": "Grey"},
    ]
