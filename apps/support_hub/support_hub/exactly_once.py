"""Exactly once under concurrency: a row inserted under a unique key is the claim on the work it stands for.

Webhooks are delivered again and again (Telegram and PBXs retry, proxies duplicate), sometimes at the
same moment into different workers. Checking "exists?" and then inserting lets two of them pass the
check together; the second insert then fails with a duplicate key (409), or the lock it waited on ends
in a deadlock (500). `insert_once` does both in one statement, INSERT IGNORE: InnoDB makes a concurrent
insert of the same key wait until the first transaction ends, then ignores it if that one committed —
so the second delivery learns "already done" only after the work is really there, and gets a 200.
If the first rolls back, the key is free again and the next delivery does the work.
"""

from __future__ import annotations

import frappe
from frappe.utils import now


def insert_once(doctype: str, values: dict) -> bool:
    """Insert a row of `doctype` with `values` (its fields; "name" when the doctype is named by a field)
    unless a row with the same unique key exists. True when this call inserted it.

    The row is written as is, without controller hooks: use it for bookkeeping doctypes that have none.
    """
    user = frappe.session.user if getattr(frappe.local, "session", None) else "Administrator"
    stamp = now()
    row = {
        "name": values.get("name") or frappe.generate_hash(length=12),
        "owner": user,
        "modified_by": user,
        "creation": stamp,
        "modified": stamp,
        "docstatus": 0,
        "idx": 0,
        **values,
    }
    columns = ", ".join(f"`{column}`" for column in row)
    placeholders = ", ".join(["%s"] * len(row))
    frappe.db.sql(f"insert ignore into `tab{doctype}` ({columns}) values ({placeholders})", tuple(row.values()))
    return frappe.db._cursor.rowcount == 1
