"""Who is this? An incoming email, phone number or Telegram account finds its Contact, and through
the Contact's links its Customer. An unknown sender gets a new Contact, so the customer card builds
itself as tickets come in.

Which contact owns an address, and which customer it belongs to, is the engine's decision
(engine.identity.match_contact and customer_of); this module loads the candidates for it with
set-based queries: the contacts holding the address, their stored addresses of that kind and their
links. Phones are stored on Contact Phone as people type them; a normalised copy (E.164, in the
custom field `support_phone_key`, filled on every Contact save) makes that lookup one indexed query.
"""

from __future__ import annotations

import frappe

from support_hub.engine import identity


def customer_doctype() -> str | None:
    doctype = frappe.db.get_single_value("Support Hub Settings", "customer_doctype") or "Customer"
    return doctype if frappe.db.exists("DocType", doctype, cache=True) else None  # once per request or job


def fill_phone_keys(contact, method=None) -> None:
    """Contact validate hook: keep each phone's normalised key next to what was typed."""
    for row in contact.get("phone_nos") or []:
        row.support_phone_key = identity.normalize_phone(row.phone)


# Where each kind of address is stored: (doctype, the field looked up, the field as people typed it,
# the field naming the contact).
_ADDRESS_COLUMNS = {
    identity.EMAIL: ("Contact Email", "email_id", "email_id", "parent"),
    identity.PHONE: ("Contact Phone", "support_phone_key", "phone", "parent"),
    identity.TELEGRAM: ("Contact", "support_telegram_id", "support_telegram_id", "name"),
}
_RECORD_FIELD = {identity.EMAIL: "emails", identity.PHONE: "phones", identity.TELEGRAM: "telegram_ids"}


def _stored_forms(kind: str, address: str) -> list[str]:
    # Telegram ids typed by hand may carry the "tg:" prefix that classify_sender accepts.
    return [address, f"tg:{address}"] if kind == identity.TELEGRAM else [address]


def candidates(kind: str, address: str) -> list[identity.ContactRecord]:
    """Every contact holding `address` (normalized), oldest first, as the engine sees contacts."""
    if kind not in _ADDRESS_COLUMNS:
        return []
    doctype, field, typed, owner = _ADDRESS_COLUMNS[kind]
    table, contact = frappe.qb.DocType(doctype), frappe.qb.DocType("Contact")
    query = frappe.qb.from_(table).select(table[owner]).distinct().where(table[field].isin(_stored_forms(kind, address)))
    if doctype != "Contact":
        query = (query.join(contact).on(contact.name == table.parent)
                 .where(table.parenttype == "Contact").select(contact.creation).orderby(contact.creation))
    else:
        query = query.select(table.creation).orderby(table.creation)
    names = [row[0] for row in query.run()]
    if not names:
        return []
    # The query builder, not get_all: these run for every incoming message, and get_all's filter
    # parsing (sqlparse per column) cost more than the indexed reads themselves.
    stored: dict[str, list[str]] = {}
    rows = frappe.qb.from_(table).select(table[owner], table[typed]).where(table[owner].isin(names))
    if doctype != "Contact":
        rows = rows.where(table.parenttype == "Contact").orderby(table.idx)
    else:
        rows = rows.orderby(table.creation)
    for name, address in rows.run():
        stored.setdefault(name, []).append(address)
    links: dict[str, list[tuple[str, str]]] = {}
    link = frappe.qb.DocType("Dynamic Link")
    for parent, link_doctype, link_name in (
        frappe.qb.from_(link).select(link.parent, link.link_doctype, link.link_name)
        .where((link.parenttype == "Contact") & link.parent.isin(names)).orderby(link.idx).run()
    ):
        links.setdefault(parent, []).append((link_doctype, link_name))
    return [
        identity.ContactRecord(name, links=tuple(links.get(name, ())), **{_RECORD_FIELD[kind]: tuple(stored.get(name, ()))})
        for name in names
    ]


def match(kind: str, address: str) -> identity.ContactRecord | None:
    """The contact the engine picks for this address among those that hold it."""
    return identity.match_contact(kind, address, candidates(kind, address))


def find_contact(kind: str, address: str) -> str | None:
    record = match(kind, address)
    return record.name if record else None


def contact_first_name(kind: str, address: str, display_name: str | None = None) -> str:
    """A new sender's contact is named by what they call themselves, else their address (its local part)."""
    name = (display_name or "").strip() or (address.split("@")[0] if kind == identity.EMAIL else address)
    return name[:100]


def create_contact(kind: str, address: str, display_name: str | None = None) -> str:
    contact = frappe.get_doc({"doctype": "Contact", "first_name": contact_first_name(kind, address, display_name)})
    if kind == identity.EMAIL:
        contact.append("email_ids", {"email_id": address, "is_primary": 1})
    elif kind == identity.PHONE:
        contact.append("phone_nos", {"phone": address, "is_primary_phone": 1})
    else:
        contact.support_telegram_id = address
    return contact.insert(ignore_permissions=True).name


def identify(ticket) -> None:
    """Ticket before_insert: contact and customer from raised_by, creating the contact if new."""
    if ticket.contact and ticket.customer:
        return
    sender = identity.classify_sender(ticket.raised_by) if ticket.raised_by else None
    if sender is None:
        return
    ticket.raised_by = _display_address(sender)
    record = match(sender.kind, sender.address) if not ticket.contact else _record_of(ticket.contact)
    if record is None:
        # A new sender has no customer yet, so nothing downstream waits for the contact: the intake
        # job creates it after the ticket is committed, which keeps intake fast.
        ticket.flags.new_contact = (sender.kind, sender.address, ticket.flags.sender_name)
        return
    ticket.contact = record.name
    doctype = customer_doctype()
    name = identity.customer_of(record, doctype) if doctype and not ticket.customer else None
    if name:
        ticket.customer_type, ticket.customer = doctype, name


def _record_of(contact: str) -> identity.ContactRecord:
    """A contact given on the ticket, with its links, so the engine can name its customer."""
    links = frappe.get_all("Dynamic Link", filters={"parenttype": "Contact", "parent": contact},
                           fields=["link_doctype", "link_name"], order_by="idx asc", as_list=True)
    return identity.ContactRecord(contact, links=tuple(tuple(link) for link in links))


def _display_address(sender) -> str:
    return f"tg:{sender.address}" if sender.kind == identity.TELEGRAM else sender.address


class ContactRaced(Exception):
    """Another job inserted a contact of the same name at the same moment (two tickets from one new
    sender, drained by two workers): the intake of this ticket is tried again on a fresh snapshot,
    where it finds that contact instead of making a second one."""


def create_contact_for(ticket_name: str, kind: str, address: str, display_name: str | None) -> str:
    """Intake job: the new sender's contact, linked to their ticket (found again if it appeared meanwhile)."""
    contact = find_contact(kind, address)
    if not contact:
        try:
            contact = create_contact(kind, address, display_name)
        except frappe.DuplicateEntryError as raced:
            raise ContactRaced(address) from raced
    frappe.db.set_value("Ticket", ticket_name, "contact", contact, update_modified=False)
    return contact
