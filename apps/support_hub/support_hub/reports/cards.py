"""The Support workspace's number cards that show a report's figures: computed here, and seen only by
those who may open the report they come from.

"CSAT Great This Month" is the Customer Satisfaction report's headline, and that report is for
Support Managers (its roles): Frappe would show a custom card to anyone who reads Tickets, so the
card's method, the Number Card document and through it the workspace's cards all ask the report.
(The Number Card list still names the card to others: Frappe's own list condition for Number Card
ends in an unbracketed "or", so an app's condition added after it cannot narrow module cards.)
"""

from __future__ import annotations

import frappe
from frappe import _
from frappe.core.doctype.custom_role.custom_role import get_custom_allowed_roles
from frappe.utils import getdate

from support_hub.api.arguments import validate_arguments
from support_hub.engine.stats import csat
from support_hub.reports import queries
from support_hub.reports.common import bounds

CSAT_REPORT = "Customer Satisfaction"
# Number Card -> the report whose readers may see it.
CARD_REPORTS = {"CSAT Great This Month": CSAT_REPORT}


def may_open_report(report: str, user: str | None = None) -> bool:
    """What Frappe's Report.is_permitted answers, for any user: the report's roles (or the Custom Role
    that replaces them) meet the user's; a report without roles is open to all."""
    allowed = get_custom_allowed_roles("report", report) or frappe.get_all(
        "Has Role", filters={"parent": report, "parenttype": "Report"}, pluck="role"
    )
    return not allowed or bool(set(allowed) & set(frappe.get_roles(user)))


def number_card_permission(doc, ptype=None, user=None):
    """has_permission hook of Number Card: a report's card is refused to those the report is refused to
    (None leaves every other card to Frappe)."""
    report = CARD_REPORTS.get(doc.name)
    if report and not may_open_report(report, user):
        return False
    return None


@frappe.whitelist()
@validate_arguments
def csat_great_share_this_month(filters=None) -> dict:
    """Share of this month's ratings that are "great", manager-excluded ratings left out."""
    if not may_open_report(CSAT_REPORT):
        frappe.throw(_("You don't have access to Report: {0}").format(_(CSAT_REPORT)), frappe.PermissionError)
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
