# Copyright (c) 2026, support_hub developers. License: MIT.
"""Open Tickets at Week End: how many tickets each week left open, and in which status.

Per ISO week touched by the date range (default: the last eight weeks):
  Open at Start — open at Monday 00:00; New — opened during the week;
  Open at End — still open at the next Monday 00:00, split by status;
  Still Open % — Open at End / (Open at Start + New): the share of the week's tickets it did
  not finish.
The status is the ticket's status today, as no status history is kept; a ticket open at the end
of the week but resolved or closed since is counted under "Resolved Since" (engine/stats'
open_at_end_of_week rule, DONE_SINCE).
"""

from __future__ import annotations

import frappe
from frappe import _, scrub

from support_hub.engine.stats import DONE_SINCE
from support_hub.reports import queries
from support_hub.reports.common import buckets, date_range, group_column, percent

STATUS_COLORS = {
    "Open": "#5e64ff",
    "In Progress": "#743ee2",
    "Waiting for Customer": "#ffa00a",
    "Postponed": "#b8c2cc",
    "In Development": "#29cd42",
    "Solution Proposed": "#ff5858",
    DONE_SINCE: "#36414c",
}


def execute(filters=None):
    filters = frappe._dict(filters or {})
    from_date, to_date = date_range(filters)
    weeks = queries.open_at_week_ends(buckets(from_date, to_date, "Week"), filters)

    statuses = list(queries.OPEN_STATUSES)
    for week in weeks.values():
        statuses += [s for s in week["open_at_end"] if s not in statuses and s != DONE_SINCE]
    statuses.append(DONE_SINCE)

    data = []
    for monday, week in weeks.items():
        open_at_end = sum(week["open_at_end"].values())
        row = {
            "period": monday,
            "open_at_start": week["open_at_start"],
            "new": week["new"],
            "open_at_end": open_at_end,
            "still_open_share": percent(open_at_end, week["open_at_start"] + week["new"]),
        }
        row.update({_fieldname(s): week["open_at_end"].get(s, 0) for s in statuses})
        data.append(row)
    return columns(statuses), data, None, chart(data, statuses), summary(data)


def _fieldname(status: str) -> str:
    return "resolved_since" if status == DONE_SINCE else "status_" + scrub(status)


def _label(status: str) -> str:
    return _("Resolved Since") if status == DONE_SINCE else _(status)


def columns(statuses: list[str]) -> list[dict]:
    return [
        group_column("Week"),
        {"fieldname": "open_at_start", "label": _("Open at Start"), "fieldtype": "Int", "width": 110},
        {"fieldname": "new", "label": _("New Tickets"), "fieldtype": "Int", "width": 110},
        {"fieldname": "open_at_end", "label": _("Open at End"), "fieldtype": "Int", "width": 110},
        {"fieldname": "still_open_share", "label": _("Still Open %"), "fieldtype": "Percent", "width": 110},
    ] + [{"fieldname": _fieldname(s), "label": _label(s), "fieldtype": "Int", "width": 120} for s in statuses]


def chart(data: list[dict], statuses: list[str]) -> dict:
    return {
        "data": {
            "labels": [str(row["period"]) for row in data],
            "datasets": [{"name": _label(s), "values": [row[_fieldname(s)] for row in data]} for s in statuses],
        },
        "type": "bar",
        "barOptions": {"stacked": 1},
        "fieldtype": "Int",
        "colors": [STATUS_COLORS.get(s, "#98d85b") for s in statuses],
    }


def summary(data: list[dict]) -> list[dict]:
    if not data:
        return []
    last = data[-1]
    return [
        {"value": last["open_at_end"], "label": _("Open at End of Last Week"), "datatype": "Int", "indicator": "Orange"},
        {"value": last["still_open_share"], "label": _("Still Open %"), "datatype": "Percent"},
        {"value": last["status_waiting_for_customer"], "label": _("Waiting for Customer"), "datatype": "Int"},
        {"value": last["status_postponed"] + last["status_in_development"], "label": _("Postponed or In Development"),
         "datatype": "Int"},
    ]
