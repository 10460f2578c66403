"""Who is this? An incoming email, phone number or Telegram account finds its Contact, and through
the Contact's links its Customer. An unknown sender gets a new Contact, so the customer card builds
itself as tickets come in.

Phones are stored on Contact Phone as people type them; a normalised copy (E.164, in the custom
field `support_phone_key`, filled on every Contact save) makes the lookup one indexed query.
"""

from __future__ import annotations

import frappe

from support_hub.engine import identity


def customer_doctype() -> str | None:
    doctype = frappe.db.get_single_value("Support Hub Settings", "customer_doctype") or "Customer"
    return doctype if frappe.db.exists("DocType", doctype) else None


def fill_phone_keys(contact, method=None) -> None:
    """Contact validate hook: keep each phone's normalised key next to what was typed."""
    for row in contact.get("phone_nos") or []:
        row.support_phone_key = identity.normalize_phone(row.phone)


def find_contact(kind: str, address: str) -> str | None:
    if kind == identity.EMAIL:
        return frappe.db.get_value("Contact Email", {"email_id": address, "parenttype": "Contact"}, "parent")
    if kind == identity.PHONE:
        return frappe.db.get_value("Contact Phone", {"support_phone_key": address, "parenttype": "Contact"}, "parent")
    if kind == identity.TELEGRAM:
        return frappe.db.get_value("Contact", {"support_telegram_id": address}, "name")
    return None


def create_contact(kind: str, address: str, display_name: str | None = None) -> str:
    name = (display_name or "").strip() or (address.split("@")[0] if kind == identity.EMAIL else address)
    contact = frappe.get_doc({"doctype": "Contact", "first_name": name[:100]})
    if kind == identity.EMAIL:
        contact.append("email_ids", {"email_id": address, "is_primary": 1})
    elif kind == identity.PHONE:
        contact.append("phone_nos", {"phone": address, "is_primary_phone": 1})
    else:
        contact.support_telegram_id = address
    return contact.insert(ignore_permissions=True).name


def customer_of_contact(contact: str) -> tuple[str | None, str | None]:
    doctype = customer_doctype()
    if not doctype:
        return None, None
    name = frappe.db.get_value(
        "Dynamic Link", {"parenttype": "Contact", "parent": contact, "link_doctype": doctype}, "link_name"
    )
    return (doctype, name) if name else (None, None)


def identify(ticket) -> None:
    """Ticket before_insert: contact and customer from raised_by, creating the contact if new."""
    if ticket.contact and ticket.customer:
        return
    sender = identity.classify_sender(ticket.raised_by) if ticket.raised_by else None
    if sender is None:
        return
    ticket.raised_by = _display_address(sender)
    if not ticket.contact:
        ticket.contact = find_contact(sender.kind, sender.address)
    if not ticket.contact:
        # A new sender has no customer yet, so nothing downstream waits for the contact: the intake
        # job creates it after the ticket is committed, which keeps intake fast.
        ticket.flags.new_contact = (sender.kind, sender.address, ticket.flags.sender_name)
        return
    if not ticket.customer:
        doctype, name = customer_of_contact(ticket.contact)
        if name:
            ticket.customer_type, ticket.customer = doctype, name


def _display_address(sender) -> str:
    return f"tg:{sender.address}" if sender.kind == identity.TELEGRAM else sender.address


def create_contact_for(ticket_name: str, kind: str, address: str, display_name: str | None) -> str:
    """Intake job: the new sender's contact, linked to their ticket (found again if it appeared meanwhile)."""
    contact = find_contact(kind, address) or create_contact(kind, address, display_name)
    frappe.db.set_value("Ticket", ticket_name, "contact", contact, update_modified=False)
    return contact
