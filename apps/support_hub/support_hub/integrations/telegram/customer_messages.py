"""Messages from the desk to a Telegram customer: agents' replies, auto-replies, ladder steps and the
rating request. Each one lands on the ticket as a Communication and goes out through the outbox."""

from __future__ import annotations

import frappe
from frappe.core.utils import html2text

from support_hub.engine.message_split import split_message
from support_hub.integrations.telegram import outbox
from support_hub.integrations.telegram.bot_flow import inline_keyboard, rating_request
from support_hub.integrations.telegram.customer_store import FrappeBotStore


def telegram_texts(html: str) -> list[str]:
    """Desk HTML as the plain text Telegram shows, in messages Telegram accepts (over 4,096 characters
    it is cut at paragraphs, then sentences); each escaped for its HTML parse mode. Cut before
    escaping: Telegram counts the characters after parsing, so "&lt;" is one."""
    return [frappe.utils.escape_html(part) for part in split_message(html2text(html or "").strip())]


def send_to_customer(ticket, subject: str, html: str, communication_type: str = "Automated Message",
                     address: str | None = None) -> str | None:
    """channels' sender for Telegram tickets."""
    chat = address or ticket.telegram_chat_id
    if not chat:
        return None
    communication = frappe.get_doc(
        {
            "doctype": "Communication",
            "communication_type": communication_type,
            "communication_medium": "Chat",
            "sent_or_received": "Sent",
            "sender": frappe.db.get_value("User", frappe.session.user, "email") or None,
            "subject": subject,
            "content": html,
            "reference_doctype": "Ticket",
            "reference_name": ticket.name,
        }
    ).insert(ignore_permissions=True)
    # One Communication on the ticket, as many outbox rows as messages: queued in order, sent in order.
    for number, text in enumerate(telegram_texts(html)):
        key = f"communication|{communication.name}" + (f"|{number + 1}" if number else "")
        outbox.queue(key, chat, text, "Customer Message", ("Ticket", ticket.name))
    return communication.name


def send_rating_request(ticket) -> None:
    """The bot's rating request with three emoji (support_hub.ratings.request_rating decides when)."""
    store = FrappeBotStore()
    reply = rating_request(store, int(ticket.telegram_chat_id), ticket.name)
    outbox.queue(f"rating-request|{ticket.name}", ticket.telegram_chat_id, reply.text, "Rating Request",
                 ("Ticket", ticket.name), reply_markup=inline_keyboard(reply.buttons))
