"""Re-plans now keep a row of their own (SLA Replan), and the every-minute retell finds a killed one's held
transitions through it. Transitions held when this version was installed get one, Running, so they are
still told."""

from __future__ import annotations

import frappe


def execute() -> None:
    held = frappe.db.sql("""select e.held_by, min(e.creation), max(t.sla_policy) from `tabSLA Event` e
        left join `tabTicket` t on t.name = e.ticket where e.held_by is not null group by e.held_by""")
    for tag, started, policy in held:
        if frappe.db.exists("SLA Replan", tag) or not policy:
            continue
        frappe.get_doc({"doctype": "SLA Replan", "policy": policy, "status": "Running", "started_on": started,
                        "reason": "held before the upgrade"}).insert(ignore_permissions=True, set_name=tag)
