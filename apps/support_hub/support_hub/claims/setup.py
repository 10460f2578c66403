"""What a fresh install needs for claims: the six standard categories (an editable list)."""

from __future__ import annotations

import frappe

# Names are the stored values; the Russian labels come from translations/ru.csv (Claim Category is a
# translated doctype, so links show them translated).
DEFAULT_CATEGORIES = ("Quality", "Late Delivery", "Wrong Item", "Missing Item", "Damaged", "Other")


def ensure_claim_categories() -> list[str]:
    """Create the standard claim categories that are missing; returns the ones created.

    Idempotent: an existing category is left as it is (a disabled one stays disabled)."""
    created = []
    for name in DEFAULT_CATEGORIES:
        if not frappe.db.exists("Claim Category", name):
            frappe.get_doc({"doctype": "Claim Category", "category_name": name, "enabled": 1}).insert(
                ignore_permissions=True
            )
            created.append(name)
    return created


def execute() -> None:
    """As a patch (patches.txt, [post_model_sync]): existing sites get the categories on upgrade."""
    ensure_claim_categories()
