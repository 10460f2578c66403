"""Fixtures shared by the claims tests: claims staff, a claims calendar in Moscow time, claims."""

from __future__ import annotations

import frappe

from support_hub.claims.setup import ensure_claim_categories
from support_hub.testing import ensure_policy, ensure_user, setup_support_world

OFFICER = "sh-test-claims-officer@example.com"
OFFICER_2 = "sh-test-claims-officer2@example.com"
AGENT_2 = "sh-test-agent2@example.com"
CLAIMS_POLICY = "Test Claims"


def use_claims_policy(name: str = CLAIMS_POLICY, **extra) -> str:
    """A disabled SLA Policy (so it never catches tickets) with Mon-Fri 09-18 Moscow hours, named in
    Claim Settings as the claims calendar."""
    ensure_policy(name, None, 60, 480, enabled=0, **extra)
    set_claim_settings(sla_policy=name)
    return name


def set_claim_settings(**values) -> None:
    for fieldname, value in values.items():
        frappe.db.set_single_value("Claim Settings", fieldname, value)


def setup_claims_world() -> None:
    setup_support_world()
    ensure_user(OFFICER, "Claims Officer")
    ensure_user(OFFICER_2, "Claims Officer")
    ensure_user(AGENT_2, "Support Agent")
    ensure_claim_categories()
    frappe.db.delete("Claim Rule")
    set_claim_settings(working_days=3, reminder_hours="24, 2")
    use_claims_policy()


def make_claim(**values):
    values.setdefault("category", "Damaged")
    values.setdefault("amount_claimed", 1000)
    values.setdefault("items", [{"item": "Office chair", "quantity": 1, "problem": "Broken leg"}])
    return frappe.get_doc({"doctype": "Claim", **values}).insert()


def set_status(claim, status: str, **values):
    doc = frappe.get_doc("Claim", claim.name)
    doc.update({"status": status, **values})
    doc.save()
    return doc
