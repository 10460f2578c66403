"""The customer panel on the Ticket form: who the customer is, their latest orders from the ERP and
their earlier tickets — one permission-checked call, a few indexed queries. Without a customer (a site
without ERPNext, or a sender not yet tied to one) the card is the contact who wrote: name, e-mail,
phone and Telegram.

Orders come from ERPNext's Sales Order by default; Support Hub Settings can name another order
doctype and its fields, so a site with its own order doctype works too. Orders are read with the
caller's own permissions, so an agent sees exactly the orders ERPNext lets them see.
"""

from __future__ import annotations

import frappe
from frappe.utils import get_datetime

from support_hub.crm.identify import customer_doctype
from support_hub.crm.orders import order_doctype, order_fields

ORDER_LIMIT = 10
TICKET_LIMIT = 20


def order_settings() -> frappe._dict:
    """The order doctype and its fields by setting name (order_doctype None: the site has no orders);
    the doctype comes from the one resolution claims and the ticket share (crm.orders.order_doctype)."""
    fields = order_fields()
    return frappe._dict({"order_doctype": order_doctype(),
                         **{f"order_{role}_field": fieldname for role, fieldname in fields.items()}})


def customer_card(doctype: str, name: str) -> dict:
    """The customer and their contacts as the caller may read them: a role without read on the
    customer sees only its name, without read on Contact no e-mails or phones."""
    meta = frappe.get_meta(doctype)
    wanted = [f for f in ("customer_name", "customer_group", "account_manager", "support_owner", "territory")
              if meta.has_field(f)]
    row = {}
    if wanted and frappe.has_permission(doctype, "read", doc=name):
        row = (frappe.get_list(doctype, filters={"name": name}, fields=wanted, limit_page_length=1) or [{}])[0]
    contact_rows = []
    reads_contacts = frappe.has_permission("Contact", "read")
    if reads_contacts and row:
        # Frappe lets whoever reads the customer read the contacts linked to it (its Contact permission
        # query); asking get_list to work that out reads every DocPerm of the site on each call, most of
        # the panel's time on an ERPNext site, so the linked contacts are read directly.
        contact, link = frappe.qb.DocType("Contact"), frappe.qb.DocType("Dynamic Link")
        contact_rows = (
            frappe.qb.from_(contact).join(link).on(link.parent == contact.name)
            .select(contact.name, contact.full_name, contact.email_id, contact.mobile_no, contact.phone)
            .where((link.parenttype == "Contact") & (link.link_doctype == doctype) & (link.link_name == name))
            .distinct().orderby(contact.name).limit(20).run(as_dict=True)
        )
    elif reads_contacts:  # the customer is not theirs to read: only the contacts Frappe's own rules give them
        contact_rows = frappe.get_list(
            "Contact",
            filters=[["Dynamic Link", "link_doctype", "=", doctype], ["Dynamic Link", "link_name", "=", name]],
            fields=["name", "full_name", "email_id", "mobile_no", "phone"], limit_page_length=20, distinct=True,
        )
    return {"doctype": doctype, "name": name, "title": (row or {}).get("customer_name") or name,
            **(row or {}), "contacts": contact_rows}


def latest_orders(customer: str) -> dict:
    conf = order_settings()
    if not conf.order_doctype:
        return {"doctype": None, "rows": []}
    if not frappe.has_permission(conf.order_doctype, "read"):
        return {"doctype": conf.order_doctype, "rows": [], "restricted": True}
    meta = frappe.get_meta(conf.order_doctype)
    fields = {"name": "name"}
    for key in ("order_date_field", "order_status_field", "order_amount_field", "order_delivered_field",
                "order_billed_field"):
        if meta.has_field(conf[key]):
            fields[key.removeprefix("order_").removesuffix("_field")] = conf[key]
    rows = frappe.get_list(
        conf.order_doctype,
        filters={conf.order_customer_field: customer},
        fields=[f"`{column}` as `{alias}`" if column != alias else column for alias, column in fields.items()],
        order_by=f"`{conf.order_date_field}` desc" if "date" in fields else "creation desc",
        limit_page_length=ORDER_LIMIT,
    )
    return {"doctype": conf.order_doctype, "rows": rows}


def earlier_tickets(ticket) -> list[dict]:
    """The same customer's (else contact's, else sender's) tickets created before this one, newest
    first: the history an agent reads before answering, not what came in since."""
    for fieldname in ("customer", "contact", "raised_by"):
        value = ticket.get(fieldname)
        if value:
            break
    else:
        return []
    rows = frappe.get_list(
        "Ticket",
        filters={fieldname: value, "creation": ["<=", ticket.creation], "name": ["!=", ticket.name]},
        fields=["name", "subject", "status", "sla_status", "opened_on", "priority", "rating", "creation"],
        order_by="creation desc, name desc",
        limit_page_length=TICKET_LIMIT,
    )
    # Two tickets made in the same instant (one import, one burst of mail) are told apart by their
    # number, which the naming series hands out in order.
    created = get_datetime(ticket.creation)
    same_instant_later = {r.name for r in rows if get_datetime(r.creation) == created and r.name > ticket.name}
    return [r for r in rows if r.name not in same_instant_later]


def contact_card(name: str) -> dict | None:
    """Who wrote, for a ticket with no customer: their name, and how to reach them only for a caller
    who may read the Contact."""
    meta = frappe.get_meta("Contact")
    if not frappe.db.exists("Contact", name):
        return None
    if not frappe.has_permission("Contact", "read", doc=name):
        return {"name": name, "full_name": name, "email_id": None, "phone": None, "telegram": None}
    wanted = [f for f in ("full_name", "email_id", "mobile_no", "phone", "support_telegram_id") if meta.has_field(f)]
    row = frappe.get_list("Contact", filters={"name": name}, fields=wanted, limit_page_length=1)[0]
    return {"name": name, "full_name": row.get("full_name") or name, "email_id": row.get("email_id"),
            "phone": row.get("mobile_no") or row.get("phone"), "telegram": row.get("support_telegram_id")}


def linked_order_detail(ticket) -> dict | None:
    """The goods and money of the ticket's order, when the caller may read it (else nothing)."""
    from support_hub.crm.order_detail import order_detail

    if not ticket.get("order"):
        return None
    try:
        return order_detail(ticket.order)
    except (frappe.PermissionError, frappe.DoesNotExistError):
        return None


def panel(ticket_name: str) -> dict:
    ticket = frappe.get_doc("Ticket", ticket_name)
    ticket.check_permission("read")
    data = {"customer": None, "contact": None, "orders": {"doctype": None, "rows": []}, "order_detail": None,
            "tickets": earlier_tickets(ticket)}
    doctype = ticket.customer_type or customer_doctype()
    if ticket.customer and doctype and frappe.db.exists(doctype, ticket.customer):
        data["customer"] = customer_card(doctype, ticket.customer)
        data["orders"] = latest_orders(ticket.customer)
        data["orders"]["linked"] = ticket.get("order")
        data["order_detail"] = linked_order_detail(ticket)
    elif ticket.contact:
        data["contact"] = contact_card(ticket.contact)
    return data
