"""Planning a Tag Broadcast: who gets a message, on which ticket and channel — one recipient row per
customer, stored before anything is sent so the sending job can be resumed at any point."""

from __future__ import annotations

import frappe
from frappe.utils import now_datetime

from support_hub.engine import broadcast as engine
from support_hub.engine.identity import normalize_email

DONE = ("Resolved", "Closed")


def tagged_tickets(tag: str) -> list[engine.TaggedTicket]:
    """Every ticket carrying `tag`, with its customer and addresses, in three set-based queries."""
    names = frappe.get_all("Tag Link", filters={"document_type": "Ticket", "tag": tag}, pluck="document_name")
    if not names:
        return []
    rows = []
    for i in range(0, len(names), 5000):
        rows += frappe.get_all(
            "Ticket", filters={"name": ["in", names[i : i + 5000]]},
            fields=["name", "customer", "contact", "raised_by", "channel", "telegram_chat_id", "status", "opened_on"],
        )
    contacts = {r.contact for r in rows if r.contact}
    emails, names_by_contact = {}, {}
    if contacts:
        for c in frappe.get_all("Contact", filters={"name": ["in", list(contacts)]},
                                fields=["name", "email_id", "full_name", "support_telegram_id"]):
            emails[c.name] = c.email_id
            names_by_contact[c.name] = c.full_name
    tickets = []
    for r in rows:
        email = normalize_email(r.raised_by) or (emails.get(r.contact) if r.contact else None)
        own = r.telegram_chat_id if r.channel == engine.TELEGRAM else email if r.channel == engine.EMAIL else None
        tickets.append(
            engine.TaggedTicket(
                ticket=r.name,
                customer_key=r.customer or r.contact or None,
                customer_name=r.customer or names_by_contact.get(r.contact) or r.raised_by,
                channel=r.channel or engine.EMAIL,
                contact_address=own,
                status=r.status,
                is_open=r.status not in DONE,
                opened_at=r.opened_on,
                other_addresses={k: v for k, v in ((engine.EMAIL, email), (engine.TELEGRAM, r.telegram_chat_id)) if v},
            )
        )
    return tickets


def plan_only(broadcast) -> engine.Plan:
    """The recipients as they are now, one per customer, without writing anything (the preview)."""
    return engine.plan_recipients(tagged_tickets(broadcast.tag), bool(broadcast.only_open), broadcast.channel_mode)


def plan(broadcast) -> engine.Plan:
    """(Re)write the recipient rows of a broadcast that has not started sending."""
    result = plan_only(broadcast)
    frappe.db.delete("Tag Broadcast Recipient", {"broadcast": broadcast.name})
    now = now_datetime()
    fields = ["name", "creation", "modified", "owner", "modified_by", "broadcast", "state", "customer_key",
              "customer_name", "ticket", "channel", "address", "all_tickets", "dedupe_key"]
    rows = [
        (frappe.generate_hash(length=12), now, now, frappe.session.user, frappe.session.user, broadcast.name, "Pending",
         r.customer_key, (r.customer_name or "")[:140], r.ticket, r.channel, r.address, "\n".join(r.all_tickets),
         engine.dedupe_key(broadcast.name, r.key))
        for r in result.recipients
    ]
    frappe.db.bulk_insert("Tag Broadcast Recipient", fields, rows, chunk_size=2000)
    broadcast.db_set(
        {
            "status": "Planned",
            "total_recipients": len(result.recipients),
            "sent_count": 0,
            "failed_count": 0,
            "skipped_count": len(result.skipped),
            "skipped_reasons": "\n".join(f"{s.ticket}: {s.reason}" for s in result.skipped[:200]),
        }
    )
    return result
