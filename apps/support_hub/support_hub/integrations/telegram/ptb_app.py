"""The customer bot on python-telegram-bot 22: Telegram updates in, `bot_flow.handle` replies out.

This file only translates. A PTB `Update` becomes an `Incoming`; the files the flow will keep are
downloaded (`File.download_as_bytearray`) and handed over inside the attachments; the replies go out
with inline keyboards. Decisions live in bot_flow, persistence behind the BotStore the
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
import warnings
from collections.abc import Callable
from contextlib import AbstractContextManager, suppress
from dataclasses import replace
from datetime import timedelta
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, KeyboardButton, Message, ReplyKeyboardMarkup, Update
from telegram.constants import ChatType, ParseMode
from telegram.error import Forbidden, RetryAfter, TelegramError
from telegram.ext import Application, CallbackQueryHandler, ContextTypes, MessageHandler, filters

from support_hub.integrations.telegram.bot_flow import (
    DEFAULT_CONFIG,
    Attachment,
    BotConfig,
    BotStore,
    Incoming,
    Reply,
    files_to_download,
    handle,
)

log = logging.getLogger(__name__)

StoreFactory = Callable[[], "BotStore | AbstractContextManager[BotStore]"]
# A reply throttled by Telegram is worth one retry if the wait is short; longer waits would stall the bot.
MAX_REPLY_RETRY_WAIT = 10.0


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
        language_code=message.from_user.language_code if message.from_user else None,
    )


def reply_markup(reply: Reply) -> InlineKeyboardMarkup | ReplyKeyboardMarkup | None:
    if reply.keyboard:
        rows = [[KeyboardButton(label) for label in row] for row in reply.keyboard]
        return ReplyKeyboardMarkup(rows, resize_keyboard=True, is_persistent=True)
    if not reply.buttons:
        return None
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(b.text, callback_data=b.data) for b in row] for row in reply.buttons]
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
        replies = await asyncio.to_thread(self._with_store, handle, incoming, self.config)
        if query is not None and query.message is not None:
            # A pressed keyboard is spent: removing it keeps stale buttons (a second rating, an old
            # topic list) from being pressed again.
            with suppress(TelegramError):
                await bot.edit_message_reply_markup(query.message.chat.id, query.message.message_id, reply_markup=None)
        for reply in replies:
            await _send(bot, reply)

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


async def _send(bot, reply: Reply) -> None:
    for attempt in range(2):
        try:
            await bot.send_message(
                reply.chat_id, reply.text, parse_mode=ParseMode.HTML, reply_markup=reply_markup(reply)
            )
            return
        except RetryAfter as exc:
            wait = _retry_after_seconds(exc)
            if attempt or wait > MAX_REPLY_RETRY_WAIT:
                log.warning("reply to %s dropped: flood control asks %s s", reply.chat_id, wait)
                return
            await asyncio.sleep(wait)
        except Forbidden:
            log.info("chat %s blocked the bot; reply dropped", reply.chat_id)
            return
        except TelegramError as exc:
            log.warning("reply to %s failed: %s", reply.chat_id, exc)
            return


def _retry_after_seconds(exc: RetryAfter) -> float:
    # PTB 22 returns int or timedelta depending on PTB_TIMEDELTA and warns about the int form.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        value = exc.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)
