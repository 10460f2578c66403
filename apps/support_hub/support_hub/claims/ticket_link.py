"""The claim and its ticket: "Create Claim" on a ticket, the fields a claim takes from its ticket, and
the outcome posted back to the ticket's timeline."""

from __future__ import annotations

import json

import frappe
from frappe import _
from frappe.utils import fmt_money, get_link_to_form

from support_hub.api.arguments import validate_arguments
from support_hub.claims.timing import OUTCOME_STATUSES

# A ticket field naming the order the conversation is about, if the site has one (the first found).
TICKET_ORDER_FIELDS = ("order_reference", "order", "sales_order")
ORDER_CHOICES_LIMIT = 20


def order_doctype() -> str | None:
    """The site's order doctype (None: orders are typed in as plain text) — the one resolution the
    panel and the ticket's Order field use too (crm.orders.order_doctype)."""
    from support_hub.crm.orders import order_doctype as resolve

    return resolve()


def _order_customer_field() -> str:
    if frappe.get_meta("Support Hub Settings").has_field("order_customer_field"):
        return frappe.db.get_single_value("Support Hub Settings", "order_customer_field") or "customer"
    return "customer"


def set_order(claim, order: str | None) -> None:
    """Point the claim at an order: a link when the order doctype exists, else the number as text."""
    if not order:
        return
    claim.order_doctype = claim.order_doctype or order_doctype()
    if claim.order_doctype:
        claim.order_link = order
    claim.order_reference = order


def ticket_agent(ticket) -> str:
    """The agent behind a claim raised from `ticket`: the ticket's (first) assignee, else whoever raises it."""
    assignees = json.loads(ticket.get("_assign") or "[]")
    return assignees[0] if assignees else frappe.session.user


def fill_from_ticket(claim, ticket, overwrite: bool = False) -> None:
    """Customer, contact, order and agent from the ticket; with `overwrite` False only empty fields."""

    def put(fieldname, value):
        if value and (overwrite or not claim.get(fieldname)):
            claim.set(fieldname, value)

    claim.ticket = ticket.name
    put("customer_type", ticket.get("customer_type"))
    put("customer", ticket.get("customer"))
    put("contact", ticket.get("contact"))
    for fieldname in TICKET_ORDER_FIELDS:
        if (
            ticket.meta.has_field(fieldname)
            and ticket.get(fieldname)
            and not (claim.order_link or claim.order_reference)
        ):
            set_order(claim, ticket.get(fieldname))
            break
    if overwrite or not claim.raised_by_agent:
        claim.raised_by_agent = ticket_agent(ticket)


@frappe.whitelist()
@validate_arguments
def make_claim(source_name: str, target_doc=None, order: str | None = None):
    """ "Create Claim" on a ticket: a new, unsaved claim filled from it (frappe.model.open_mapped_doc).
    An order chosen in the button's dialog comes in as `order` (from open_mapped_doc: args.order)."""
    ticket = frappe.get_doc("Ticket", source_name)
    ticket.check_permission("read")
    if not frappe.has_permission("Claim", "create"):
        frappe.throw(_("You are not allowed to create claims"), frappe.PermissionError)
    claim = frappe.new_doc("Claim")
    claim.order_doctype = order_doctype()
    fill_from_ticket(claim, ticket, overwrite=True)
    set_order(claim, order or (frappe.flags.args or {}).get("order"))
    return claim


@frappe.whitelist()
@validate_arguments
def order_choices(ticket: str) -> dict:
    """The ticket customer's latest orders, for the "Create Claim" dialog (as the caller may see them)."""
    doc = frappe.get_doc("Ticket", ticket)
    doc.check_permission("read")
    doctype = order_doctype()
    if not (doctype and doc.customer and frappe.has_permission(doctype, "read")):
        return {"doctype": doctype, "orders": []}
    customer_field = _order_customer_field()
    if not frappe.get_meta(doctype).has_field(customer_field):
        return {"doctype": doctype, "orders": []}
    orders = frappe.get_list(
        doctype,
        filters={customer_field: doc.customer},
        pluck="name",
        order_by="creation desc",
        limit_page_length=ORDER_CHOICES_LIMIT,
    )
    return {"doctype": doctype, "orders": orders}


@frappe.whitelist()
@validate_arguments
def claim_order_doctype() -> str | None:
    """For a new claim form: which doctype the Order field links to (None: a plain order number)."""
    return order_doctype()


def _ticket(claim):
    if not claim.ticket or not frappe.db.exists("Ticket", claim.ticket):
        return None
    return frappe.get_doc("Ticket", claim.ticket)


def note_raised(claim) -> None:
    """After insert: the ticket's timeline says a claim was raised from it."""
    ticket = _ticket(claim)
    if ticket:
        ticket.add_comment("Info", _("Claim {0} raised from this ticket").format(get_link_to_form("Claim", claim.name)))


def outcome_text(claim) -> str:
    resolution = _(claim.resolution) if claim.resolution else "—"
    return _("Claim {0}: {1}. Resolution: {2}. Approved amount: {3}.").format(
        get_link_to_form("Claim", claim.name), _(claim.status), resolution, fmt_money(claim.amount_approved or 0)
    )


def post_outcome(claim, before) -> None:
    """After a save: when the claim reaches an outcome status, the ticket's timeline gets the outcome."""
    if claim.status not in OUTCOME_STATUSES or (before is not None and before.status == claim.status):
        return
    ticket = _ticket(claim)
    if ticket:
        ticket.add_comment("Info", outcome_text(claim))
