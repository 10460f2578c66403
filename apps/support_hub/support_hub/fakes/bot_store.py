"""BotStore in dictionaries: the customer bot's memory for tests that run the flow without a site.

State is kept as to_dict() output, as a database would keep it. The site's store is
integrations/telegram/customer_store.FrappeBotStore.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone

from support_hub.engine import outbox as engine
from support_hub.integrations.telegram.bot_flow import Attachment, ChatState, Reply, TicketSummary, reply_markup_json

# As on a site: a Resolved ticket is still the chat's ticket (engine.reopening decides what a message does to it).
CLOSED_STATUSES = frozenset({"Closed"})


@dataclass
class StoredTicket:
    number: str
    chat_id: int
    account_id: str
    topic: str | None
    subject: str
    status: str = "Open"
    resolved_on: datetime | None = None
    messages: list[tuple[str, tuple[Attachment, ...]]] = field(default_factory=list)
    edits: list[tuple[int, str]] = field(default_factory=list)  # (edited message id, new text)
    order: str | None = None


@dataclass
class QueuedReply:
    """An outbox row in memory."""

    item: engine.OutboxItem
    reply_markup: dict | None
    last_error: str = ""


class InMemoryStore:
    """BotStore in dictionaries. State is kept as to_dict() output, as a database would keep it.

    Its outbox keeps rows in a list and decides retries with engine.outbox, as the site's does; it sends
    with `telegram` (a TelegramClient, pointed at the fake Bot API). `policy` shortens the back-off for
    tests that watch a retry happen."""

    def __init__(self, accounts: dict[str, str] | None = None, topics: Sequence[str] = (), telegram=None,
                 policy: engine.RetryPolicy = engine.DEFAULT_POLICY):
        self.known_accounts = dict(accounts or {})  # account id -> customer name
        self.phones: list[tuple[str, str]] = []  # (E.164 phone of a customer's contact, account id)
        self.topics = list(topics)
        self.orders: dict[str, list] = {}  # account id -> its recent orders (bot_flow.OrderChoice), newest first
        self.states: dict[int, dict] = {}
        self.accounts: dict[int, list[str]] = {}
        self.active: dict[int, str | None] = {}
        self.tickets: dict[str, StoredTicket] = {}
        self.ratings: dict[str, tuple[str, str | None]] = {}
        self.seen: set[int] = set()
        self.message_tickets: dict[tuple[int, int], str] = {}  # (chat, Telegram message id) -> ticket
        self._numbers = itertools.count(1)
        self.telegram = telegram
        self.policy = policy
        self.outbox: list[QueuedReply] = []

    def seen_update(self, update_id: int) -> bool:
        if update_id in self.seen:
            return True
        self.seen.add(update_id)
        return False

    def get_state(self, chat_id: int) -> ChatState | None:
        data = self.states.get(chat_id)
        return ChatState.from_dict(data) if data is not None else None

    def set_state(self, chat_id: int, state: ChatState) -> None:
        self.states[chat_id] = state.to_dict()

    def list_accounts(self, chat_id: int) -> list[str]:
        return list(self.accounts.get(chat_id, []))

    def add_account(self, chat_id: int, account_id: str) -> None:
        linked = self.accounts.setdefault(chat_id, [])
        if account_id not in linked:
            linked.append(account_id)

    def remove_account(self, chat_id: int, account_id: str) -> None:
        linked = self.accounts.get(chat_id, [])
        if account_id in linked:
            linked.remove(account_id)
        if self.active.get(chat_id) == account_id:
            self.active[chat_id] = None

    def active_account(self, chat_id: int) -> str | None:
        return self.active.get(chat_id)

    def set_active_account(self, chat_id: int, account_id: str | None) -> None:
        self.active[chat_id] = account_id

    def is_known_account(self, account_id: str) -> str | None:
        return self.known_accounts.get(account_id)

    def account_by_phone(self, phone: str) -> str | None:
        accounts = {account for number, account in self.phones if number == phone}
        return accounts.pop() if len(accounts) == 1 else None

    def list_topics(self) -> list[str]:
        return list(self.topics)

    def create_ticket(self, chat_id, account_id, topic, text, attachments, message_id=None, order=None) -> str:
        number = f"TCK-{next(self._numbers):05d}"
        subject = (text.strip().splitlines() or [""])[0][:80] or topic or "Telegram"
        ticket = StoredTicket(number, chat_id, account_id, topic, subject)
        # Like the site: only one of the account's own orders is linked.
        ticket.order = order if order in {o.name for o in self.orders.get(account_id, [])} else None
        ticket.messages.append((text, tuple(attachments)))
        self.tickets[number] = ticket
        if message_id is not None:
            self.message_tickets[(chat_id, message_id)] = number
        return number

    def recent_orders(self, account_id: str) -> list:
        return list(self.orders.get(account_id, []))

    def add_message(self, ticket: str, text: str, attachments, message_id=None) -> None:
        self.tickets[ticket].messages.append((text, tuple(attachments)))
        if message_id is not None:
            self.message_tickets[(self.tickets[ticket].chat_id, message_id)] = ticket

    def record_edit(self, chat_id: int, message_id: int, text: str) -> str | None:
        ticket = self.message_tickets.get((chat_id, message_id))
        if ticket is not None:
            self.tickets[ticket].edits.append((message_id, text))
        return ticket

    def open_tickets(self, chat_id: int) -> list[TicketSummary]:
        mine = [t for t in self.tickets.values() if t.chat_id == chat_id and t.status not in CLOSED_STATUSES]
        return [TicketSummary(t.number, t.subject, t.status, t.resolved_on) for t in reversed(mine)]

    def ticket_of_chat(self, chat_id: int) -> str | None:
        tickets = self.open_tickets(chat_id)
        return tickets[0].number if tickets else None

    def record_rating(self, ticket: str, rating: str, comment: str | None) -> bool:
        if comment is None:
            if ticket in self.ratings:
                return False
            self.ratings[ticket] = (rating, None)
        elif self.ratings.get(ticket, (None, None))[1] is None:
            self.ratings[ticket] = (self.ratings.get(ticket, (rating, None))[0], comment)
        return True

    def queue_replies(self, update_id: int, replies: Sequence[Reply]) -> list[str]:
        keys = {row.item.key for row in self.outbox}
        queued = []
        for number, reply in enumerate(replies):
            key = f"bot-reply|{update_id}|{number}"
            if key not in keys:
                item = engine.OutboxItem(key, reply.chat_id, reply.text, created=_now())
                self.outbox.append(QueuedReply(item, reply_markup_json(reply)))
                queued.append(key)
        return queued

    def queue_message(self, chat_id: int, text: str, key: str) -> None:
        """What the desk does for an agent's reply: a row in the same outbox, behind the bot's."""
        self.outbox.append(QueuedReply(engine.OutboxItem(key, chat_id, text, created=_now()), None))

    def send_replies(self, chat_id: int, now: datetime | None = None) -> float | None:
        if self.telegram is None:
            raise RuntimeError("InMemoryStore(telegram=TelegramClient(...)) is needed to send replies")
        now = now or _now()
        for row in self.queued(chat_id):
            if row.item.next_try is not None and row.item.next_try > now:
                break  # the earliest waits, and so does everything behind it
            result = self.telegram.send_message(chat_id, row.item.text, reply_markup=row.reply_markup)
            update = engine.after_attempt(row.item, result, now, self.policy)
            row.item = replace(row.item, status=update.status, attempts=update.attempts, next_try=update.next_try)
            row.last_error = update.last_error
            if update.status is engine.OutboxStatus.QUEUED:
                break
        waiting = [row.item.next_try or now for row in self.queued(chat_id)]
        return max(0.0, (min(waiting) - now).total_seconds()) if waiting else None

    def queued(self, chat_id: int) -> list[QueuedReply]:
        return [r for r in self.outbox if r.item.chat_id == chat_id and r.item.status is engine.OutboxStatus.QUEUED]

    # test helper: what the desk does when an agent closes a ticket
    def close_ticket(self, ticket: str, status: str = "Closed", resolved_on: datetime | None = None) -> None:
        self.tickets[ticket].status = status
        if status in ("Resolved", "Closed"):
            self.tickets[ticket].resolved_on = resolved_on or datetime.now(timezone.utc)


def _now() -> datetime:
    return datetime.now(timezone.utc)
