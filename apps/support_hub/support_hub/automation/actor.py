"""Who automatic work runs as.

Background jobs run as the user who enqueued them; for web intake that is Guest, who may not tag,
assign or answer a ticket. Intake, routing and auto-replies therefore run as one system user that
exists for this: it holds the Support Agent role (tickets, tags, comments, assignments) and nothing of
a manager or an administrator, has no password and cannot log in. Its name on the timeline tells a
reader that the system, not a person, did it.
"""

from __future__ import annotations

from contextlib import contextmanager

import frappe

AUTOMATION_USER = "automation@support-hub.local"
ROLES = ("Support Agent",)


def ensure_automation_user() -> str:
    if frappe.db.exists("User", AUTOMATION_USER):
        user = frappe.get_doc("User", AUTOMATION_USER)
        missing = [role for role in ROLES if role not in {r.role for r in user.roles}]
        if not user.enabled:
            user.enabled = 1
            user.save(ignore_permissions=True)
        if missing:
            user.add_roles(*missing)
        return AUTOMATION_USER
    user = frappe.get_doc({
        "doctype": "User",
        "email": AUTOMATION_USER,
        "first_name": "Support Hub",
        "last_name": "Automation",
        "user_type": "System User",
        "send_welcome_email": 0,
        "enabled": 1,
        "roles": [{"role": role} for role in ROLES],
    })
    user.flags.no_welcome_mail = True
    user.insert(ignore_permissions=True)
    return AUTOMATION_USER


@contextmanager
def acting_as_automation():
    """Run the block as the automation user, then give the session back to whoever had it."""
    previous = frappe.session.user
    if previous != AUTOMATION_USER:
        if not frappe.db.exists("User", AUTOMATION_USER):
            ensure_automation_user()
        frappe.set_user(AUTOMATION_USER)
    try:
        yield
    finally:
        if frappe.session.user != previous:
            frappe.set_user(previous)
