"""The ticket's conversation as the agent reads it on the form, oldest first: the description as the
customer's first message, then every message received and sent (e-mail, Telegram, phone notes) and the
team's internal notes; and the one reply path from the form's reply box, by the ticket's channel.

Content comes from customers and other systems: it is sanitized here before the desk shows it.
"""

from __future__ import annotations

import frappe
from frappe import _
from frappe.utils.html_utils import sanitize_html

MESSAGE_LIMIT = 200


def _attachments(communications: list[str]) -> dict[str, list[dict]]:
    if not communications:
        return {}
    files = frappe.get_all(
        "File",
        filters={"attached_to_doctype": "Communication", "attached_to_name": ["in", communications]},
        fields=["attached_to_name", "file_url", "file_name"],
    )
    found: dict[str, list[dict]] = {}
    for f in files:
        found.setdefault(f.attached_to_name, []).append({"url": f.file_url, "name": f.file_name or f.file_url})
    return found


def thread(ticket_name: str) -> dict:
    ticket = frappe.get_doc("Ticket", ticket_name)
    ticket.check_permission("read")
    items = []
    if ticket.description:
        items.append({
            "kind": "message", "direction": "in", "first": True,
            "author": ticket.raised_by or ticket.contact or ticket.owner,
            "at": str(ticket.opened_on or ticket.creation),
            "content": sanitize_html(ticket.description),
            "medium": ticket.channel,
        })
    communications = frappe.get_all(
        "Communication",
        filters={"reference_doctype": "Ticket", "reference_name": ticket.name,
                 "communication_type": ["in", ["Communication", "Automated Message"]]},
        fields=["name", "communication_type", "communication_medium", "sent_or_received", "sender",
                "sender_full_name", "content", "communication_date", "creation"],
        order_by="communication_date desc, creation desc",
        limit_page_length=MESSAGE_LIMIT,
    )
    files = _attachments([c.name for c in communications])
    for c in communications:
        items.append({
            "kind": "auto" if c.communication_type == "Automated Message" else "message",
            "direction": "in" if c.sent_or_received == "Received" else "out",
            "author": c.sender_full_name or c.sender or "",
            "at": str(c.communication_date or c.creation),
            "content": sanitize_html(c.content or ""),
            "medium": c.communication_medium,
            "attachments": files.get(c.name, []),
        })
    notes = frappe.get_all(
        "Comment",
        filters={"reference_doctype": "Ticket", "reference_name": ticket.name, "comment_type": "Comment"},
        fields=["content", "comment_email", "comment_by", "creation"],
        order_by="creation desc",
        limit_page_length=MESSAGE_LIMIT,
    )
    for n in notes:
        items.append({
            "kind": "note", "direction": "note", "author": n.comment_by or n.comment_email or "",
            "at": str(n.creation), "content": sanitize_html(n.content or ""),
        })
    # The description is the first message whatever the clock says; the rest in the order they happened.
    first = [i for i in items if i.get("first")]
    rest = sorted((i for i in items if not i.get("first")), key=lambda i: i["at"])
    # Claims raised from the ticket, as far as the reader may see them: the form shows its Connections only then.
    claims = len(frappe.get_list("Claim", filters={"ticket": ticket.name}, pluck="name", limit_page_length=1))
    return {"items": first + rest, "reply": reply_channel(ticket), "can_reply": bool(ticket.has_permission("write")),
            "claims": claims}


def reply_channel(ticket) -> str | None:
    """How the customer is answered from the reply box: Telegram for a Telegram chat, else e-mail
    to the address that raised the ticket; None when there is no way to reach them (notes only)."""
    if ticket.channel == "Telegram" and ticket.telegram_chat_id:
        return "Telegram"
    if ticket.raised_by and frappe.utils.validate_email_address(ticket.raised_by):
        return "Email"
    return None


def reply(ticket_name: str, message: str, note: bool = False) -> dict:
    """The reply box: an internal note, or the answer to the customer on the ticket's channel."""
    ticket = frappe.get_doc("Ticket", ticket_name)
    text = (message or "").strip()
    if not text:
        frappe.throw(_("Write a message first."))
    html = frappe.utils.escape_html(text).replace("\n", "<br>")
    if note:
        ticket.check_permission("read")
        comment = ticket.add_comment("Comment", html, comment_email=frappe.session.user,
                                     comment_by=frappe.utils.get_fullname(frappe.session.user))
        return {"kind": "note", "name": comment.name}
    ticket.check_permission("write")
    channel = reply_channel(ticket)
    subject = _("Re: {0} [{1}]").format(ticket.subject, ticket.name)
    if channel == "Telegram":
        from support_hub.integrations.telegram.customer_messages import send_to_customer

        return {"kind": "Telegram", "name": send_to_customer(ticket, subject, html, communication_type="Communication")}
    if channel == "Email":
        from frappe.core.doctype.communication.email import make

        sent = make(doctype="Ticket", name=ticket.name, content=html, subject=subject, recipients=ticket.raised_by,
                    sent_or_received="Sent", send_email=True)
        return {"kind": "Email", "name": sent["name"]}
    frappe.throw(_("This ticket has no e-mail address or Telegram chat to answer to; add an internal note instead."))
