# Copyright (c) 2026, support_hub developers. License: MIT.
"""Tag Trends: how many tickets got each tag per day or week — the "wishes" board.

The set of tags is the report's "Tags" filter (a multi-select of Tag). Left empty, every tag whose
name starts with "Tag Prefix" (default "wish", so "wish: dark mode", "wish-export-xlsx" ...) is
shown. A set worth keeping is saved the Frappe way: set the filters and use "Save As" on the
report; the saved report keeps them (Report, type Custom Report, filters in its JSON).

Over Time: one row per day / week, one column per tag, counting the tickets tagged in it (Tag Link
creation; a ticket counts once per tag and bucket — engine.stats.tag_counts_over_time).
Per Tag: one row per tag over the whole range with its tickets and distinct customers (customer,
else contact, else who raised it), most asked-for first.
"""

from __future__ import annotations

import json

import frappe
from frappe import _

from support_hub.engine.stats import tag_counts_over_time
from support_hub.reports import queries
from support_hub.reports.common import bounds, buckets, date_range, group_column, period_of

DEFAULT_PREFIX = "wish"
VIEWS = ("Over Time", "Per Tag")


def chosen_tags(filters) -> list[str]:
    """The tags picked in the filter, else those starting with the prefix (default "wish")."""
    tags = filters.get("tags")
    if isinstance(tags, str):
        tags = json.loads(tags) if tags.strip().startswith("[") else tags.split(",")
    tags = [t.strip() for t in (tags or []) if t and t.strip()]
    if tags:
        return list(dict.fromkeys(tags))
    return queries.tags_like(filters.get("tag_prefix") or DEFAULT_PREFIX)


def tags_with_data(filters, start, end) -> list[str]:
    """The chosen tags; when none were picked and none starting with the prefix was used in the range,
    the tags used most in it, so the report never opens empty on a site that tags differently."""
    tags = chosen_tags(filters)
    picked = filters.get("tags") not in (None, "", "[]", [])
    if picked or (tags and queries.tag_totals(start, end, tags, filters)):
        return tags
    return queries.top_tags(start, end, filters) or tags


def execute(filters=None):
    filters = frappe._dict(filters or {})
    from_date, to_date = date_range(filters)
    period = period_of(filters)
    view = filters.get("view") or "Over Time"
    if view not in VIEWS:
        frappe.throw(_("View must be Over Time or Per Tag"))
    start, end = bounds(from_date, to_date)
    tags = tags_with_data(filters, start, end)
    if view == "Per Tag":
        return per_tag(tags, start, end, filters)

    links = queries.tag_link_rows(start, end, tags, period, filters)
    counted = tag_counts_over_time(links, tags, period.lower(), at_key="bucket")
    periods = buckets(from_date, to_date, period)
    data = []
    for bucket in periods:
        row = {"period": bucket}
        row.update({f"tag_{i}": counted.get(bucket, {}).get(tag, 0) for i, tag in enumerate(tags)})
        data.append(row)
    cols = [group_column(period)] + [
        {"fieldname": f"tag_{i}", "label": tag, "fieldtype": "Int", "width": 140} for i, tag in enumerate(tags)
    ]
    chart = {
        "data": {
            "labels": [str(p) for p in periods],
            "datasets": [{"name": tag, "values": [row[f"tag_{i}"] for row in data]} for i, tag in enumerate(tags)],
        },
        "type": "line",
        "fieldtype": "Int",
    }
    totals = queries.tag_totals(start, end, tags, filters)
    return cols, data, None, chart, _summary(tags, totals)


def per_tag(tags: list[str], start, end, filters):
    totals = queries.tag_totals(start, end, tags, filters)
    data = [
        {
            "tag": tag,
            "tickets": totals[tag].tickets if tag in totals else 0,
            "customers": totals[tag].customers if tag in totals else 0,
            "first_added": totals[tag].first_added if tag in totals else None,
            "last_added": totals[tag].last_added if tag in totals else None,
        }
        for tag in tags
    ]
    data.sort(key=lambda row: (-row["customers"], -row["tickets"], row["tag"]))
    cols = [
        {"fieldname": "tag", "label": _("Tag"), "fieldtype": "Link", "options": "Tag", "width": 220},
        {"fieldname": "customers", "label": _("Customers"), "fieldtype": "Int", "width": 110},
        {"fieldname": "tickets", "label": _("Tickets"), "fieldtype": "Int", "width": 100},
        {"fieldname": "first_added", "label": _("First Asked"), "fieldtype": "Datetime", "width": 170},
        {"fieldname": "last_added", "label": _("Last Asked"), "fieldtype": "Datetime", "width": 170},
    ]
    chart = {
        "data": {
            "labels": [row["tag"] for row in data],
            "datasets": [
                {"name": _("Customers"), "values": [row["customers"] for row in data]},
                {"name": _("Tickets"), "values": [row["tickets"] for row in data]},
            ],
        },
        "type": "bar",
        "fieldtype": "Int",
    }
    return cols, data, None, chart, _summary(tags, totals)


def _summary(tags: list[str], totals: dict) -> list[dict]:
    return [
        {"value": len(tags), "label": _("Tags"), "datatype": "Int"},
        {"value": sum(row.tickets for row in totals.values()), "label": _("Tag Uses"), "datatype": "Int",
         "indicator": "Blue"},
    ]
