"""A claim on an order starts from that order's lines: the person picks lines, quantities and what
happened to each; the rate and the sums come from the order, never from the request.

Which orders have lines: any order doctype whose `items` table has `qty` and `rate` (ERPNext's Sales
Order, or a site's own order doctype built the same way). An order without such a table keeps the
claim's lines as free text, as before.

What may still be claimed of a line (engine.claims.OrderLine.open_qty) is the ordered quantity less
what was already returned and less what other live claims on the same line cover. "Returned" on
ERPNext is the larger of the order line's own returned quantity (goods back on a return delivery) and
the quantity on submitted credit notes for that line: a return usually produces both, and counting
them twice would let a claim through that the books already settled.
"""

from __future__ import annotations

import frappe
from frappe import _
from frappe.utils import flt, fmt_money

from support_hub.api.arguments import validate_arguments
from support_hub.engine import claims as engine

# A claim that ended with nothing given covers no goods: its quantities may be claimed again.
DEAD_STATUSES = (engine.REJECTED,)
# What a line's category says about the whole claim, when the claim has no category yet.
CLAIM_CATEGORY_OF_LINE = {
    engine.LINE_MISSING: "Missing Item",
    engine.LINE_DAMAGED: "Damaged",
    engine.LINE_WRONG_ITEM: "Wrong Item",
    engine.LINE_EXPIRED: "Quality",
    engine.LINE_LATE: "Late Delivery",
}


class ClaimLineError(frappe.ValidationError):
    pass


def has_lines(order_doctype: str | None) -> bool:
    if not order_doctype or not frappe.db.exists("DocType", order_doctype):
        return False
    table = frappe.get_meta(order_doctype).get_field("items")
    if not table or table.fieldtype != "Table":
        return False
    child = frappe.get_meta(table.options)
    return child.has_field("qty") and child.has_field("rate")


def _child_doctype(order_doctype: str) -> str:
    return frappe.get_meta(order_doctype).get_field("items").options


def _returned_on_credit_notes(order_doctype: str, line_ids: list[str]) -> dict[str, float]:
    if order_doctype != "Sales Order" or not line_ids or not frappe.db.exists("DocType", "Sales Invoice"):
        return {}
    rows = frappe.get_all(
        "Sales Invoice",
        filters=[
            ["Sales Invoice", "docstatus", "=", 1],
            ["Sales Invoice", "is_return", "=", 1],
            ["Sales Invoice Item", "so_detail", "in", line_ids],
        ],
        fields=["`tabSales Invoice Item`.so_detail as line", "sum(abs(`tabSales Invoice Item`.qty)) as qty"],
        group_by="`tabSales Invoice Item`.so_detail",
    )
    return {row.line: flt(row.qty) for row in rows}


def _claimed_elsewhere(order_doctype: str, order: str, claim_name: str | None) -> dict[str, float]:
    filters = [
        ["Claim", "order_doctype", "=", order_doctype],
        ["Claim", "order_link", "=", order],
        ["Claim", "status", "not in", list(DEAD_STATUSES)],
        ["Claim Item", "order_item", "is", "set"],
    ]
    if claim_name:
        filters.append(["Claim", "name", "!=", claim_name])
    rows = frappe.get_all(
        "Claim",
        filters=filters,
        fields=["`tabClaim Item`.order_item as line", "sum(`tabClaim Item`.quantity) as qty"],
        group_by="`tabClaim Item`.order_item",
    )
    return {row.line: flt(row.qty) for row in rows}


def order_lines(order_doctype: str, order: str, claim_name: str | None = None) -> list[dict]:
    """The order's lines with what is left to claim of each, in the order's own row order."""
    child = _child_doctype(order_doctype)
    child_meta = frappe.get_meta(child)
    fields = ["name", "idx", "qty", "rate"]
    fields += [f for f in ("item_code", "item_name", "uom", "delivered_qty", "returned_qty") if child_meta.has_field(f)]
    rows = frappe.get_all(
        child,
        filters={"parent": order, "parenttype": order_doctype},
        fields=fields,
        order_by="idx asc",
    )
    ids = [row.name for row in rows]
    credited = _returned_on_credit_notes(order_doctype, ids)
    claimed = _claimed_elsewhere(order_doctype, order, claim_name)
    lines = []
    for row in rows:
        returned = max(flt(row.get("returned_qty")), credited.get(row.name, 0.0))
        line = engine.OrderLine(
            line_id=row.name,
            item=row.get("item_code") or row.get("item_name") or str(row.idx),
            qty=flt(row.qty),
            rate=flt(row.rate),
            returned=returned,
            claimed=claimed.get(row.name, 0.0),
        )
        lines.append(
            {
                "order_item": row.name,
                "idx": row.idx,
                "item_code": row.get("item_code"),
                "item_name": row.get("item_name") or row.get("item_code"),
                "uom": row.get("uom"),
                "qty": flt(row.qty),
                "delivered_qty": flt(row.get("delivered_qty")),
                "returned_qty": returned,
                "claimed_qty": flt(line.claimed),
                "open_qty": float(line.open_qty),
                "rate": flt(row.rate),
                "line": line,
            }
        )
    return lines


def problem_text(problem: engine.LineProblem) -> str:
    where = _("Order Lines, row {0}").format(problem.row)
    if problem.item:
        where = _("Order Lines, row {0} ({1})").format(problem.row, problem.item)
    if problem.kind == engine.NOT_ON_ORDER:
        return _("{0}: this line is not on the order").format(where)
    if problem.kind == engine.TWICE:
        return _("{0}: the same order line is claimed twice").format(where)
    if problem.kind == engine.NO_QTY:
        return _("{0}: Quantity must be above zero").format(where)
    if problem.kind == engine.BAD_CATEGORY:
        choices = ", ".join(_(c) for c in engine.LINE_CATEGORIES)
        return _("{0}: choose what happened ({1})").format(where, choices)
    return _(
        "{0}: {1} claimed, but only {2} of {3} can be (returned already: {4}, in other claims: {5})"
    ).format(
        where, _qty(problem.qty), _qty(problem.available), _qty(problem.ordered), _qty(problem.returned),
        _qty(problem.claimed),
    )


def _qty(value) -> str:
    return f"{value.normalize():f}"


def price(claim) -> bool:
    """Fill the claim's lines from its order: item, rate, amount; the claimed amount is their total.

    Returns False (and changes nothing) when the claim is not on an order with lines. Refuses the
    save (ClaimLineError, HTTP 417) with every wrong row named when a line is not on the order, is
    there twice, has no quantity or category, or asks for more than is left of it."""
    if not (claim.order_doctype and claim.order_link and has_lines(claim.order_doctype)):
        return False
    if claim.is_new() or claim.has_value_changed("order_link"):
        order = frappe.get_doc(claim.order_doctype, claim.order_link)
        order.check_permission("read")
        if order.docstatus == 2:
            frappe.throw(_("{0} {1} is cancelled: a claim cannot be made on it").format(_(order.doctype), order.name),
                         ClaimLineError, title=_("Check the order"))
    lines = order_lines(claim.order_doctype, claim.order_link, None if claim.is_new() else claim.name)
    if not claim.items:
        # A claim about the whole order (the courier was late): a sum the customer named, never more
        # than the order's goods are worth.
        worth = sum(line["qty"] * line["rate"] for line in lines)
        if flt(claim.amount_claimed) > flt(worth, 2):
            frappe.throw(_("Claimed Amount ({0}) is more than the whole order is worth ({1})").format(
                fmt_money(claim.amount_claimed), fmt_money(worth)), ClaimLineError, title=_("Check the amounts"))
        return True
    by_id = {line["order_item"]: line for line in lines}
    by_item = {}
    for line in lines:
        by_item.setdefault(line["item_code"], line)
    requests = []
    for row in claim.items:
        if not row.order_item and row.item in by_item:
            # A row typed by item code (REST, import): the order's first line of that item.
            row.order_item = by_item[row.item]["order_item"]
        requests.append(engine.LineRequest(row.order_item or f"?{row.idx}", flt(row.quantity), row.category or None))
    priced = engine.price_claim_lines([line["line"] for line in lines], requests)
    if priced.problems:
        frappe.throw("<br>".join(problem_text(p) for p in priced.problems), ClaimLineError,
                     title=_("Check the order lines"))
    for row, line in zip(claim.items, priced.lines):
        source = by_id[line.line_id]
        row.item = source["item_code"] or source["item_name"]
        row.rate = float(line.rate)
        row.amount = float(line.amount)
    claim.amount_claimed = float(priced.total)
    if not claim.category:
        category = CLAIM_CATEGORY_OF_LINE.get(claim.items[0].category)
        if category and frappe.db.exists("Claim Category", category):
            claim.category = category
    return True


@frappe.whitelist()
@validate_arguments
def lines_to_claim(order: str, claim: str | None = None) -> dict:
    """For the claim form's "Pick Order Lines": the order's lines with what is left to claim of each,
    as the caller may see the order."""
    from support_hub.claims.ticket_link import order_doctype

    doctype = order_doctype()
    if not has_lines(doctype):
        return {"doctype": doctype, "lines": []}
    frappe.get_doc(doctype, order).check_permission("read")
    lines = order_lines(doctype, order, claim)
    for line in lines:
        line.pop("line")
        line["rate_formatted"] = fmt_money(line["rate"])
    return {"doctype": doctype, "lines": lines, "categories": list(engine.LINE_CATEGORIES)}
