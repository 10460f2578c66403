"""The sweep finds due breaches on the (sla_status, sla_warning_on) index (a ticket's warning comes at or
before its breach), so the (sla_status, sla_breach_on) index only cost every save and re-plan its upkeep."""

from __future__ import annotations

import frappe


def execute() -> None:
    if frappe.db.has_index("tabTicket", "sla_status_sla_breach_on_index"):
        frappe.db.sql_ddl("alter table `tabTicket` drop index `sla_status_sla_breach_on_index`")
