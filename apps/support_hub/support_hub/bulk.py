"""Reads and writes of rows by the thousand (a policy re-plan, a mass breach), in plain parametrised SQL.

frappe.get_all and frappe.db.bulk_insert build every value's SQL through the query builder: for a
hundred thousand rows that is most of the time (22 s of a 45 s mass breach before). Here the values go
to the driver as parameters, a statement per CHUNK rows. Bookkeeping doctypes only: no controller runs.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import frappe

CHUNK = 1000


def chunks(items: Sequence, size: int = CHUNK) -> Iterable[Sequence]:
    """`items` in slices of `size`, for statements that take a list of values each."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


def rows_where_in(doctype: str, field: str, values: Iterable, fields: Sequence[str]) -> list[frappe._dict]:
    """`fields` of the rows whose `field` is one of `values`."""
    values = list(dict.fromkeys(values))
    columns = ", ".join(f"`{f}`" for f in fields)
    rows: list[frappe._dict] = []
    for chunk in chunks(values):
        rows += frappe.db.sql(f"select {columns} from `tab{doctype}` where `{field}` in %(values)s",
                              {"values": tuple(chunk)}, as_dict=True)
    return rows


def present(doctype: str, field: str, values: Iterable) -> set:
    """Which of `values` some row of `doctype` has in `field`."""
    return {row[field] for row in rows_where_in(doctype, field, values, [field])}


def insert(doctype: str, columns: Sequence[str], rows: Sequence[Sequence], ignore_duplicates: bool = False) -> None:
    """Insert `rows` (tuples in `columns` order); with `ignore_duplicates`, a row whose unique key is
    taken is skipped (INSERT IGNORE)."""
    head = (f"insert {'ignore ' if ignore_duplicates else ''}into `tab{doctype}` "
            f"({', '.join(f'`{c}`' for c in columns)}) values ")
    one = "(" + ", ".join(["%s"] * len(columns)) + ")"
    for chunk in chunks(rows):
        frappe.db.sql(head + ", ".join([one] * len(chunk)), tuple(value for row in chunk for value in row))
