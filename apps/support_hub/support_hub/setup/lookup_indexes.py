"""Indexes the app's own queries need on tables it does not own (Frappe's Contact Email, ERPNext's Sales
Order), added the Frappe way (frappe.db.add_index, which does nothing when the index is there) after
every install and migrate, so an ERPNext installed later gets them too.

- Contact Email (email_id): intake identifies every e-mail sender by address; without it each ticket
  is a full scan of the table (about 1 s at a million contacts).
- Sales Order (customer, transaction_date): the panel lists a customer's latest orders. With only
  ERPNext's single-column indexes MariaDB walks the date index for customers with many orders and,
  for one whose orders are all old, reads the whole table; the pair answers "this customer's newest
  ten" from the index alone, whatever the customer's shape.
"""

from __future__ import annotations

import frappe

LOOKUP_INDEXES = (
    ("Contact Email", ("email_id",), "support_hub_email_id"),
    ("Sales Order", ("customer", "transaction_date"), "support_hub_customer_date"),
)


def ensure_lookup_indexes() -> list[str]:
    """Add the missing indexes; returns the names of those that exist afterwards."""
    present = []
    for doctype, columns, index_name in LOOKUP_INDEXES:
        if not frappe.db.table_exists(doctype):
            continue  # ERPNext's doctypes on a site without ERPNext
        frappe.db.add_index(doctype, list(columns), index_name)
        present.append(index_name)
    return present
