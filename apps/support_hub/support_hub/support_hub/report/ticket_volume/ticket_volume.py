# Copyright (c) 2026, support_hub developers. License: MIT.
"""Ticket Volume: new, resolved and open tickets per day or week, optionally by channel, topic,
team or ticket type.

New: opened in the day / week. Resolved: resolved or closed in it (and not reopened since:
resolved_on is cleared on reopening). Open at End: opened before the day / week ended and not
resolved by then, counted from the tickets open when the range began plus the running difference,
all from grouped counts. Default range: the last eight ISO weeks.
"""

from __future__ import annotations

from collections import defaultdict

import frappe
from frappe import _

from support_hub.reports import queries
from support_hub.reports.common import bounds, buckets, date_range, group_column, group_label, group_of, period_of

GROUPS = ("", "Channel", "Topic", "Team", "Ticket Type")
CHART_GROUPS = 8


def execute(filters=None):
    filters = frappe._dict(filters or {})
    from_date, to_date = date_range(filters)
    period = period_of(filters)
    group_by = group_of(filters, GROUPS, "")
    counts = queries.volume_counts(*bounds(from_date, to_date), period, group_by or None, filters)
    periods = buckets(from_date, to_date, period)

    groups = {g for _b, g in counts["new"]} | {g for _b, g in counts["resolved"]} | set(counts["open_before"])
    if not group_by:
        groups = {""}
    groups = sorted(groups, key=lambda g: (g == "", g))

    data, open_now = [], dict(counts["open_before"])
    for bucket in periods:
        for group in groups:
            new = counts["new"].get((bucket, group), 0)
            resolved = counts["resolved"].get((bucket, group), 0)
            open_now[group] = open_now.get(group, 0) + new - resolved
            if group_by and not (new or resolved or open_now[group]):
                continue
            row = {"period": bucket, "new": new, "resolved": resolved, "open_at_end": open_now[group]}
            if group_by:
                row["grp"] = group_label(group, group_by)
            data.append(row)

    return (
        columns(period, group_by),
        data,
        None,
        chart(data, periods, group_by),
        summary(counts, open_now),
    )


def columns(period: str, group_by: str) -> list[dict]:
    cols = [group_column(period)]
    if group_by:
        cols.append(group_column(group_by))
    return cols + [
        {"fieldname": "new", "label": _("New Tickets"), "fieldtype": "Int", "width": 110},
        {"fieldname": "resolved", "label": _("Resolved Tickets"), "fieldtype": "Int", "width": 130},
        {"fieldname": "open_at_end", "label": _("Open at End"), "fieldtype": "Int", "width": 110},
    ]


def chart(data: list[dict], periods: list, group_by: str) -> dict:
    labels = [str(p) for p in periods]
    if not group_by:
        by_period = {row["period"]: row for row in data}
        datasets = [
            {"name": _("New Tickets"), "values": [by_period[p]["new"] for p in periods]},
            {"name": _("Resolved Tickets"), "values": [by_period[p]["resolved"] for p in periods]},
        ]
    else:
        # new tickets per group, the biggest groups on their own and the rest together
        new = defaultdict(lambda: defaultdict(int))
        for row in data:
            new[row["grp"]][row["period"]] += row["new"]
        ranked = sorted(new, key=lambda g: -sum(new[g].values()))
        shown, rest = ranked[:CHART_GROUPS], ranked[CHART_GROUPS:]
        datasets = [{"name": g, "values": [new[g][p] for p in periods]} for g in shown]
        if rest:
            datasets.append({"name": _("Other"), "values": [sum(new[g][p] for g in rest) for p in periods]})
    return {"data": {"labels": labels, "datasets": datasets}, "type": "bar", "fieldtype": "Int",
            "barOptions": {"stacked": 1 if group_by else 0}}


def summary(counts: dict, open_now: dict) -> list[dict]:
    return [
        {"value": sum(counts["open_before"].values()), "label": _("Open at Start"), "datatype": "Int"},
        {"value": sum(counts["new"].values()), "label": _("New Tickets"), "datatype": "Int", "indicator": "Blue"},
        {"value": sum(counts["resolved"].values()), "label": _("Resolved Tickets"), "datatype": "Int", "indicator": "Green"},
        {"value": sum(open_now.values()), "label": _("Open at End"), "datatype": "Int", "indicator": "Orange"},
    ]
