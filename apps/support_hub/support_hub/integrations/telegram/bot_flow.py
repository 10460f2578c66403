"""The customer-facing Telegram bot as a pure state machine: `handle(store, incoming) -> replies`.

No python-telegram-bot and no Frappe here. A transport (ptb_app.py, or a webhook endpoint) turns a
Telegram update into an `Incoming`, calls `handle`, and sends the `Reply`s. Everything that must last —
chat state, linked accounts, tickets, ratings, seen update ids — goes through a `BotStore`, which the
Frappe side implements with doctypes (customer_store.py) and the tests in memory (fakes/bot_store.py).

The conversation:
  * registration first: the customer taps "Sign in with my phone number" (Telegram's contact-sharing
    button: only their own number counts, matched to a Contact's phone) or sends an account ID (with a
    hint where to find it; also as a /start deep link); until then every message is answered with that
    request and nothing is created;
  * a menu of three: Create ticket, My active tickets, Profile;
  * Create ticket → pick a topic → pick the order it is about from the customer's recent orders (when
    they have any; "not about an order" or simply writing skips it) → the first message opens the
    ticket, and every later message (text, photo, document, voice) is added to it until it is closed;
  * Profile: add / remove / switch account IDs, language, log out;
  * rating: `rating_request` offers 👎 / 😐 / 👍, then the next text becomes an optional comment.
"""

from __future__ import annotations

import html
import zlib
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import date, datetime, timezone
from enum import Enum
from typing import Protocol

from support_hub.engine.alerts import RATING_EMOJI
from support_hub.engine.identity import normalize_phone
from support_hub.engine.reopening import DEFAULT_CHAT_REOPEN_HOURS, ChatRoute, chat_message_route
from support_hub.integrations.telegram.bot_texts import TEXTS

# Telegram's cloud Bot API lets bots download files of at most 20 MB.
MAX_FILE_BYTES = 20 * 1024 * 1024
# Account IDs are short codes; anything longer is not worth a database lookup.
MAX_ACCOUNT_ID_CHARS = 64
# How many rating requests per chat stay answerable.
RATINGS_REMEMBERED = 10


class Step(str, Enum):
    NEW = "new"  # never talked to us
    AWAIT_ACCOUNT = "await_account"  # registering, or adding one more account ID
    IDLE = "idle"  # signed in; messages go to the open ticket if there is one
    CHOOSE_TOPIC = "choose_topic"
    DESCRIBE = "describe"  # topic chosen: the next message opens the ticket
    CHOOSE_ORDER = "choose_order"  # topic chosen, the customer's recent orders offered
    AWAIT_COMMENT = "await_comment"  # rated: the next text is the comment


@dataclass(frozen=True)
class Attachment:
    kind: str  # photo | document | voice | audio | video | video_note
    file_id: str  # Telegram's id; stays valid, so a file can be fetched again later
    file_unique_id: str = ""
    size: int | None = None
    file_name: str | None = None
    mime_type: str | None = None
    content: bytes | None = None  # the bytes, when the transport downloaded them


@dataclass(frozen=True)
class SharedContact:
    """A contact card sent with Telegram's contact-sharing button (or forwarded from the address book)."""

    phone: str
    user_id: int | None = None  # the Telegram user the card is of; None for an address-book entry


@dataclass(frozen=True)
class Incoming:
    """One Telegram update, reduced to what the flow needs."""

    update_id: int
    chat_id: int
    user_id: int | None = None
    text: str | None = None  # message text or media caption
    callback_data: str | None = None  # set when an inline button was pressed
    attachments: tuple[Attachment, ...] = ()
    message_id: int | None = None  # Telegram's id of the message in its chat
    edited: bool = False  # the customer edited message_id: text is its new text
    # The sender's Telegram app language (IETF tag, e.g. "en", "ru", "en-GB"); picks a new chat's language.
    language_code: str | None = None
    # A pressed inline button: Telegram's id of the press (answered to stop the client's spinner) and the
    # message the keyboard is on (its keyboard is spent once pressed, and removed).
    callback_id: str | None = None
    button_message_id: int | None = None
    sent_at: datetime | None = None  # when the customer sent it (aware); None: now
    contact: SharedContact | None = None  # a shared contact card


@dataclass(frozen=True)
class OrderChoice:
    """One of the customer's recent orders, as the bot offers it («Заказ № … от 02.12, 2 340 ₽»)."""

    name: str
    day: date | None = None
    amount: float | None = None
    currency: str | None = None


@dataclass(frozen=True)
class Button:
    text: str
    data: str  # callback_data: at most 64 bytes, hence the short codes below


@dataclass(frozen=True)
class Reply:
    chat_id: int
    text: str  # HTML parse mode
    buttons: tuple[tuple[Button, ...], ...] = ()  # rows of inline buttons
    # Rows of a persistent reply keyboard (the menu under the input field); a message carries inline
    # buttons or this keyboard, not both.
    keyboard: tuple[tuple[str, ...], ...] = ()
    # A one-button reply keyboard that shares the customer's own phone number (request_contact).
    request_contact: str | None = None


@dataclass(frozen=True)
class TicketSummary:
    number: str
    subject: str
    status: str
    resolved_on: datetime | None = None  # aware; when a Resolved ticket was resolved


@dataclass
class ChatState:
    """Where one chat is in the conversation. JSON-able through to_dict / from_dict."""

    step: Step = Step.NEW
    lang: str = "ru"
    adding_account: bool = False  # AWAIT_ACCOUNT while signed in
    topic: str | None = None  # chosen in CHOOSE_TOPIC, used in DESCRIBE
    # Buttons carry indexes into these (with a checksum, see _ref) rather than names: callback_data is
    # limited to 64 bytes, and a Cyrillic topic name runs past that quickly.
    topics_offered: tuple[str, ...] = ()
    order: str | None = None  # chosen in CHOOSE_ORDER, linked to the ticket DESCRIBE opens
    orders_offered: tuple[str, ...] = ()
    accounts_offered: tuple[str, ...] = ()
    # Only tickets we asked this chat to rate can be rated from it (callback data can be forged).
    rating_offered: tuple[str, ...] = ()
    rating_ticket: str | None = None
    rating: str | None = None

    def to_dict(self) -> dict:
        data = asdict(self)
        data["step"] = self.step.value
        return data

    @classmethod
    def from_dict(cls, data: dict) -> ChatState:
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        for name in ("topics_offered", "orders_offered", "accounts_offered", "rating_offered"):
            known[name] = tuple(known.get(name) or ())
        known["step"] = Step(known.get("step") or Step.NEW.value)
        return cls(**known)


@dataclass(frozen=True)
class BotConfig:
    max_file_bytes: int = MAX_FILE_BYTES
    default_lang: str = "ru"
    # Where a customer finds their account ID, per language; replaces the built-in hint.
    account_hint: dict[str, str] | None = None
    # A resolved ticket takes the chat's new questions (and is reopened) this long; then they open a new one.
    reopen_hours: int = DEFAULT_CHAT_REOPEN_HOURS


DEFAULT_CONFIG = BotConfig()


class BotStore(Protocol):
    """What the flow needs persisted. The Frappe side implements this with doctypes."""

    def seen_update(self, update_id: int) -> bool:
        """Record `update_id`; True if it had been recorded before (the update is then skipped)."""

    def get_state(self, chat_id: int) -> ChatState | None:
        """The chat's state as last saved by set_state, or None for a chat never seen."""

    def set_state(self, chat_id: int, state: ChatState) -> None: ...

    def list_accounts(self, chat_id: int) -> list[str]:
        """Account IDs linked to the chat, in the order they were added."""

    def add_account(self, chat_id: int, account_id: str) -> None:
        """Link an account ID (known, see is_known_account) to the chat; linking twice is a no-op."""

    def remove_account(self, chat_id: int, account_id: str) -> None: ...

    def active_account(self, chat_id: int) -> str | None:
        """The account new tickets are filed under; None means the chat is not signed in."""

    def set_active_account(self, chat_id: int, account_id: str | None) -> None: ...

    def is_known_account(self, account_id: str) -> str | None:
        """The customer's display name if `account_id` is a real account, else None."""

    def account_by_phone(self, phone: str) -> str | None:
        """The account ID of the customer whose contact has this phone number (E.164, "+79123456701"),
        or None: nobody has it, or it leads to more than one account."""

    def list_topics(self) -> list[str]:
        """Ticket topics a customer may choose, in display order."""

    def create_ticket(
        self, chat_id: int, account_id: str, topic: str | None, text: str, attachments: Sequence[Attachment],
        message_id: int | None = None, order: str | None = None,
    ) -> str:
        """Open a ticket from the chat's first message; returns its number. It becomes ticket_of_chat.
        `message_id` is the Telegram message's, remembered so a later edit of it finds its way here.
        `order`: the order the customer picked; linked only when it is one of the account's own."""

    def recent_orders(self, account_id: str) -> list[OrderChoice]:
        """The account's latest orders that are not cancelled, newest first (empty: none, or no ERP)."""

    def add_message(self, ticket: str, text: str, attachments: Sequence[Attachment],
                    message_id: int | None = None) -> None:
        """Append a customer message (text may be empty when only files came) to the ticket."""

    def record_edit(self, chat_id: int, message_id: int, text: str) -> str | None:
        """The customer edited a message the ticket has: add the new text to that ticket as an edit of it
        (the original stays as it was). Returns the ticket, or None when no ticket has that message."""

    def open_tickets(self, chat_id: int) -> list[TicketSummary]:
        """The chat's tickets that are not closed (Resolved ones are still listed), newest first."""

    def ticket_of_chat(self, chat_id: int) -> str | None:
        """The ticket the chat's messages go to (the latest not closed one it opened), or None once closed.
        A Resolved ticket still is: engine.reopening decides what a message does to it."""

    def record_rating(self, ticket: str, rating: str, comment: str | None) -> bool:
        """The button press (comment None) rates the ticket once: False, and nothing changes, when it
        has a rating already. Called again with the comment that follows, which joins that rating."""

    # The transports' side: every reply goes through an outbox, on webhook and long polling alike.
    def queue_replies(self, update_id: int, replies: Sequence[Reply]) -> list[str]:
        """Keep `handle`'s replies to one update for sending, in order, together with the update's other
        effects (on a site: in the same transaction); queuing the same update's replies again adds none.
        Returns the keys of the rows queued."""

    def send_replies(self, chat_id: int) -> float | None:
        """Send what is due to the chat, oldest first, with the outbox's retries (a 429's retry_after, a
        back-off through an outage); nothing overtakes a row still waiting. Returns the seconds until the
        next try of what is left, or None when nothing is left for the chat."""


def handle(store: BotStore, incoming: Incoming, config: BotConfig = DEFAULT_CONFIG) -> list[Reply]:
    """React to one update. Telegram redelivers updates, so a repeated update_id does nothing."""
    if store.seen_update(incoming.update_id):
        return []
    state = store.get_state(incoming.chat_id) or ChatState(lang=first_language(incoming, config))
    turn = _Turn(store, incoming, state, config)
    turn.run()
    store.set_state(incoming.chat_id, turn.state)
    return turn.replies


def first_language(incoming: Incoming, config: BotConfig = DEFAULT_CONFIG) -> str:
    """A new chat's language: English for a Telegram app set to English, else the default (Russian).
    Later the customer's choice in Profile counts, not the app's."""
    code = (incoming.language_code or "").lower()
    return "en" if code == "en" or code.startswith("en-") else config.default_lang


def status_text(lang: str, status: str) -> str:
    """A ticket status as the customer reads it; an unknown status shows as it is."""
    return TEXTS["en" if lang == "en" else "ru"].get("status_" + status, status)


def files_to_download(store: BotStore, incoming: Incoming, config: BotConfig = DEFAULT_CONFIG) -> list[Attachment]:
    """The attachments `handle` would store, so a transport downloads only those (and nothing for strangers).

    Reads the store, changes nothing.
    """
    if incoming.edited or incoming.callback_data or not incoming.attachments or store.active_account(incoming.chat_id) is None:
        return []
    state = store.get_state(incoming.chat_id) or ChatState(lang=config.default_lang)
    if state.step is Step.CHOOSE_TOPIC:
        return []  # handle() asks for the topic and stores nothing
    if state.step is not Step.DESCRIBE and store.ticket_of_chat(incoming.chat_id) is None:
        return []
    return [a for a in incoming.attachments if not _too_big(a, config)]


def rating_request(store: BotStore, chat_id: int, ticket: str, config: BotConfig = DEFAULT_CONFIG) -> Reply:
    """Ask the chat to rate a resolved ticket; remembers the ticket so only this offer can be answered."""
    state = store.get_state(chat_id) or ChatState(lang=config.default_lang)
    offered = tuple(t for t in state.rating_offered if t != ticket) + (ticket,)
    state.rating_offered = offered[-RATINGS_REMEMBERED:]
    store.set_state(chat_id, state)
    buttons = ((tuple(Button(emoji, f"r:{value}:{ticket}") for value, emoji in RATING_EMOJI.items())),)
    return Reply(chat_id, _text(state.lang, "rate_prompt", ticket=_esc(ticket)), buttons)


def reply_markup_json(reply: Reply) -> dict | None:
    """Bot API reply_markup JSON for a reply: its inline buttons, or its persistent menu keyboard."""
    if reply.request_contact:
        return {"keyboard": [[{"text": reply.request_contact, "request_contact": True}]],
                "resize_keyboard": True, "one_time_keyboard": True}
    if reply.keyboard:
        return {"keyboard": [[{"text": label} for label in row] for row in reply.keyboard],
                "resize_keyboard": True, "is_persistent": True}
    return inline_keyboard(reply.buttons)


def menu_keyboard(lang: str) -> tuple[tuple[str, ...], ...]:
    """The persistent menu shown under the input field once signed in: the way back from anywhere."""
    return ((_text(lang, "btn_create"), _text(lang, "btn_tickets")),)


def bot_commands(lang: str) -> list[dict[str, str]]:
    """The command list Telegram shows in the "/" menu (setMyCommands), in one language."""
    return [{"command": name, "description": _text(lang, "cmd_" + name)} for name in ("new", "my", "status", "help")]


def inline_keyboard(buttons: tuple[tuple[Button, ...], ...]) -> dict | None:
    """Bot API reply_markup JSON for the buttons (for TelegramClient.send_message)."""
    if not buttons:
        return None
    return {"inline_keyboard": [[{"text": b.text, "callback_data": b.data} for b in row] for row in buttons]}


class _Turn:
    """One update's worth of decisions; collects replies and the chat's new state."""

    def __init__(self, store: BotStore, incoming: Incoming, state: ChatState, config: BotConfig):
        self.store = store
        self.incoming = incoming
        self.chat = incoming.chat_id
        self.state = state
        self.config = config
        self.replies: list[Reply] = []

    # --- dispatch -------------------------------------------------------------------------------

    def run(self) -> None:
        account = self.store.active_account(self.chat)
        if self.incoming.edited:
            return self.on_edit((self.incoming.text or "").strip(), account)
        if self.incoming.contact is not None:
            return self.on_contact(self.incoming.contact)
        if self.incoming.callback_data is not None:
            self.on_button(self.incoming.callback_data, account)
            return
        text = (self.incoming.text or "").strip()
        menu_command = _MENU_COMMANDS.get(text) if not self.incoming.attachments else None
        if menu_command:  # a label of the persistent menu keyboard, typed in any step
            return self.on_command(menu_command, "", account)
        if text.startswith("/") and not self.incoming.attachments:
            # A command is never ticket text, whatever step the chat is at.
            command, _, argument = text.partition(" ")
            return self.on_command(command.split("@")[0].lower(), argument.strip(), account)
        if account is None:
            if self.state.step is Step.AWAIT_ACCOUNT and text and not self.incoming.attachments:
                if _looks_like_chatter(text):
                    return self.ask_for_account("sign_in_help")
                return self.try_account(text)
            return self.ask_for_account()
        self.on_message(text, account)

    def on_command(self, command: str, argument: str, account: str | None) -> None:
        if command == "/start":
            return self.on_start(argument, account)
        if account is None:
            return self.ask_for_account("sign_in_help")
        self._reset()
        if command == "/new":
            return self.start_ticket()
        if command in ("/my", "/status"):
            return self.list_tickets(account)
        if command == "/help":
            return self.show_menu(account, "help")
        if command in ("/menu", "/cancel"):
            return self.show_menu(account)
        self.show_menu(account, "unknown_command")

    def on_edit(self, text: str, account: str | None) -> None:
        """An edited message changes no step: its new text joins the ticket the message went to."""
        if account is None or not text or text.startswith("/") or self.incoming.message_id is None:
            return  # the original was never ticket text either
        ticket = self.store.record_edit(self.chat, self.incoming.message_id, text)
        if ticket:
            self.say("edit_saved", ticket=_esc(ticket))

    def on_start(self, payload: str, account: str | None) -> None:
        if account:
            return self.show_menu(account, "welcome_back")
        if payload:
            # A deep link t.me/<bot>?start=<account id> from the customer portal signs in in one tap.
            return self.try_account(payload)
        self.ask_for_account()

    def on_message(self, text: str, account: str) -> None:
        step = self.state.step
        plain_text = bool(text) and not self.incoming.attachments
        if step is Step.AWAIT_ACCOUNT and plain_text:
            if _looks_like_chatter(text):
                return self.say("add_account_prompt", hint=self._hint())
            return self.try_account(text)
        if step is Step.AWAIT_COMMENT and plain_text:
            return self.save_comment(text)
        if step is Step.CHOOSE_TOPIC:
            return self.offer_topics("choose_topic_first")
        if step is Step.CHOOSE_ORDER:  # wrote instead of picking: the ticket is not about one order
            return self.open_ticket(text, account)
        if step is Step.DESCRIBE:
            return self.open_ticket(text, account)
        self._reset()
        ticket = self.store.ticket_of_chat(self.chat)
        if ticket is None:
            return self.show_menu(account, "no_open_ticket")
        summary = next((t for t in self.store.open_tickets(self.chat) if t.number == ticket), None)
        route = ChatRoute.ADD
        if summary is not None:
            now = self.incoming.sent_at or datetime.now(timezone.utc)
            route = chat_message_route(summary.status, summary.resolved_on, now, self.config.reopen_hours, text,
                                       bool(self.incoming.attachments))
        if route is ChatRoute.NEW:
            return self.open_ticket(text, account, after=ticket)
        self.add_to_ticket(ticket, text, "thanks_resolved" if route is ChatRoute.THANKS else "added")

    def on_button(self, data: str, account: str | None) -> None:
        kind, _, argument = data.partition(":")
        if kind == "r":
            return self.on_rating(argument)
        if kind == "l":
            return self.set_language(argument, account)
        if account is None:
            return self.ask_for_account()
        if kind == "m":
            self._reset()
            if argument == "new":
                return self.start_ticket()
            if argument == "list":
                return self.list_tickets(account)
            if argument == "me":
                return self.show_profile()
            return self.show_menu(account)
        if kind == "t":
            return self.choose_topic(argument, account)
        if kind == "o":
            return self.choose_order(argument, account)
        if kind == "a":
            return self.on_account_button(argument, account)
        self.show_menu(account, "stale_button")

    # --- registration and accounts --------------------------------------------------------------

    def ask_for_account(self, key: str = "register_prompt", **values: str) -> None:
        """Ask to sign in: the phone button first (under the input field), the account ID as the other way."""
        self.state.step = Step.AWAIT_ACCOUNT
        self.state.adding_account = False
        self.replies.append(Reply(self.chat, _text(self.state.lang, key, hint=self._hint(), **values),
                                  request_contact=_text(self.state.lang, "btn_share_phone")))

    def on_contact(self, contact: SharedContact) -> None:
        """Sign in by the phone number Telegram shares. Only the sender's own card counts: a forwarded
        contact or one picked from the address book would let anyone sign in as anyone."""
        signed_in = self.store.active_account(self.chat) is not None
        if contact.user_id is None or contact.user_id != self.incoming.user_id:
            if signed_in:
                return self.say("contact_not_yours_signed_in")
            return self.ask_for_account("contact_not_yours")
        phone = normalize_shared_phone(contact.phone)
        account_id = self.store.account_by_phone(phone) if phone else None
        if not account_id:
            if signed_in:
                return self.say("unknown_phone_signed_in", phone=_esc(phone or contact.phone))
            return self.ask_for_account("unknown_phone", phone=_esc(phone or contact.phone))
        self.try_account(account_id)

    def try_account(self, text: str) -> None:
        account_id = text.strip()
        customer = None
        if len(account_id) <= MAX_ACCOUNT_ID_CHARS:
            customer = self.store.is_known_account(account_id)
        if not customer:
            if self.store.active_account(self.chat) is not None:
                self.state.step = Step.AWAIT_ACCOUNT
                return self.say("unknown_account", account=_esc(account_id[:MAX_ACCOUNT_ID_CHARS]), hint=self._hint())
            return self.ask_for_account("unknown_account", account=_esc(account_id[:MAX_ACCOUNT_ID_CHARS]))
        adding = self.store.active_account(self.chat) is not None
        already = account_id in self.store.list_accounts(self.chat)
        if not already:
            self.store.add_account(self.chat, account_id)
        # A new account is what the customer wants to work with next: make it active.
        self.store.set_active_account(self.chat, account_id)
        self._reset()
        if already:
            key = "account_exists"
        else:
            key = "account_added" if adding else "registered"
        self.replies.append(Reply(
            self.chat, _text(self.state.lang, key, account=_esc(account_id), customer=_esc(customer)),
            keyboard=menu_keyboard(self.state.lang)))

    def on_account_button(self, argument: str, account: str) -> None:
        action, _, index = argument.partition(":")
        if action == "add":
            self.state.step = Step.AWAIT_ACCOUNT
            self.state.adding_account = True
            return self.say("add_account_prompt", hint=self._hint())
        if action == "out":
            return self.log_out()
        chosen = self._offered(self.state.accounts_offered, index)
        if chosen is None or chosen not in self.store.list_accounts(self.chat):
            return self.show_profile("stale_button")
        if action == "use":
            self.store.set_active_account(self.chat, chosen)
            return self.show_profile("switched", account=_esc(chosen))
        if action == "del":
            self.store.remove_account(self.chat, chosen)
            remaining = self.store.list_accounts(self.chat)
            if not remaining:
                return self.log_out()
            if chosen == account:
                self.store.set_active_account(self.chat, remaining[0])
            return self.show_profile("removed", account=_esc(chosen))
        self.show_profile("stale_button")

    def log_out(self) -> None:
        for linked in self.store.list_accounts(self.chat):
            self.store.remove_account(self.chat, linked)
        self.store.set_active_account(self.chat, None)
        lang = self.state.lang
        self.state = ChatState(lang=lang, rating_offered=self.state.rating_offered)
        self.ask_for_account("logged_out")

    def show_profile(self, notice: str | None = None, **values: str) -> None:
        accounts = self.store.list_accounts(self.chat)
        active = self.store.active_account(self.chat)
        self.state.accounts_offered = tuple(accounts)
        lang = self.state.lang
        lines = [
            _text(lang, "account_line_active" if a == active else "account_line", account=_esc(a)) for a in accounts
        ]
        rows: list[tuple[Button, ...]] = []
        for i, a in enumerate(accounts):
            use = Button(_text(lang, "btn_use", account=a), f"a:use:{_ref(i, a)}")
            remove = Button(_text(lang, "btn_remove", account=a), f"a:del:{_ref(i, a)}")
            rows.append((remove,) if a == active else (use, remove))
        rows += [
            (Button(_text(lang, "btn_add"), "a:add"),),
            (Button(_text(lang, "btn_other_lang"), "l:" + ("en" if lang == "ru" else "ru")),),
            (Button(_text(lang, "btn_logout"), "a:out"),),
            (Button(_text(lang, "btn_menu"), "m:home"),),
        ]
        text = _text(lang, "profile", accounts="\n".join(lines))
        if notice:
            text = _text(lang, notice, **values) + "\n\n" + text
        self.replies.append(Reply(self.chat, text, tuple(rows)))

    def set_language(self, lang: str, account: str | None) -> None:
        self.state.lang = "en" if lang == "en" else "ru"
        if account is None:
            return self.ask_for_account()
        self.show_profile()

    # --- tickets --------------------------------------------------------------------------------

    def show_menu(self, account: str, key: str = "menu") -> None:
        self.say(key, _menu_buttons(self.state.lang), account=_esc(account))

    def start_ticket(self) -> None:
        topics = self.store.list_topics()
        if not topics:
            self.state.step = Step.DESCRIBE
            self.state.topic = None
            return self.say("describe_no_topic")
        self.state.topics_offered = tuple(topics)
        self.offer_topics("choose_topic")

    def offer_topics(self, key: str) -> None:
        self.state.step = Step.CHOOSE_TOPIC
        rows = tuple((Button(topic, f"t:{_ref(i, topic)}"),) for i, topic in enumerate(self.state.topics_offered))
        self.say(key, rows + ((Button(_text(self.state.lang, "btn_menu"), "m:home"),),))

    def choose_topic(self, index: str, account: str) -> None:
        topic = self._offered(self.state.topics_offered, index)
        if self.state.step is not Step.CHOOSE_TOPIC or topic is None:
            return self.show_menu(account, "stale_button")
        self.state.topic = topic
        if not self.offer_orders(account):
            self.state.step = Step.DESCRIBE
            self.say("describe", topic=_esc(topic))

    def offer_orders(self, account: str) -> bool:
        """The account's recent orders as buttons, and "not about an order"; False when there are none."""
        orders = self.store.recent_orders(account)
        if not orders:
            return False
        self.state.step = Step.CHOOSE_ORDER
        self.state.orders_offered = tuple(o.name for o in orders)
        lang = self.state.lang
        rows = tuple((Button(order_label(lang, o), f"o:{_ref(i, o.name)}"),) for i, o in enumerate(orders))
        self.say("choose_order", rows + ((Button(_text(lang, "btn_no_order"), "o:-"),),))
        return True

    def choose_order(self, ref: str, account: str) -> None:
        if self.state.step is not Step.CHOOSE_ORDER:
            return self.show_menu(account, "stale_button")
        order = None if ref == "-" else self._offered(self.state.orders_offered, ref)
        if ref != "-" and order is None:
            return self.show_menu(account, "stale_button")
        self.state.step = Step.DESCRIBE
        self.state.order = order
        if order:
            return self.say("describe_order", order=_esc(order))
        if self.state.topic:
            return self.say("describe", topic=_esc(self.state.topic))
        self.say("describe_no_topic")

    def open_ticket(self, text: str, account: str, after: str | None = None) -> None:
        """`after`: the resolved ticket this message came too late for (the reply names both)."""
        files = self._accepted_files()
        if not text and not files:
            if not self.incoming.attachments:
                self.say("unsupported")
            return  # only oversized files came: already told, still waiting for a description
        number = self.store.create_ticket(self.chat, account, self.state.topic, text, files,
                                          message_id=self.incoming.message_id, order=self.state.order)
        self._reset()
        key, values = ("ticket_created_after", {"old": _esc(after)}) if after else ("ticket_created", {})
        self.replies.append(Reply(self.chat, _text(self.state.lang, key, ticket=_esc(number), **values),
                                  keyboard=menu_keyboard(self.state.lang)))

    def add_to_ticket(self, ticket: str, text: str, key: str = "added") -> None:
        files = self._accepted_files()
        if not text and not files:
            if not self.incoming.attachments:
                self.say("unsupported")
            return
        self.store.add_message(ticket, text, files, message_id=self.incoming.message_id)
        self.say(key, ticket=_esc(ticket))

    def list_tickets(self, account: str) -> None:
        tickets = self.store.open_tickets(self.chat)
        if not tickets:
            return self.show_menu(account, "no_tickets")
        current = self.store.ticket_of_chat(self.chat)
        lang = self.state.lang
        lines = [_text(lang, "tickets_header")]
        for t in tickets:
            status = status_text(lang, t.status)
            line = _text(lang, "ticket_line", ticket=_esc(t.number), subject=_esc(t.subject), status=_esc(status))
            lines.append(line + (_text(lang, "current_mark") if t.number == current else ""))
        self.replies.append(Reply(self.chat, "\n".join(lines), _menu_buttons(lang)))

    def _accepted_files(self) -> list[Attachment]:
        accepted = []
        for attachment in self.incoming.attachments:
            if _too_big(attachment, self.config):
                self.say(
                    "file_too_large",
                    name=_esc(attachment.file_name or _text(self.state.lang, "kind_" + attachment.kind)),
                    size=_megabytes(attachment.size or 0),
                    limit=_megabytes(self.config.max_file_bytes),
                )
            else:
                accepted.append(attachment)
        return accepted

    # --- rating ---------------------------------------------------------------------------------

    def on_rating(self, argument: str) -> None:
        if argument == "skip":
            if self.state.step is Step.AWAIT_COMMENT:
                self._reset()
                self.say("thanks")
            return
        value, _, ticket = argument.partition(":")
        if value not in RATING_EMOJI or ticket not in self.state.rating_offered:
            return self.say("stale_button")
        if not self.store.record_rating(ticket, value, None):
            self._reset()
            return self.say("already_rated")
        self._reset()
        self.state.step = Step.AWAIT_COMMENT
        self.state.rating_ticket = ticket
        self.state.rating = value
        skip = ((Button(_text(self.state.lang, "btn_skip"), "r:skip"),),)
        self.say("rating_saved", skip, emoji=RATING_EMOJI[value])

    def save_comment(self, comment: str) -> None:
        self.store.record_rating(self.state.rating_ticket, self.state.rating, comment)
        self._reset()
        self.say("comment_saved")

    # --- helpers --------------------------------------------------------------------------------

    def say(self, key: str, buttons: tuple[tuple[Button, ...], ...] = (), **values: str) -> None:
        self.replies.append(Reply(self.chat, _text(self.state.lang, key, **values), buttons))

    def _reset(self) -> None:
        """Back to IDLE, forgetting any half-finished question (the language and rating offers stay)."""
        self.state.step = Step.IDLE
        self.state.adding_account = False
        self.state.topic = None
        self.state.order = None
        self.state.rating_ticket = None
        self.state.rating = None

    def _hint(self) -> str:
        custom = (self.config.account_hint or {}).get(self.state.lang)
        return _esc(custom) if custom else _text(self.state.lang, "account_hint")

    @staticmethod
    def _offered(offered: tuple[str, ...], ref: str) -> str | None:
        """The offered value a button's `_ref` points to, or None if the button is from an older list."""
        index = ref.partition(".")[0]
        if not index.isdigit() or int(index) >= len(offered):
            return None
        value = offered[int(index)]
        return value if _ref(int(index), value) == ref else None


def normalize_shared_phone(raw: str | None) -> str | None:
    """A shared contact's number in E.164. Telegram sends it international, with or without "+"
    ("79123456701"); a Russian number written the local way ("8 912 …") is read too."""
    digits = (raw or "").strip()
    if not digits:
        return None
    return normalize_phone("+" + digits.lstrip("+")) or normalize_phone(digits)


def order_label(lang: str, order: OrderChoice) -> str:
    """«Заказ № SAL-ORD-2026-00012 от 02.12, 2 340 ₽» — short enough for a button."""
    label = _text(lang, "order_button", order=order.name)
    if order.day:
        label += _text(lang, "order_button_date", day=order.day.strftime("%d.%m"))
    if order.amount is not None:
        label += ", " + money_text(order.amount, order.currency)
    return label


def money_text(amount: float, currency: str | None) -> str:
    """2 340 ₽ (roubles the Russian way: spaces between thousands, the sign after), else "12.50 USD"."""
    if (currency or "RUB") == "RUB":
        whole = f"{round(amount):,}".replace(",", "\u00a0")
        return f"{whole}\u00a0₽"
    return f"{amount:,.2f} {currency}"


def _ref(index: int, value: str) -> str:
    # Index plus a checksum of the value: short enough for callback_data, and a button left over from an
    # older list (where index 0 was another account) no longer matches.
    return f"{index}.{zlib.crc32(value.encode()):08x}"


def _too_big(attachment: Attachment, config: BotConfig) -> bool:
    return attachment.size is not None and attachment.size > config.max_file_bytes


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f}".rstrip("0").rstrip(".")


def _menu_buttons(lang: str) -> tuple[tuple[Button, ...], ...]:
    return (
        (Button(_text(lang, "btn_create"), "m:new"),),
        (Button(_text(lang, "btn_tickets"), "m:list"),),
        (Button(_text(lang, "btn_profile"), "m:me"),),
    )


# What people type when they first meet a bot instead of an account ID.
_GREETINGS = frozenset(
    {"привет", "здравствуйте", "здравствуй", "добрый день", "доброе утро", "добрый вечер", "алло", "помогите",
     "hi", "hello", "hey", "help", "good morning", "good afternoon", "good evening"}
)


def _looks_like_chatter(text: str) -> bool:
    """True for a greeting or a sentence rather than an account ID (short codes, usually with digits):
    the customer gets help on signing in instead of "ID «Здравствуйте!» not found"."""
    text = text.strip()
    if any(ch.isdigit() for ch in text):
        return False
    words = text.strip("!?.,;:)( ").lower()
    return words in _GREETINGS or any(ch.isspace() for ch in text) or text[-1:] in "!?"


def _esc(value: object) -> str:
    return html.escape("" if value is None else str(value))


def _text(lang: str, key: str, **values: object) -> str:
    return TEXTS["en" if lang == "en" else "ru"][key].format(**values)


# The persistent menu's labels, in every language, and the command each one stands for.
_MENU_COMMANDS = {
    TEXTS[lang][key]: command for lang in TEXTS for key, command in (("btn_create", "/new"), ("btn_tickets", "/my"))
}
