"""Indexes the report queries range over; call add_report_indexes() from Ticket's on_doctype_update.

opened_on: SLA Compliance, Ticket Volume (new), Response Times, the digest.
resolved_on: Ticket Volume (resolved, open at start), Open Tickets at Week End, the digest.
rated_on: Customer Satisfaction, the CSAT number card, the digest.
Tag Link (document_type, tag, creation): Tag Trends.
"""

from __future__ import annotations

import frappe


def add_report_indexes() -> None:
    frappe.db.add_index("Ticket", ["opened_on"])
    frappe.db.add_index("Ticket", ["resolved_on"])
    frappe.db.add_index("Ticket", ["rated_on"])
    frappe.db.add_index("Tag Link", ["document_type", "tag", "creation"])
