"""The custom Number Card method of the Support workspace (Number Card "CSAT Great This Month")."""

from __future__ import annotations

import frappe
from frappe.utils import getdate

from support_hub.api.arguments import validate_arguments
from support_hub.engine.stats import csat
from support_hub.reports import queries
from support_hub.reports.common import bounds


@frappe.whitelist()
@validate_arguments
def csat_great_share_this_month(filters=None) -> dict:
    """Share of this month's ratings that are "great", manager-excluded ratings left out."""
    frappe.has_permission("Ticket", "read", throw=True)
    today = getdate()
    first = today.replace(day=1)
    rows = queries.rating_rows(*bounds(first, today), {})
    result = csat(rows, {row.name for row in rows if row.rating_excluded})
    share = result["shares"]["great"]
    return {
        "value": round(share * 100, 1) if share is not None else 0,
        "fieldtype": "Percent",
        "route": ["query-report", "Customer Satisfaction"],
        "route_options": {"from_date": str(first), "to_date": str(today)},
    }
