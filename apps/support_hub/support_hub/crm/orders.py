"""The order a ticket is about: which doctype orders are, the customer's recent orders for the agent to
pick from, and the link made at intake when the customer's message names an order of theirs.

One setting, one fallback: Support Hub Settings "Order Doctype", else ERPNext's Sales Order — and
none at all on a site that has neither. The panel, claims and the ticket's Order field all ask
`order_doctype()`; which words of a message name an order is the engine's decision
(engine.order_mentions).
"""

from __future__ import annotations

import frappe
from frappe import _
from frappe.utils import fmt_money, formatdate, getdate

from support_hub.api.arguments import validate_arguments
from support_hub.engine.order_mentions import mentioned_order, number_words

DEFAULT_ORDER_DOCTYPE = "Sales Order"
# The order's fields by role; Support Hub Settings can rename each (order_<role>_field).
DEFAULT_ORDER_FIELDS = {
    "customer": "customer",
    "date": "transaction_date",
    "status": "status",
    "amount": "grand_total",
    "delivered": "per_delivered",
    "billed": "per_billed",
}
OWN_NUMBER_FIELD = "po_no"  # the customer's own order number, where the order doctype has it
RECENT_LIMIT = 20


def order_doctype() -> str | None:
    """The order doctype of this site: the one Support Hub Settings names, else Sales Order; None when
    that doctype is not installed (orders are then typed in as plain text)."""
    name = frappe.db.get_single_value("Support Hub Settings", "order_doctype") or DEFAULT_ORDER_DOCTYPE
    return name if frappe.db.exists("DocType", name, cache=True) else None  # once per request or job


def order_fields() -> frappe._dict:
    """{role: fieldname} of the order doctype, as the settings name them."""
    settings = frappe.get_cached_doc("Support Hub Settings")
    return frappe._dict({role: settings.get(f"order_{role}_field") or default
                         for role, default in DEFAULT_ORDER_FIELDS.items()})


def recent_orders(customer: str, limit: int = RECENT_LIMIT, txt: str | None = None) -> list[frappe._dict]:
    """The customer's latest orders the caller may read, newest first, cancelled ones last:
    name, date, amount, status, cancelled, currency (where the doctype has them)."""
    doctype = order_doctype()
    if not (doctype and customer):
        return []
    meta, fields = frappe.get_meta(doctype), order_fields()
    if not meta.has_field(fields.customer):
        return []
    columns = ["name", "docstatus"]
    for role in ("date", "amount", "status"):
        if meta.has_field(fields[role]):
            columns.append(f"`{fields[role]}` as `{role}`")
    if meta.has_field("currency"):
        columns.append("currency")
    if meta.has_field(OWN_NUMBER_FIELD):
        columns.append(f"`{OWN_NUMBER_FIELD}` as own_number")
    filters = {fields.customer: customer}
    or_filters = None
    if txt:
        or_filters = {"name": ["like", f"%{txt}%"]}
        if meta.has_field(OWN_NUMBER_FIELD):
            or_filters[OWN_NUMBER_FIELD] = ["like", f"%{txt}%"]
    by_date = f"`{fields.date}` desc, " if meta.has_field(fields.date) else ""
    rows = frappe.get_list(doctype, filters=filters, or_filters=or_filters, fields=columns,
                           order_by=f"{by_date}creation desc", limit_page_length=limit)
    for row in rows:
        row.cancelled = row.docstatus == 2
    return sorted(rows, key=lambda r: r.cancelled)  # stable: newest first within each part


def describe(row) -> str:
    """"02.12.2026 · 2 340,00 ₽ · To Deliver" — what the picker shows beside an order's number."""
    parts = []
    if row.get("date"):
        parts.append(formatdate(row.date))
    if row.get("amount") is not None:
        parts.append(fmt_money(row.amount, currency=row.get("currency")))
    status = _(row.status) if row.get("status") else (_("Order cancelled") if row.cancelled else None)
    if status:
        parts.append(status)
    if row.get("own_number"):
        parts.append(_("customer's No. {0}").format(row.own_number))
    return " · ".join(parts)


@frappe.whitelist()
@validate_arguments
def order_query(doctype: str, txt: str, searchfield: str, start: int, page_len: int, filters: dict | str | None = None):
    """The Ticket form's Order field: the ticket customer's recent orders (as the caller may see them)."""
    if isinstance(filters, str):
        filters = frappe.parse_json(filters)
    customer = (filters or {}).get("customer")
    orders_doctype = order_doctype()
    if not orders_doctype or doctype != orders_doctype:
        frappe.throw(_("Orders are {0} on this site").format(orders_doctype or "—"), frappe.ValidationError)
    if not frappe.has_permission(orders_doctype, "read"):
        raise frappe.PermissionError(_("You are not allowed to read {0}").format(_(orders_doctype)))
    if not customer:
        return []
    rows = recent_orders(customer, limit=int(page_len or RECENT_LIMIT), txt=(txt or "").strip() or None)
    return [(row.name, describe(row)) for row in rows]


@frappe.whitelist()
@validate_arguments
def ticket_orders(ticket: str) -> dict:
    """The ticket customer's recent orders for the panel and the order picker."""
    doc = frappe.get_doc("Ticket", ticket)
    doc.check_permission("read")
    doctype = order_doctype()
    if not (doctype and doc.customer and frappe.has_permission(doctype, "read")):
        return {"doctype": doctype, "orders": []}
    rows = recent_orders(doc.customer)
    for row in rows:
        row.description = describe(row)
    return {"doctype": doctype, "orders": rows}


def _text_of(ticket) -> str:
    from frappe.utils import strip_html

    # The first message as it came (mail body, bot text) where the channel keeps it apart.
    parts = [ticket.get("subject"), ticket.get("description"), ticket.flags.get("first_message")]
    return " ".join(strip_html(str(part)) for part in parts if part)


def link_mentioned_order(ticket) -> None:
    """At intake: when the message names one order of the ticket's customer, the ticket links it.
    Read as the system (the sender may be a Guest), but only among that customer's own orders."""
    doctype = order_doctype()
    if ticket.get("order") or not (doctype and ticket.get("customer")):
        return
    words = number_words(_text_of(ticket))
    if not words:
        return
    meta, fields = frappe.get_meta(doctype), order_fields()
    if not meta.has_field(fields.customer):
        return
    own = meta.has_field(OWN_NUMBER_FIELD)
    or_filters = {"name": ["in", words]}
    if own:
        or_filters[OWN_NUMBER_FIELD] = ["in", words]
    candidates = frappe.get_all(
        doctype, filters={fields.customer: ticket.customer, "docstatus": ["<", 2]}, or_filters=or_filters,
        fields=["name", f"`{OWN_NUMBER_FIELD}` as own_number" if own else "name as own_number"], limit=50,
    )
    found = mentioned_order(_text_of(ticket), [(c.name, c.own_number if own else None) for c in candidates])
    if found:
        ticket.order_doctype, ticket.order = doctype, found
        ticket.flags.order_linked_at_intake = True


def set_order_doctype(ticket) -> None:
    """The Order field links to the site's order doctype, whatever a client sent (run before Frappe
    checks the ticket's links, so a ticket can never point its Order at another doctype)."""
    ticket.order_doctype = order_doctype() if ticket.get("order") else None


def check_order(ticket) -> None:
    """Validate: the Order field points at an order of this site's order doctype that belongs to the
    ticket's customer (a ticket without a customer takes the order's); a person may link only an order
    they may read."""
    set_order_doctype(ticket)
    if not ticket.get("order"):
        return
    doctype = ticket.order_doctype
    if not doctype:
        frappe.throw(_("This site has no order doctype (Support Hub Settings: Order Doctype)"))
    before = None if ticket.is_new() else ticket.get_doc_before_save()
    if before is not None and before.get("order") == ticket.order:
        return
    if not frappe.db.exists(doctype, ticket.order):
        frappe.throw(_("{0} {1} does not exist").format(_(doctype), ticket.order), frappe.LinkValidationError)
    if not ticket.flags.order_linked_at_intake and not frappe.has_permission(doctype, "read", doc=ticket.order):
        raise frappe.PermissionError(_("You are not allowed to read {0} {1}").format(_(doctype), ticket.order))
    fields = order_fields()
    if not frappe.get_meta(doctype).has_field(fields.customer):
        return
    owner = frappe.db.get_value(doctype, ticket.order, fields.customer)
    if not ticket.get("customer"):
        from support_hub.crm.identify import customer_doctype

        ticket.customer_type = ticket.get("customer_type") or customer_doctype()
        ticket.customer = owner
    elif owner != ticket.customer:
        frappe.throw(_("{0} {1} is not an order of {2}").format(_(doctype), ticket.order, ticket.customer))


# --- the customer's own view: the web form and the bot offer a signed-in customer their orders ----

OWN_ORDERS_LIMIT = 10
BOT_ORDERS_LIMIT = 5  # buttons in a chat: a few recent orders, not a list to scroll


def customer_of_email(email: str | None) -> str | None:
    """The customer the contact holding this e-mail belongs to (as intake would identify it)."""
    from support_hub.crm.identify import customer_doctype, match
    from support_hub.engine import identity

    address = identity.normalize_email(email or "")
    doctype = customer_doctype()
    record = match(identity.EMAIL, address) if address and doctype else None
    return identity.customer_of(record, doctype) if record else None


def own_orders(customer: str | None, limit: int = OWN_ORDERS_LIMIT) -> list[frappe._dict]:
    """The customer's latest orders that are not cancelled, newest first, each with the label the
    customer sees («Order No. SAL-ORD-2026-00012 of 02.12, 2,340.00 ₽»). Read as the system: the
    customer is the one asking, and only their own orders are read."""
    doctype = order_doctype()
    if not (doctype and customer):
        return []
    meta, fields = frappe.get_meta(doctype), order_fields()
    if not meta.has_field(fields.customer):
        return []
    columns = ["name"]
    for role in ("date", "amount"):
        if meta.has_field(fields[role]):
            columns.append(f"`{fields[role]}` as `{role}`")
    if meta.has_field("currency"):
        columns.append("currency")
    by_date = f"`{fields.date}` desc, " if meta.has_field(fields.date) else ""
    rows = frappe.get_all(doctype, filters={fields.customer: customer, "docstatus": ["<", 2]}, fields=columns,
                          order_by=f"{by_date}creation desc", limit=limit)
    for row in rows:
        row.label = own_order_label(row)
    return rows


def own_order_label(row) -> str:
    parts = [_("Order No. {0}").format(row.name)]
    if row.get("date"):
        parts.append(_("of {0}").format(getdate(row.date).strftime("%d.%m")))
    label = " ".join(parts)
    if row.get("amount") is not None:
        label += ", " + fmt_money(row.amount, precision=0, currency=row.get("currency"))
    return label


def own_order_for_intake(ticket, order: str | None) -> None:
    """The web form's chosen order: only a signed-in customer's own order (403 otherwise, nothing
    written); the ticket then links it as if the message had named it."""
    if not order:
        return
    user = frappe.session.user
    if user == "Guest":
        raise frappe.PermissionError(_("Sign in to choose one of your orders"))
    email = frappe.db.get_value("User", user, "email") or user
    if order not in {row.name for row in own_orders(customer_of_email(email), limit=100)}:
        raise frappe.PermissionError(_("Order {0} is not one of your orders").format(order))
    ticket.order_doctype, ticket.order = order_doctype(), order
    ticket.flags.order_linked_at_intake = True
