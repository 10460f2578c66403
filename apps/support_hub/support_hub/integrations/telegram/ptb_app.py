"""The customer bot on python-telegram-bot 22: Telegram updates in, `bot_flow.handle` replies out.

This file only translates. A PTB `Update` becomes an `Incoming`; the files the flow will keep are
downloaded (`File.download_as_bytearray`) and handed over inside the attachments; the replies are
queued with the update's effects (`BotStore.queue_replies`) and sent through the store's outbox
(`send_replies`, on a site the Telegram Outbox the webhook and the agents' replies use), retried until
delivered, in order per chat. Decisions live in bot_flow, persistence behind the BotStore the
`store_factory` provides — so Frappe stays out of here.

It runs the bot by long polling (`bench support-hub-telegram`: `build_application(...).run_polling()`);
webhook deliveries go through integrations/telegram/webhook.py, which shares `to_incoming` with it.

`store_factory()` is called once per step of an update, in a worker thread (stores usually block on a
database). It may return a BotStore, or a context manager yielding one — e.g. to open a Frappe site
connection, commit on success and roll back on error.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from contextlib import AbstractContextManager, suppress
from dataclasses import replace
from typing import Any

from telegram import Message, Update
from telegram.constants import ChatType
from telegram.error import TelegramError
from telegram.ext import Application, CallbackQueryHandler, ContextTypes, MessageHandler, filters

from support_hub.integrations.telegram.bot_flow import (
    DEFAULT_CONFIG,
    Attachment,
    BotConfig,
    BotStore,
    Incoming,
    SharedContact,
    files_to_download,
    handle,
)

log = logging.getLogger(__name__)

StoreFactory = Callable[[], "BotStore | AbstractContextManager[BotStore]"]
# A chat whose replies wait (flood control, an outage) is looked at again after at most this long.
RETRY_CHECK_SECONDS = 60.0


def build_application(
    token: str,
    store_factory: StoreFactory,
    base_url: str | None = None,
    base_file_url: str | None = None,
    config: BotConfig = DEFAULT_CONFIG,
) -> Application:
    """An Application with the customer bot's handlers. base_url / base_file_url as in PTB (token appended)."""
    builder = Application.builder().token(token)
    if base_url:
        builder = builder.base_url(base_url)
    if base_file_url:
        builder = builder.base_file_url(base_file_url)
    app = builder.build()
    bridge = _Bridge(store_factory, config)
    # Private chats only: a bot added to a group must not turn group chatter into tickets.
    # Edited messages too: the customer's correction reaches the ticket as an edit.
    app.add_handler(MessageHandler(
        filters.ChatType.PRIVATE & (filters.UpdateType.MESSAGE | filters.UpdateType.EDITED_MESSAGE), bridge.on_update))
    app.add_handler(CallbackQueryHandler(bridge.on_update))
    return app


def to_incoming(update: Update, max_file_bytes: int = DEFAULT_CONFIG.max_file_bytes) -> Incoming | None:
    """The flow's view of an update; None for updates the bot does not react to.

    Only private chats with the bot are conversations: a message or a button pressed in a group,
    supergroup or channel the bot was added to is ignored (no ticket, no reply), on the webhook and in
    long polling alike. So is a button without a message (inline mode, which the bot does not offer).
    """
    query = update.callback_query
    if query is not None:
        if query.message is None or query.message.chat.type != ChatType.PRIVATE:
            return None
        return Incoming(update.update_id, query.message.chat.id, query.from_user.id, callback_data=query.data or "",
                        language_code=query.from_user.language_code, callback_id=query.id,
                        button_message_id=query.message.message_id)
    edited = update.message is None and update.edited_message is not None
    message = update.edited_message if edited else update.message
    if message is None or message.chat.type != ChatType.PRIVATE:
        return None
    if edited:
        # Files cannot be swapped by an edit worth keeping: only the new text (or caption) counts.
        return Incoming(update.update_id, message.chat.id, message.from_user.id if message.from_user else None,
                        text=message.text or message.caption, message_id=message.message_id, edited=True,
                        language_code=message.from_user.language_code if message.from_user else None)
    return Incoming(
        update_id=update.update_id,
        chat_id=message.chat.id,
        user_id=message.from_user.id if message.from_user else None,
        text=message.text or message.caption,
        attachments=tuple(_attachments(message, max_file_bytes)),
        message_id=message.message_id,
        sent_at=message.date,
        contact=SharedContact(message.contact.phone_number, message.contact.user_id) if message.contact else None,
        language_code=message.from_user.language_code if message.from_user else None,
    )


def _attachments(message: Message, max_file_bytes: int) -> list[Attachment]:
    found = []
    if message.photo:
        # Telegram sends one photo in several sizes; keep the largest the bot may download.
        fitting = [p for p in message.photo if (p.file_size or 0) <= max_file_bytes] or list(message.photo)
        best = max(fitting, key=lambda p: (p.width * p.height, p.file_size or 0))
        found.append(Attachment("photo", best.file_id, best.file_unique_id, best.file_size, None, "image/jpeg"))
    for kind in ("document", "voice", "audio", "video", "video_note"):
        media = getattr(message, kind)
        if media is not None:
            found.append(
                Attachment(
                    kind,
                    media.file_id,
                    media.file_unique_id,
                    media.file_size,
                    getattr(media, "file_name", None),
                    getattr(media, "mime_type", None),
                )
            )
    return found


class _Bridge:
    def __init__(self, store_factory: StoreFactory, config: BotConfig):
        self.store_factory = store_factory
        self.config = config
        self._retries: dict[int, asyncio.Task] = {}  # chat -> the task that sends its waiting replies later
        self._sending: dict[int, asyncio.Lock] = {}

    async def on_update(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        incoming = to_incoming(update, self.config.max_file_bytes)
        if incoming is None:
            return
        bot = context.bot
        query = update.callback_query
        if query is not None:
            # Stops the client's spinner on the pressed button.
            with suppress(TelegramError):
                await query.answer()
        if incoming.attachments:
            wanted = await asyncio.to_thread(self._with_store, files_to_download, incoming, self.config)
            if wanted:
                incoming = await self._download(bot, incoming, wanted)
        # The replies are queued in the step that handles the update (on a site: one transaction), then
        # sent by the outbox: a 429 or an outage delays a reply, it never drops it.
        await asyncio.to_thread(self._with_store, self._handle_and_queue, incoming)
        if query is not None and query.message is not None:
            # A pressed keyboard is spent: removing it keeps stale buttons (a second rating, an old
            # topic list) from being pressed again.
            with suppress(TelegramError):
                await bot.edit_message_reply_markup(query.message.chat.id, query.message.message_id, reply_markup=None)
        await self.deliver(incoming.chat_id)

    def _handle_and_queue(self, store: BotStore, incoming: Incoming) -> list[str]:
        return store.queue_replies(incoming.update_id, handle(store, incoming, self.config))

    async def deliver(self, chat_id: int) -> None:
        """Send the chat's due replies; if some must wait (flood control, an outage), come back for them
        when they are due — the site's every-minute outbox run would send them too, exactly once."""
        lock = self._sending.setdefault(chat_id, asyncio.Lock())  # one sender per chat: in order, once
        try:
            async with lock:
                wait = await asyncio.to_thread(self._with_store, _send_replies, chat_id)
        except Exception:  # the database or the network: the rows stay queued for the next try
            log.exception("sending replies to %s failed; they stay queued", chat_id)
            wait = RETRY_CHECK_SECONDS
        if wait is None:
            return
        running = self._retries.get(chat_id)
        if running is None or running.done():
            self._retries[chat_id] = asyncio.get_running_loop().create_task(self._retry(chat_id, wait))

    async def _retry(self, chat_id: int, wait: float) -> None:
        await asyncio.sleep(min(max(wait, 0.05), RETRY_CHECK_SECONDS))
        self._retries.pop(chat_id, None)
        await self.deliver(chat_id)

    def _with_store(self, action: Callable[..., Any], *args: Any) -> Any:
        store = self.store_factory()
        if isinstance(store, AbstractContextManager):
            with store as opened:
                return action(opened, *args)
        return action(store, *args)

    async def _download(self, bot, incoming: Incoming, wanted: list[Attachment]) -> Incoming:
        fetched: dict[str, Attachment] = {}
        for attachment in wanted:
            try:
                telegram_file = await bot.get_file(attachment.file_id)
                content = bytes(await telegram_file.download_as_bytearray())
            except TelegramError as exc:
                # The file id stays valid: the ticket keeps it and the file can be fetched later.
                log.warning("could not download %s %s: %s", attachment.kind, attachment.file_id, exc)
                continue
            # The real size, so the flow refuses a file that claimed to be smaller (or claimed nothing).
            fetched[attachment.file_id] = replace(attachment, content=content, size=len(content))
        attachments = tuple(fetched.get(a.file_id, a) for a in incoming.attachments)
        return replace(incoming, attachments=attachments)


def _send_replies(store: BotStore, chat_id: int) -> float | None:
    return store.send_replies(chat_id)
