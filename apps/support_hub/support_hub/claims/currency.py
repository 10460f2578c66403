"""The currency a claim's amounts are in: the order's when the claim is on an order that has one, else
the company's (ERPNext), else the site's default currency (or its country's), so amounts never show without a currency."""

from __future__ import annotations

import frappe


def claim_currency(claim) -> str | None:
    if claim.get("order_doctype") and claim.get("order_link") and frappe.db.exists("DocType", claim.order_doctype):
        if frappe.get_meta(claim.order_doctype).has_field("currency"):
            currency = frappe.db.get_value(claim.order_doctype, claim.order_link, "currency")
            if currency:
                return currency
    if frappe.db.exists("DocType", "Company"):
        company = frappe.defaults.get_user_default("Company") or frappe.db.get_single_value("Global Defaults", "default_company")
        if company:
            currency = frappe.db.get_value("Company", company, "default_currency")
            if currency:
                return currency
    if frappe.db.get_default("currency"):
        return frappe.db.get_default("currency")
    # A plain Frappe site sets no default currency: the currency of the country the site is set up for.
    from frappe.geo.country_info import get_country_info

    country = frappe.db.get_single_value("System Settings", "country")
    currency = (get_country_info(country) or {}).get("currency") if country else None
    return currency if currency and frappe.db.exists("Currency", currency) else None
