# Copyright (c) 2026, support_hub developers. License: MIT.

"""Claims by month (of creation) and category: how many, how much claimed and approved, and the share
answered on time among those decided (engine.on_time: decided no later than the deadline)."""

from __future__ import annotations

import frappe
from frappe import _
from frappe.utils import add_months, flt, get_first_day, getdate, nowdate

from support_hub.claims.timing import answered_on_time

FIELDS = ["name", "creation", "category", "amount_claimed", "amount_approved", "deadline", "decided_on"]


def execute(filters=None):
    filters = frappe._dict(filters or {})
    groups = summarise(fetch(filters))
    return columns(), rows(groups), None, chart(groups), summary(groups)


def default_from_date():
    return get_first_day(add_months(nowdate(), -11))


def fetch(filters) -> list:
    from_date = getdate(filters.from_date or default_from_date())
    to_date = getdate(filters.to_date or nowdate())
    conditions = [["creation", ">=", from_date], ["creation", "<", frappe.utils.add_days(to_date, 1)]]
    if filters.category:
        conditions.append(["category", "=", filters.category])
    return frappe.get_list("Claim", filters=conditions, fields=FIELDS, order_by="creation asc", limit_page_length=0)


def summarise(claims) -> dict:
    """(month, category) -> totals; months as 'YYYY-MM' in the system time zone, as stored."""
    groups: dict[tuple[str, str], dict] = {}
    for claim in claims:
        key = (getdate(claim.creation).strftime("%Y-%m"), claim.category or "")
        group = groups.setdefault(
            key, {"claims": 0, "amount_claimed": 0.0, "amount_approved": 0.0, "decided": 0, "on_time": 0}
        )
        group["claims"] += 1
        group["amount_claimed"] += flt(claim.amount_claimed)
        group["amount_approved"] += flt(claim.amount_approved)
        if claim.decided_on:
            group["decided"] += 1
            group["on_time"] += answered_on_time(claim.deadline, claim.decided_on)
    return dict(sorted(groups.items()))


def share(on_time: int, decided: int) -> float | None:
    return round(100.0 * on_time / decided, 1) if decided else None


def columns() -> list[dict]:
    return [
        {"fieldname": "month", "label": _("Month"), "fieldtype": "Data", "width": 100},
        {
            "fieldname": "category",
            "label": _("Category"),
            "fieldtype": "Link",
            "options": "Claim Category",
            "width": 160,
        },
        {"fieldname": "claims", "label": _("Claims"), "fieldtype": "Int", "width": 90},
        {"fieldname": "amount_claimed", "label": _("Claimed Amount"), "fieldtype": "Currency", "width": 140},
        {"fieldname": "amount_approved", "label": _("Approved Amount"), "fieldtype": "Currency", "width": 140},
        {"fieldname": "decided", "label": _("Decided"), "fieldtype": "Int", "width": 90},
        {"fieldname": "on_time", "label": _("On Time"), "fieldtype": "Int", "width": 90},
        {"fieldname": "on_time_share", "label": _("On Time, %"), "fieldtype": "Percent", "width": 110},
    ]


def rows(groups: dict) -> list[dict]:
    return [
        {"month": month, "category": category, **totals, "on_time_share": share(totals["on_time"], totals["decided"])}
        for (month, category), totals in groups.items()
    ]


def chart(groups: dict) -> dict | None:
    if not groups:
        return None
    months = sorted({month for month, _category in groups})
    categories = sorted({category for _month, category in groups})
    return {
        "data": {
            "labels": months,
            "datasets": [
                {
                    "name": _(category) if category else _("No Category"),
                    "values": [groups.get((month, category), {}).get("claims", 0) for month in months],
                }
                for category in categories
            ],
        },
        "type": "bar",
        "barOptions": {"stacked": 1},
    }


def summary(groups: dict) -> list[dict]:
    totals = {
        key: sum(g[key] for g in groups.values())
        for key in ("claims", "amount_claimed", "amount_approved", "decided", "on_time")
    }
    on_time_share = share(totals["on_time"], totals["decided"])
    return [
        {"value": totals["claims"], "label": _("Claims"), "datatype": "Int"},
        {"value": totals["amount_claimed"], "label": _("Claimed Amount"), "datatype": "Currency"},
        {"value": totals["amount_approved"], "label": _("Approved Amount"), "datatype": "Currency"},
        {
            "value": on_time_share if on_time_share is not None else 0,
            "label": _("Decided On Time, %"),
            "datatype": "Percent",
            "indicator": "Blue" if on_time_share is None else "Green" if on_time_share >= 90 else "Orange",
        },
    ]
