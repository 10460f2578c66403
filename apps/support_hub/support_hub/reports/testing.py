"""Fixtures for the report tests: tickets shaped field by field, teams, topics, tags, a second agent.

Tickets are inserted the real way (support_hub.testing.make_ticket: routing, SLA clock, intake),
then the fields a report reads are overwritten with frappe.db.set_value, so each test states
exactly the history it counts. Dates sit in January 2025, away from every other test's data.
"""

from __future__ import annotations

import json
from datetime import datetime

import frappe
from frappe.desk.query_report import run

from support_hub.testing import AGENT, MANAGER, ensure_user, make_ticket, setup_support_world

AGENT_2 = "sh-report-agent2@example.com"
TEAMS = ("SHR Alpha", "SHR Beta")
TOPICS = ("SHR Billing", "SHR Payroll")


def setup_report_world() -> None:
    setup_support_world()
    ensure_user(AGENT_2, "Support Agent")
    for team in TEAMS:
        if not frappe.db.exists("Support Team", team):
            frappe.get_doc({"doctype": "Support Team", "team_name": team}).insert(ignore_permissions=True)
    for topic in TOPICS:
        if not frappe.db.exists("Ticket Topic", topic):
            frappe.get_doc({"doctype": "Ticket Topic", "topic_name": topic, "enabled": 1}).insert(ignore_permissions=True)


def shaped_ticket(*, assign: list[str] | None = None, **fields) -> str:
    """A ticket whose report fields are exactly `fields` (unset datetimes are cleared)."""
    ticket = make_ticket(subject=fields.pop("subject", "Report fixture"), channel=fields.get("channel", "Email"))
    values = {
        "first_response_due": None,
        "resolution_due": None,
        "first_responded_on": None,
        "resolved_on": None,
        "rating": None,
        "rated_on": None,
        "rating_excluded": 0,
        "sla_status": None,
        "topic": None,
        "_assign": json.dumps(assign) if assign else None,
        **fields,
    }
    frappe.db.set_value("Ticket", ticket.name, values, update_modified=False)
    return ticket.name


def tag(ticket: str, tag_name: str, at: datetime) -> None:
    """Tag a ticket as Frappe does (Tag + Tag Link), dated `at`."""
    if not frappe.db.exists("Tag", tag_name):
        frappe.get_doc({"doctype": "Tag", "name": tag_name}).insert(ignore_permissions=True)
    link = frappe.get_doc(
        {"doctype": "Tag Link", "document_type": "Ticket", "document_name": ticket, "tag": tag_name, "title": ticket}
    ).insert(ignore_permissions=True)
    frappe.db.set_value("Tag Link", link.name, "creation", at, update_modified=False)


def run_report(name: str, filters: dict, user: str = MANAGER) -> dict:
    """The report as the desk runs it (frappe.desk.query_report.run), as `user`."""
    frappe.set_user(user)
    try:
        return run(name, filters=filters, ignore_prepared_report=True)
    finally:
        frappe.set_user("Administrator")


def rows_by(result: dict, key: str) -> dict:
    return {str(row[key]): row for row in result["result"]}


__all__ = ["AGENT", "AGENT_2", "MANAGER", "TEAMS", "TOPICS", "rows_by", "run_report", "setup_report_world",
           "shaped_ticket", "tag"]
