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

from support_hub import bulk


def whole_rows(values: list[dict]) -> list[dict]:
    """Whole rows: a document's standard columns (a hash name unless given, owner, stamps) and `values`."""
    user = frappe.session.user if getattr(frappe.local, "session", None) else "Administrator"
    stamp = now()
    return [{"name": v.get("name") or frappe.generate_hash(length=12), "owner": user, "modified_by": user,
             "creation": stamp, "modified": stamp, "docstatus": 0, "idx": 0, **v} for v in values]


def insert_once(doctype: str, values: dict) -> bool:
    """Insert a row of `doctype` with `values` (its fields; "name" when the doctype is named by a field)
    unless a row with the same unique key exists. True when this call inserted it.

    The row is written as is, without controller hooks: use it for bookkeeping doctypes that have none.
    """
    row = whole_rows([values])[0]
    columns = ", ".join(f"`{column}`" for column in row)
    placeholders = ", ".join(["%s"] * len(row))
    frappe.db.sql(f"insert ignore into `tab{doctype}` ({columns}) values ({placeholders})", tuple(row.values()))
    return frappe.db._cursor.rowcount == 1


def insert_many_once(doctype: str, rows: list[dict]) -> list[dict]:
    """insert_once for many rows with the same fields, in a statement per thousand (a policy change can
    breach thousands of tickets at once); returns the rows, with their names, that this call inserted."""
    if not rows:
        return []
    full = whole_rows(rows)
    columns = list(full[0])
    bulk.insert(doctype, columns, [tuple(row[c] for c in columns) for row in full], ignore_duplicates=True)
    inserted = bulk.present(doctype, "name", (row["name"] for row in full))
    return [row for row in full if row["name"] in inserted]
