"""The goods and the money of one ERPNext Sales Order, for the ticket's panel: its lines with ordered /
delivered / returned quantities, its delivery notes and returns, invoices and credit notes with what
is outstanding, payments and refunds — every document by name, for the desk to link to its form.

Read with the caller's permissions: the order through has_permission, each kind of document through
frappe.get_list (a role that may not read invoices sees that section marked restricted, nothing
else). Five queries in all, each by the order's own indexed links (against_sales_order, sales_order,
reference_name). The counting is the engine's (engine.order_view).
"""

from __future__ import annotations

import frappe
from frappe import _

from support_hub.api.arguments import validate_arguments
from support_hub.crm.orders import order_doctype
from support_hub.engine.order_view import line_view, money_view

SALES_ORDER = "Sales Order"


def _readable(doctype: str) -> bool:
    return bool(frappe.db.exists("DocType", doctype)) and frappe.has_permission(doctype, "read")


def order_detail(order: str) -> dict | None:
    """The order's goods and money as the caller may see them; None when the site's orders are not
    ERPNext Sales Orders (a custom order doctype has no lines to recount)."""
    if order_doctype() != SALES_ORDER:
        return None
    if not frappe.db.exists(SALES_ORDER, order):
        raise frappe.DoesNotExistError(_("{0} {1} does not exist").format(_(SALES_ORDER), order))
    if not frappe.has_permission(SALES_ORDER, "read", doc=order):
        raise frappe.PermissionError(_("You are not allowed to read {0} {1}").format(_(SALES_ORDER), order))
    header = frappe.get_list(
        SALES_ORDER, filters={"name": order},
        fields=["name", "customer", "customer_name", "transaction_date as date", "delivery_date", "status",
                "docstatus", "grand_total as amount", "rounded_total", "currency", "po_no", "per_delivered",
                "per_billed"],
        limit_page_length=1,
    )[0]
    # The order's lines: readable as part of the order just checked.
    lines = frappe.get_all(
        "Sales Order Item", filters={"parent": order, "parenttype": SALES_ORDER},
        fields=["name as line", "idx", "item_code", "item_name", "qty", "uom", "rate", "amount"],
        order_by="idx asc",
    )
    restricted = []
    deliveries, delivery_rows = _deliveries(order, restricted)
    invoices = _invoices(order, restricted)
    payments = _payments([order, *(i["name"] for i in invoices)], restricted)
    submitted_invoices = [i for i in invoices if i["docstatus"] == 1]
    return {
        "doctype": SALES_ORDER,
        "name": order,
        "header": header,
        "lines": line_view(lines, delivery_rows),
        "deliveries": deliveries,
        "invoices": invoices,
        "payments": payments,
        "money": {"ordered": header.amount, **money_view(submitted_invoices, [p for p in payments if p["docstatus"] == 1])},
        "restricted": restricted,
    }


def _deliveries(order: str, restricted: list) -> tuple[list[dict], list[dict]]:
    if not _readable("Delivery Note"):
        restricted.append("Delivery Note")
        return [], []
    rows = frappe.get_list(
        "Delivery Note",
        filters=[["Delivery Note Item", "against_sales_order", "=", order], ["docstatus", "<", 2]],
        fields=["name", "posting_date as date", "status", "docstatus", "is_return", "return_against",
                "`tabDelivery Note Item`.so_detail as line", "`tabDelivery Note Item`.qty as qty"],
        order_by="posting_date asc, name asc", limit_page_length=0,
    )
    notes: dict[str, dict] = {}
    for row in rows:
        notes.setdefault(row.name, {k: row[k] for k in ("name", "date", "status", "docstatus", "is_return",
                                                         "return_against")})
    submitted = [{"line": r.line, "qty": r.qty, "is_return": r.is_return} for r in rows if r.docstatus == 1]
    return list(notes.values()), submitted


def _invoices(order: str, restricted: list) -> list[dict]:
    if not _readable("Sales Invoice"):
        restricted.append("Sales Invoice")
        return []
    return [dict(row) for row in frappe.get_list(
        "Sales Invoice",
        filters=[["Sales Invoice Item", "sales_order", "=", order], ["docstatus", "<", 2]],
        fields=["name", "posting_date as date", "due_date", "status", "docstatus", "is_return", "return_against",
                "grand_total", "rounded_total", "outstanding_amount as outstanding", "currency"],
        order_by="posting_date asc, name asc", limit_page_length=0, distinct=True,
    )]


def _payments(references: list[str], restricted: list) -> list[dict]:
    if not _readable("Payment Entry"):
        restricted.append("Payment Entry")
        return []
    rows = frappe.get_list(
        "Payment Entry",
        filters=[["Payment Entry Reference", "reference_name", "in", references], ["docstatus", "<", 2]],
        fields=["name", "posting_date as date", "payment_type", "docstatus", "status", "mode_of_payment",
                "reference_no", "paid_from_account_currency as currency",
                "`tabPayment Entry Reference`.reference_doctype as against_doctype",
                "`tabPayment Entry Reference`.reference_name as against",
                "`tabPayment Entry Reference`.allocated_amount as amount"],
        order_by="posting_date asc, name asc", limit_page_length=0,
    )
    # One payment may settle several of the order's documents: one entry, the amounts summed.
    entries: dict[str, dict] = {}
    for row in rows:
        entry = entries.setdefault(row.name, {**{k: row[k] for k in ("name", "date", "payment_type", "docstatus",
                                                                     "status", "mode_of_payment", "reference_no",
                                                                     "currency")}, "amount": 0.0, "against": []})
        entry["amount"] += abs(row.amount or 0)
        entry["against"].append({"doctype": row.against_doctype, "name": row.against})
    return list(entries.values())


@frappe.whitelist()
@validate_arguments
def get_order_detail(order: str) -> dict | None:
    """The panel's "details" of any order the caller may read (404 unknown, 403 not theirs to read)."""
    return order_detail(order)
