"""A decided claim reaches the books: its outcome becomes the ERPNext document that carries it, left as a
DRAFT for the people who post money (submitting stays with the accounts roles).

    Refund        a credit note (Sales Invoice return against the order's invoice: only the claimed lines
                  and quantities) and a refund Payment Entry (Pay to the customer) for the approved amount
    Compensation  a refund Payment Entry for the approved amount
    Replacement   a replacement Sales Order with the claimed lines, free of charge

Made with ERPNext's own mappers (make_sales_return, get_payment_entry, frappe.model.mapper) as the
person who decided, under their own permissions: a Claims Officer may create these drafts, a Support
Manager who decides without that right gets a note on the claim instead, and a Claims Officer makes them
later with "Create ERP Documents". The documents are linked back on the claim (credit_note,
refund_entry, replacement_order: custom fields made where ERPNext is installed) and named in one line
on the ticket's timeline.

Refused, with nothing written (the checks run in Claim.validate, the documents in the same
transaction): refunding more than the customer paid for the order less what was already refunded
(draft refunds included), and crediting quantities the invoice no longer has (returned already).
Never imported at module top level by code that must run without ERPNext; ERPNext is imported inside.
"""

from __future__ import annotations

import frappe
from frappe import _
from frappe.utils import add_days, flt, fmt_money, get_link_to_form, nowdate

from support_hub.api.arguments import validate_arguments
from support_hub.engine import claims as engine

ORDER_DOCTYPE = "Sales Order"
# Claim field -> the ERPNext doctype it links to.
DOCUMENT_FIELDS = {"credit_note": "Sales Invoice", "refund_entry": "Payment Entry", "replacement_order": "Sales Order"}
DECIDED = (engine.APPROVED, engine.COMPENSATED)


class ClaimRefundError(frappe.ValidationError):
    pass


# --- the fields on Claim ----------------------------------------------------------------------------


def ensure_claim_document_fields() -> None:
    """Where ERPNext is installed, the claim links its credit note, refund and replacement order."""
    if not all(frappe.db.exists("DocType", doctype) for doctype in DOCUMENT_FIELDS.values()):
        return
    from frappe.custom.doctype.custom_field.custom_field import create_custom_fields

    common = {"read_only": 1, "no_copy": 1, "fieldtype": "Link"}
    create_custom_fields(
        {
            "Claim": [
                {"fieldname": "erp_documents_section", "label": "In the Books", "fieldtype": "Section Break",
                 "insert_after": "amount_approved",
                 "description": "Drafts made from the decision, for the accountants to post"},
                {"fieldname": "credit_note", "label": "Credit Note", "options": "Sales Invoice",
                 "insert_after": "erp_documents_section", **common},
                {"fieldname": "refund_entry", "label": "Refund Payment", "options": "Payment Entry",
                 "insert_after": "credit_note", **common},
                {"fieldname": "erp_documents_column", "fieldtype": "Column Break", "insert_after": "refund_entry"},
                {"fieldname": "replacement_order", "label": "Replacement Order", "options": "Sales Order",
                 "insert_after": "erp_documents_column", **common},
            ]
        },
        update=True,
    )


def applies(claim) -> bool:
    return (
        claim.order_doctype == ORDER_DOCTYPE
        and bool(claim.order_link)
        and claim.meta.has_field("credit_note")
        and "erpnext" in frappe.get_installed_apps()
    )


def refuse_hand_set_links(claim) -> None:
    """The document links are the system's: a person cannot point a claim at some other invoice."""
    if not claim.meta.has_field("credit_note") or claim.flags.claim_documents:
        return
    before = None if claim.is_new() else claim.get_doc_before_save()
    changed = [f for f in DOCUMENT_FIELDS if (claim.get(f) or None) != ((before.get(f) if before else None) or None)]
    if changed:
        labels = ", ".join(_(claim.meta.get_label(f)) for f in changed)
        frappe.throw(_("These fields are kept by the system and cannot be set by hand: {0}.").format(labels),
                     frappe.PermissionError, title=_("Not permitted"))


# --- what the order has in the books ----------------------------------------------------------------


def order_invoices(order: str) -> list[str]:
    """Submitted invoices (not credit notes) that bill lines of the order, oldest first."""
    return frappe.get_all(
        "Sales Invoice",
        filters=[
            ["Sales Invoice", "docstatus", "=", 1],
            ["Sales Invoice", "is_return", "=", 0],
            ["Sales Invoice Item", "sales_order", "=", order],
        ],
        pluck="name",
        order_by="posting_date asc, creation asc",
        distinct=True,
    )


def credit_notes(invoices: list[str]) -> list[str]:
    if not invoices:
        return []
    return frappe.get_all(
        "Sales Invoice",
        filters={"is_return": 1, "return_against": ["in", invoices], "docstatus": ["<", 2]},
        pluck="name",
    )


def paid_for_order(order: str) -> float:
    """What the customer paid for the order: submitted receipts allocated to the order (advances) or to
    its invoices, plus what was paid at the till on a POS invoice."""
    invoices = order_invoices(order)
    paid = 0.0
    for doctype, names in ((ORDER_DOCTYPE, [order]), ("Sales Invoice", invoices)):
        if not names:
            continue
        rows = frappe.get_all(
            "Payment Entry",
            filters=[
                ["Payment Entry", "docstatus", "=", 1],
                ["Payment Entry", "payment_type", "=", "Receive"],
                ["Payment Entry Reference", "reference_doctype", "=", doctype],
                ["Payment Entry Reference", "reference_name", "in", names],
            ],
            fields=["sum(`tabPayment Entry Reference`.allocated_amount) as paid"],
        )
        paid += flt(rows[0].paid) if rows else 0
    if invoices:
        paid += sum(
            flt(v) for v in frappe.get_all("Sales Invoice", filters={"name": ["in", invoices], "is_pos": 1},
                                           pluck="paid_amount")
        )
    return paid


def refunded_for_order(order: str, except_claim: str | None = None) -> float:
    """What was paid back for the order, or is waiting in a draft to be: payments out against its credit
    notes, and the refund payments of claims on it."""
    entries = set()
    notes = credit_notes(order_invoices(order))
    if notes:
        entries.update(
            frappe.get_all(
                "Payment Entry",
                filters=[
                    ["Payment Entry", "docstatus", "<", 2],
                    ["Payment Entry", "payment_type", "=", "Pay"],
                    ["Payment Entry Reference", "reference_doctype", "=", "Sales Invoice"],
                    ["Payment Entry Reference", "reference_name", "in", notes],
                ],
                pluck="name",
                distinct=True,
            )
        )
    claim_filters = {"order_doctype": ORDER_DOCTYPE, "order_link": order, "refund_entry": ["is", "set"]}
    if except_claim:
        claim_filters["name"] = ["!=", except_claim]
    entries.update(frappe.get_all("Claim", filters=claim_filters, pluck="refund_entry"))
    if not entries:
        return 0.0
    return sum(
        flt(v)
        for v in frappe.get_all(
            "Payment Entry", filters={"name": ["in", list(entries)], "docstatus": ["<", 2]}, pluck="paid_amount"
        )
    )


# --- what the decision needs --------------------------------------------------------------------------


def wanted(claim) -> list[str]:
    """The claim fields whose documents the decision calls for and that do not exist yet."""
    if not applies(claim) or claim.status not in DECIDED:
        return []
    fields = []
    if claim.resolution == engine.REFUND:
        if claim.items and order_invoices(claim.order_link):
            fields.append("credit_note")
        fields.append("refund_entry")
    elif claim.resolution == engine.COMPENSATION:
        fields.append("refund_entry")
    elif claim.resolution == engine.REPLACEMENT:
        fields.append("replacement_order")
    return [f for f in fields if not claim.get(f)]


def check_decision(claim) -> None:
    """Before the save: a decision whose documents cannot be right is refused, so nothing is written."""
    needed = wanted(claim)
    if "refund_entry" in needed:
        paid = paid_for_order(claim.order_link)
        refunded = refunded_for_order(claim.order_link, except_claim=claim.name)
        problem = engine.refund_problem(flt(claim.amount_approved), paid, refunded)
        if problem:
            frappe.throw(refund_problem_text(problem, claim.order_link), ClaimRefundError,
                         title=_("Refund not allowed"))
    if ("replacement_order" in needed or "credit_note" in needed) and not any(r.order_item for r in claim.items):
        frappe.throw(_("Pick the order lines this decision is about (Order Lines) first"), ClaimRefundError,
                     title=_("Check the order lines"))


def refund_problem_text(problem: engine.RefundProblem, order: str) -> str:
    if problem.kind == engine.NO_AMOUNT:
        return _("A refund needs an Approved Amount above zero")
    if problem.kind == engine.OVER_CLAIM:
        return _("A refund of {0} is more than the claim's Approved Amount {1}").format(
            fmt_money(problem.amount), fmt_money(problem.limit))
    return _("A refund of {0} is more than the customer paid for order {1}: paid {2}, refunded already {3}, at most {4} can be refunded").format(  # noqa: E501  (one literal: the translation key)
        fmt_money(problem.amount), order, fmt_money(problem.paid), fmt_money(problem.refunded), fmt_money(problem.limit)
    )


# --- making the drafts ------------------------------------------------------------------------------


def _claimed_qty(claim) -> dict[str, float]:
    return {row.order_item: flt(row.quantity) for row in claim.items if row.order_item}


def make_credit_note(claim):
    """A draft return against the order's invoice with only the claimed lines and quantities."""
    from erpnext.accounts.doctype.sales_invoice.sales_invoice import make_sales_return

    claimed = _claimed_qty(claim)
    invoice = _invoice_for_lines(claim.order_link, list(claimed))
    note = make_sales_return(invoice)
    # What the invoice still has of each line once its submitted returns are counted (the mapper's
    # own negative quantities), against what the claim asks: more is refused, row by row.
    lines, requests, keep = [], [], []
    for row in note.items:
        if row.so_detail in claimed:
            lines.append(engine.OrderLine(row.so_detail, row.item_code, abs(flt(row.qty)), flt(row.rate)))
    for idx, (line_id, qty) in enumerate(claimed.items(), start=1):
        requests.append(engine.LineRequest(line_id, qty, engine.LINE_MISSING))
    priced = engine.price_claim_lines(lines, requests)
    if priced.problems:
        from support_hub.claims.order_lines import problem_text

        frappe.throw(
            _("Invoice {0} cannot be credited for these lines:").format(invoice) + "<br>"
            + "<br>".join(problem_text(p) for p in priced.problems),
            ClaimRefundError, title=_("Already returned"),
        )
    for row in note.items:
        if row.so_detail in claimed:
            row.qty = -claimed[row.so_detail]
            row.stock_qty = row.qty * flt(row.conversion_factor or 1)
            keep.append(row)
    note.set("items", keep)
    for idx, row in enumerate(note.items, start=1):
        row.idx = idx
    note.update_stock = 0
    note.remarks = _("Credit note for claim {0}").format(claim.name)
    note.insert()
    return note


def _invoice_for_lines(order: str, line_ids: list[str]) -> str:
    rows = frappe.get_all(
        "Sales Invoice",
        filters=[
            ["Sales Invoice", "docstatus", "=", 1],
            ["Sales Invoice", "is_return", "=", 0],
            ["Sales Invoice Item", "so_detail", "in", line_ids],
        ],
        fields=["name", "`tabSales Invoice Item`.so_detail as line"],
        order_by="posting_date asc",
    )
    invoices = {row.name for row in rows}
    billed = {row.line for row in rows}
    if not invoices or billed != set(line_ids):
        missing = set(line_ids) - billed
        items = frappe.get_all("Sales Order Item", filters={"name": ["in", list(missing)]}, pluck="item_code")
        frappe.throw(_("These lines of order {0} are not invoiced, so there is nothing to credit: {1}").format(
            order, ", ".join(items)), ClaimRefundError, title=_("Not invoiced"))
    if len(invoices) > 1:
        frappe.throw(_("The claimed lines are billed on several invoices ({0}): make one claim per invoice").format(
            ", ".join(sorted(invoices))), ClaimRefundError, title=_("Several invoices"))
    return invoices.pop()


def make_refund_entry(claim):
    """A draft Payment Entry paying the approved amount back to the customer: against the claim's credit
    note once it is posted (ERPNext's get_payment_entry), otherwise against the customer."""
    from erpnext.accounts.doctype.payment_entry.payment_entry import get_payment_entry

    amount = flt(claim.amount_approved)
    note = claim.get("credit_note")
    if note and frappe.db.get_value("Sales Invoice", note, "docstatus") == 1 and flt(
        frappe.db.get_value("Sales Invoice", note, "outstanding_amount")) < 0:
        entry = get_payment_entry("Sales Invoice", note)
        if flt(entry.paid_amount) > amount:
            entry.paid_amount = entry.received_amount = amount
            for ref in entry.references:
                ref.allocated_amount = min(flt(ref.allocated_amount), amount)
    else:
        entry = _payment_to_customer(claim, amount)
    entry.reference_no = claim.name
    entry.reference_date = nowdate()
    entry.remarks = _("Refund for claim {0} on order {1}").format(claim.name, claim.order_link)
    entry.insert()
    return entry


def _payment_to_customer(claim, amount: float):
    from erpnext.accounts.party import get_party_account

    order = frappe.db.get_value(ORDER_DOCTYPE, claim.order_link, ["company", "customer"], as_dict=True)
    bank = _pay_from_account(order.company)
    receivable = get_party_account("Customer", order.customer, order.company)
    entry = frappe.new_doc("Payment Entry")
    entry.update({
        "payment_type": "Pay",
        "company": order.company,
        "posting_date": nowdate(),
        "party_type": "Customer",
        "party": order.customer,
        "paid_from": bank.account,
        "paid_from_account_currency": bank.account_currency,
        "paid_to": receivable,
        "paid_to_account_currency": frappe.get_cached_value("Account", receivable, "account_currency"),
        "paid_amount": amount,
        "received_amount": amount,
    })
    entry.setup_party_account_field()
    entry.set_missing_values()
    return entry


def _pay_from_account(company: str) -> frappe._dict:
    """The account a refund is paid from: the company's default bank account, else its default cash
    account, else its only bank or cash account (ERPNext's own rule in get_default_bank_cash_account,
    without the balance lookup that needs read access to the chart of accounts)."""
    defaults = frappe.get_cached_value("Company", company, ["default_bank_account", "default_cash_account"], as_dict=True)
    account = defaults.default_bank_account or defaults.default_cash_account
    if not account:
        for account_type in ("Bank", "Cash"):
            found = frappe.get_all("Account", filters={"company": company, "account_type": account_type, "is_group": 0},
                                   pluck="name", limit=2)
            if len(found) == 1:
                account = found[0]
                break
    if not account:
        frappe.throw(_("Company {0} has no default bank or cash account to pay the refund from").format(company),
                     ClaimRefundError)
    return frappe._dict(account=account, account_currency=frappe.get_cached_value("Account", account, "account_currency"))


def make_replacement_order(claim):
    """A draft Sales Order sending the claimed lines again, free of charge (ERPNext's mapper over the
    original order: its customer, address, warehouse and taxes; only the claimed lines)."""
    from frappe.model.mapper import get_mapped_doc

    claimed = _claimed_qty(claim)
    tomorrow = add_days(nowdate(), 1)

    def line(source, target, source_parent):
        target.qty = claimed[source.name]
        target.delivery_date = tomorrow
        target.discount_percentage = 100

    def header(source, target):
        target.transaction_date = nowdate()
        target.delivery_date = tomorrow
        target.po_no = None
        target.po_date = None
        target.set("payment_schedule", [])
        target.run_method("set_missing_values")
        target.run_method("calculate_taxes_and_totals")

    order = get_mapped_doc(
        ORDER_DOCTYPE,
        claim.order_link,
        {
            ORDER_DOCTYPE: {"doctype": ORDER_DOCTYPE, "validation": {"docstatus": ["=", 1]}},
            "Sales Order Item": {
                "doctype": "Sales Order Item",
                "condition": lambda row: row.name in claimed,
                "postprocess": line,
            },
            "Payment Schedule": {"doctype": "Payment Schedule", "condition": lambda row: False},
        },
        None,
        header,
    )
    order.insert()
    return order


MAKERS = {"credit_note": make_credit_note, "refund_entry": make_refund_entry, "replacement_order": make_replacement_order}


def make_documents(claim, fields: list[str]) -> list:
    """Make the drafts for `fields` (in order: a refund follows its credit note), link each back on the
    claim, and say so in one line on the ticket's timeline. Returns the documents made."""
    made = []
    for fieldname in ("credit_note", "refund_entry", "replacement_order"):
        if fieldname not in fields:
            continue
        doc = MAKERS[fieldname](claim)
        claim.db_set(fieldname, doc.name, update_modified=False)
        made.append(doc)
    if made:
        listed = ", ".join(f"{_(d.doctype if d.doctype != 'Sales Invoice' else 'Credit Note')} "
                           f"{get_link_to_form(d.doctype, d.name)} ({fmt_money(abs(flt(d.get('grand_total') or d.get('paid_amount'))))})"
                           for d in made)
        line = _("Claim {0}: drafts for the accountants: {1}").format(get_link_to_form("Claim", claim.name), listed)
        claim.add_comment("Info", line)
        if claim.ticket and frappe.db.exists("Ticket", claim.ticket):
            frappe.get_doc("Ticket", claim.ticket).add_comment("Info", line)
    return made


def creatable(fields: list[str]) -> tuple[list[str], list[str]]:
    """(fields the session user may create documents for, fields they may not)."""
    may, may_not = [], []
    for fieldname in fields:
        (may if frappe.has_permission(DOCUMENT_FIELDS[fieldname], "create") else may_not).append(fieldname)
    return may, may_not


def after_decision(claim, before) -> None:
    """Claim.on_update: the decision's drafts, made as the person who decided."""
    needed = wanted(claim)
    if not needed:
        return
    may, may_not = creatable(needed)
    if may_not:
        if before is None or before.status != claim.status or before.resolution != claim.resolution:
            claim.add_comment("Info", _("Not in the books yet: {0} can be made by a Claims Officer (Create ERP Documents)").format(
                ", ".join(_(DOCUMENT_FIELDS[f]) for f in may_not)))
        return  # a refund must follow its credit note: make all or none
    make_documents(claim, may)


@frappe.whitelist(methods=["POST"])
@validate_arguments
def create_documents(claim: str) -> dict:
    """"Create ERP Documents" on a decided claim: the drafts its decision still lacks."""
    doc = frappe.get_doc("Claim", claim)
    doc.check_permission("write")
    if 1 not in doc.get_permlevel_access("write"):
        frappe.throw(_("Only a Claims Officer or a Support Manager can act on a claim's decision"), frappe.PermissionError)
    needed = wanted(doc)
    if not needed:
        frappe.throw(_("This claim's decision needs no further documents"), ClaimRefundError)
    may, may_not = creatable(needed)
    if may_not:
        frappe.throw(_("You are not allowed to create: {0}").format(", ".join(_(DOCUMENT_FIELDS[f]) for f in may_not)),
                     frappe.PermissionError)
    check_decision(doc)
    made = make_documents(doc, may)
    return {d.doctype: d.name for d in made} | {f: doc.get(f) for f in DOCUMENT_FIELDS}
