"""The customer bot's memory on a Frappe site: bot_flow.BotStore over doctypes.

Telegram Chat keeps each chat's conversation state and account IDs; Telegram Update records the
update ids already handled (a redelivered update is handled once, also when the copies arrive at the
same moment: support_hub.exactly_once); tickets, messages and files are
ordinary Tickets, Communications and Files, so agents see the conversation on the ticket's timeline.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

import frappe
from frappe import _
from frappe.utils import getdate, now_datetime

from support_hub import ratings
from support_hub.crm import identify, orders
from support_hub.crm.identify import customer_doctype
from support_hub.engine import identity
from support_hub.exactly_once import insert_once
from support_hub.integrations.telegram import outbox, site, voice
from support_hub.integrations.telegram.bot_flow import (
    Attachment,
    ChatState,
    OrderChoice,
    Reply,
    TicketSummary,
    reply_markup_json,
)
from support_hub.system_time import to_aware

SUBJECT_LENGTH = 120
CLOSED = ("Closed",)
_EXTENSIONS = {"voice": ".ogg", "audio": ".mp3", "photo": ".jpg", "video": ".mp4", "video_note": ".mp4"}


class FrappeBotStore:
    def __init__(self, conf: frappe._dict | None = None, commit_sends: bool = True):
        self.conf = conf or site.settings()
        # Each send is committed on its own (outbox.send_due): the claim must be seen by other senders.
        self.commit_sends = commit_sends

    # ----- updates and state ------------------------------------------------------------------
    def seen_update(self, update_id: int) -> bool:
        # The first thing an update does: a copy being handled elsewhere makes this wait until it commits.
        return not insert_once("Telegram Update", {"name": str(update_id), "update_id": str(update_id)})

    def _chat(self, chat_id: int):
        name = str(chat_id)
        insert_once("Telegram Chat", {"name": name, "chat_id": name, "state": "{}", "accounts": ""})
        return frappe.get_doc("Telegram Chat", name, for_update=True)

    def get_state(self, chat_id: int) -> ChatState | None:
        raw = frappe.db.get_value("Telegram Chat", str(chat_id), "state")
        return ChatState.from_dict(json.loads(raw)) if raw and raw != "{}" else None

    def set_state(self, chat_id: int, state: ChatState) -> None:
        chat = self._chat(chat_id)
        chat.db_set("state", json.dumps(state.to_dict(), ensure_ascii=False), update_modified=False)

    # ----- accounts ---------------------------------------------------------------------------
    def list_accounts(self, chat_id: int) -> list[str]:
        raw = frappe.db.get_value("Telegram Chat", str(chat_id), "accounts") or ""
        return [line for line in raw.splitlines() if line.strip()]

    def add_account(self, chat_id: int, account_id: str) -> None:
        accounts = self.list_accounts(chat_id)
        if account_id not in accounts:
            self._chat(chat_id).db_set("accounts", "\n".join([*accounts, account_id]), update_modified=False)

    def remove_account(self, chat_id: int, account_id: str) -> None:
        chat = self._chat(chat_id)
        accounts = [a for a in self.list_accounts(chat_id) if a != account_id]
        chat.db_set("accounts", "\n".join(accounts), update_modified=False)
        if chat.active_account == account_id:
            chat.db_set("active_account", None, update_modified=False)

    def active_account(self, chat_id: int) -> str | None:
        return frappe.db.get_value("Telegram Chat", str(chat_id), "active_account") or None

    def set_active_account(self, chat_id: int, account_id: str | None) -> None:
        chat = self._chat(chat_id)
        chat.db_set({"active_account": account_id, "customer_name": self.is_known_account(account_id) if account_id else None},
                    update_modified=False)

    def _customer_doctype(self) -> str | None:
        return customer_doctype()

    def _customer(self, account_id: str) -> str | None:
        doctype = self._customer_doctype()
        if not doctype or not account_id:
            return None
        return frappe.db.get_value(doctype, {self.conf.account_field or "name": account_id}, "name")

    def is_known_account(self, account_id: str) -> str | None:
        name = self._customer(account_id)
        if not name:
            return None
        doctype = self._customer_doctype()
        title_field = frappe.get_meta(doctype).get_title_field()
        return frappe.db.get_value(doctype, name, title_field) or name

    def account_by_phone(self, phone: str) -> str | None:
        # Contacts holding the number (Contact Phone rows, looked up by their E.164 key; Contact's own
        # phone and mobile_no are Frappe's copies of those rows), then their customers' account IDs.
        doctype = self._customer_doctype()
        if not doctype or not phone:
            return None
        accounts = set()
        for record in identify.candidates(identity.PHONE, phone):
            customer = record.name if doctype == "Contact" else identity.customer_of(record, doctype)
            value = customer and frappe.db.get_value(doctype, customer, self.conf.account_field or "name")
            if value:
                accounts.add(value)
        return accounts.pop() if len(accounts) == 1 else None  # one number, several customers: no guessing

    # ----- tickets ----------------------------------------------------------------------------
    def list_topics(self) -> list[str]:
        return frappe.get_all("Ticket Topic", filters={"enabled": 1}, pluck="name", order_by="topic_name asc")

    def create_ticket(self, chat_id: int, account_id: str, topic: str | None, text: str,
                      attachments: Sequence[Attachment], message_id: int | None = None,
                      order: str | None = None) -> str:
        first_line = (text or "").strip().splitlines()[0] if (text or "").strip() else (topic or "Telegram")
        ticket = frappe.get_doc(
            {
                "doctype": "Ticket",
                "subject": first_line[:SUBJECT_LENGTH],
                "description": frappe.utils.escape_html(text or ""),
                "channel": "Telegram",
                "topic": topic,
                "raised_by": f"tg:{chat_id}",
                "telegram_chat_id": str(chat_id),
                "customer_type": self._customer_doctype() if self._customer(account_id) else None,
                "customer": self._customer(account_id),
            }
        )
        ticket.flags.first_message = text or ""
        if order and order in {o.name for o in orders.own_orders(ticket.customer, limit=100)}:
            # The order the customer picked among their own (a forged button names nobody else's).
            ticket.order_doctype, ticket.order = orders.order_doctype(), order
            ticket.flags.order_linked_at_intake = True
        ticket.insert(ignore_permissions=True)
        self.add_message(ticket.name, text, attachments, message_id)
        return ticket.name

    def recent_orders(self, account_id: str) -> list[OrderChoice]:
        return [OrderChoice(row.name, getdate(row.date) if row.get("date") else None, row.get("amount"),
                            row.get("currency"))
                for row in orders.own_orders(self._customer(account_id), limit=orders.BOT_ORDERS_LIMIT)]

    def add_message(self, ticket: str, text: str, attachments: Sequence[Attachment],
                    message_id: int | None = None) -> None:
        chat = frappe.db.get_value("Ticket", ticket, "telegram_chat_id")
        communication = self._received(ticket, _html(text) or "&nbsp;", has_attachment=1 if attachments else 0,
                                       message_id=_message_key(chat, message_id) if message_id else None)
        for number, attachment in enumerate(attachments, start=1):
            saved = self._save_file(ticket, communication.name, attachment, number)
            if saved and attachment.kind in voice.SPOKEN:
                state = self.get_state(int(chat)) if chat else None
                voice.queue_transcription(ticket, communication.name, saved, state.lang if state else None)

    def record_edit(self, chat_id: int, message_id: int, text: str) -> str | None:
        original = frappe.db.get_value(
            "Communication", {"message_id": _message_key(chat_id, message_id), "reference_doctype": "Ticket"},
            ["name", "reference_name"], as_dict=True, order_by="creation asc",
        )
        if not original:
            return None
        # A new message on the timeline, linked to the one it corrects: agents see what changed and when,
        # and the original stays as the customer first sent it.
        self._received(original.reference_name, "✏️ " + _("edited: {0}").format(_html(text)),
                       in_reply_to=original.name)
        return original.reference_name

    def _received(self, ticket: str, content: str, **fields):
        chat = frappe.db.get_value("Ticket", ticket, "telegram_chat_id")
        customer = frappe.db.get_value("Telegram Chat", chat, "customer_name") if chat else None
        return frappe.get_doc(
            {
                "doctype": "Communication",
                "communication_type": "Communication",
                "communication_medium": "Chat",
                "sent_or_received": "Received",
                "sender_full_name": customer or f"Telegram {chat}",
                "subject": frappe.db.get_value("Ticket", ticket, "subject"),
                "content": content,
                "reference_doctype": "Ticket",
                "reference_name": ticket,
                "communication_date": now_datetime(),
                **fields,
            }
        ).insert(ignore_permissions=True)

    def _save_file(self, ticket: str, communication: str, attachment: Attachment, number: int) -> str | None:
        """The File's name, or None when there were no bytes to keep."""
        if attachment.content is None:
            return None  # too large or not fetched: the flow already told the customer
        name = attachment.file_name or f"{attachment.kind}-{communication}-{number}{_EXTENSIONS.get(attachment.kind, '')}"
        return frappe.get_doc(
            {
                "doctype": "File",
                "file_name": name,
                "attached_to_doctype": "Ticket",
                "attached_to_name": ticket,
                "content": bytes(attachment.content),
                "is_private": 1,
            }
        ).insert(ignore_permissions=True).name

    def open_tickets(self, chat_id: int) -> list[TicketSummary]:
        rows = frappe.get_all(
            "Ticket", filters={"telegram_chat_id": str(chat_id), "status": ["not in", CLOSED]},
            fields=["name", "subject", "status", "resolved_on"], order_by="creation desc", limit=20,
        )
        return [TicketSummary(r.name, r.subject, r.status, to_aware(r.resolved_on)) for r in rows]

    def ticket_of_chat(self, chat_id: int) -> str | None:
        rows = self.open_tickets(chat_id)
        return rows[0].number if rows else None

    def record_rating(self, ticket: str, rating: str, comment: str | None) -> bool:
        # The one writer of ratings (support_hub.ratings), like every other channel.
        if comment is not None:
            ratings.add_rating_comment(ticket, comment, channel="Telegram")
            return True
        try:
            ratings.record_rating(ticket, rating, channel="Telegram")
        except ratings.AlreadyRated:
            frappe.clear_last_message()
            return False
        return True


    # ----- replies: the Telegram Outbox, shared with agents' replies and alerts ----------------------
    def queue_replies(self, update_id: int, replies: Sequence[Reply]) -> list[str]:
        queued = []
        for number, reply in enumerate(replies):
            row = outbox.queue(f"bot-reply|{update_id}|{number}", reply.chat_id, reply.text, "Bot Reply",
                               reply_markup=reply_markup_json(reply))
            if row:
                queued.append(row)
        return queued

    def send_replies(self, chat_id: int) -> float | None:
        outbox.send_due(chat_id=chat_id, commit=self.commit_sends)
        return outbox.next_wait(chat_id)


def _html(text: str | None) -> str:
    return frappe.utils.escape_html(text or "").replace("\n", "<br>")


def _message_key(chat, message_id) -> str:
    """What a customer's Telegram message is known by on its Communication (message_id, which e-mail
    fills with a Message-ID): Telegram's message ids count per chat."""
    return f"telegram:{chat}:{message_id}"
