"""Whitelisted Telegram endpoints."""

from __future__ import annotations

import frappe
from frappe import _

from support_hub.api.arguments import validate_arguments


@frappe.whitelist(allow_guest=True, methods=["POST"])
@validate_arguments
def webhook() -> dict:
    """Telegram calls this; its X-Telegram-Bot-Api-Secret-Token header is the only credential."""
    from support_hub.integrations.telegram.webhook import receive

    body = frappe.request.get_data() if frappe.request else b""
    return receive(body, frappe.get_request_header("X-Telegram-Bot-Api-Secret-Token"))


@frappe.whitelist(methods=["POST"])
@validate_arguments
def reply(ticket: str, message: str) -> str:
    """An agent's reply on a Telegram ticket, delivered to the customer's chat."""
    from support_hub.integrations.telegram.customer_messages import send_to_customer

    doc = frappe.get_doc("Ticket", ticket)
    doc.check_permission("write")
    if doc.channel != "Telegram" or not doc.telegram_chat_id:
        frappe.throw(_("This ticket did not come from Telegram."))
    if not (message or "").strip():
        frappe.throw(_("Write a message first."))
    html = frappe.utils.escape_html(message.strip()).replace("\n", "<br>")
    return send_to_customer(doc, _("Re: {0} [{1}]").format(doc.subject, doc.name), html,
                            communication_type="Communication")
