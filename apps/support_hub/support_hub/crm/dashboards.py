"""Connections: the Sales Order and Customer forms list their tickets and claims (hooks
override_doctype_dashboards), as the Ticket form shows its order in the Order field.

A ticket names its order in `order` (Dynamic Link over `order_doctype`), a claim in `order_link`
(over its own `order_doctype`); the Dynamic Link's doctype is part of the filter, so an order number
that happens to name another doctype's record is never counted. Both name their customer in
`customer`, the field ERPNext's Customer dashboard already filters by.
"""

from __future__ import annotations

from frappe import _

SUPPORT_GROUP = "Support"


def _add_support_group(data) -> dict:
    """Ticket and Claim in the dashboard's Support group (ERPNext's Customer has one: Issue, Warranty
    Claim…), made when the dashboard has none."""
    transactions = list(data.get("transactions") or [])
    group = next((g for g in transactions if g.get("label") in (SUPPORT_GROUP, _(SUPPORT_GROUP))), None)
    if group is None:
        group = {"label": _(SUPPORT_GROUP), "items": []}
        transactions.append(group)
    group["items"] = [*group.get("items", []), *(d for d in ("Ticket", "Claim") if d not in group.get("items", []))]
    data["transactions"] = transactions
    return data


def sales_order(data) -> dict:
    data.setdefault("non_standard_fieldnames", {}).update({"Ticket": "order", "Claim": "order_link"})
    data.setdefault("dynamic_links", {}).update(
        {"order": ["Sales Order", "order_doctype"], "order_link": ["Sales Order", "order_doctype"]}
    )
    return _add_support_group(data)


def customer(data) -> dict:
    # ERPNext's Customer dashboard filters every connection by `customer`, which Ticket and Claim use too.
    data.setdefault("non_standard_fieldnames", {}).update({"Ticket": "customer", "Claim": "customer"})
    return _add_support_group(data)
