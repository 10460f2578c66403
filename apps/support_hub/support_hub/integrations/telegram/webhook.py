"""Telegram's webhook: one update per request, checked, handled by the bot flow, replies queued.

Nothing is written unless the body is of a sane size (413), the secret matches (403) and the update
parses (400). Replies go into the outbox in the same transaction as the update's effects, and are sent
right after the commit. Updates from group chats and channels are answered 200 and ignored.
"""

from __future__ import annotations

import json
from contextlib import suppress
from dataclasses import replace

import frappe
from frappe import _
from telegram import Update

from support_hub.integrations.telegram import site
from support_hub.integrations.telegram.bot_flow import BotConfig, files_to_download, handle
from support_hub.integrations.telegram.client import FileTooLarge, TelegramError, secret_token_matches
from support_hub.integrations.telegram.customer_store import FrappeBotStore
from support_hub.integrations.telegram.ptb_app import to_incoming


# An update is a few kilobytes: files come as file ids, and a message holds at most 4096 characters.
MAX_UPDATE_BYTES = 1024 * 1024


class BadUpdate(Exception):
    """Telegram sent something that is not an update we understand."""


def parse(body: bytes, max_file_bytes: int):
    try:
        data = json.loads(body or b"")
        if not isinstance(data, dict) or not isinstance(data.get("update_id"), int):
            raise BadUpdate(_("not a Telegram update: update_id missing"))
        incoming = to_incoming(Update.de_json(data, None), max_file_bytes)
    except BadUpdate:
        raise
    except Exception as error:  # malformed JSON or an update PTB cannot read
        raise BadUpdate(_("malformed update: {0}").format(str(error)[:200])) from error
    return incoming


def bot_config(conf) -> BotConfig:
    hint = {"ru": conf.account_hint, "en": conf.account_hint} if conf.account_hint else None
    return BotConfig(max_file_bytes=conf.max_file_bytes, account_hint=hint, reopen_hours=conf.reopen_hours)


def process(incoming, conf=None) -> list[str]:
    """Run one incoming update through the flow; returns the outbox rows queued for the replies."""
    conf = conf or site.settings()
    config = bot_config(conf)
    store = FrappeBotStore(conf)
    telegram = site.client(conf)
    wanted = {a.file_id for a in files_to_download(store, incoming, config)}
    if wanted and telegram is not None:
        fetched = []
        for attachment in incoming.attachments:
            if attachment.file_id in wanted:
                try:
                    info = telegram.get_file(attachment.file_id)
                    attachment = replace(attachment, content=telegram.download_file(info.file_path, config.max_file_bytes))
                except (FileTooLarge, TelegramError):
                    pass  # kept without content: the ticket shows the message, the flow told the customer
            fetched.append(attachment)
        incoming = replace(incoming, attachments=tuple(fetched))
    replies = handle(store, incoming, config)
    if incoming.callback_id and telegram is not None:
        spend_keyboard(telegram, incoming)
    # Sent by the outbox right after the commit (and by its every-minute run, should that fail).
    return store.queue_replies(incoming.update_id, replies)


def spend_keyboard(telegram, incoming) -> None:
    """A pressed button's answer, as the long-polling bot gives it: the client's spinner stops
    (answerCallbackQuery) and the keyboard goes (editMessageReplyMarkup), so an old rating or topic list
    cannot be pressed again. Telegram being unreachable leaves only a spinner: the press was handled."""
    with suppress(TelegramError):
        telegram.answer_callback_query(incoming.callback_id)
    if incoming.button_message_id:
        with suppress(TelegramError):
            telegram.remove_inline_keyboard(incoming.chat_id, incoming.button_message_id)


def respond(status: int, message: str) -> dict:
    frappe.local.response["http_status_code"] = status
    return {"ok": status == 200, "message": message}


def receive(body: bytes, secret_header: str | None) -> dict:
    if len(body or b"") > MAX_UPDATE_BYTES:
        return respond(413, _("The update is too large."))
    conf = site.settings()
    if not conf.enabled:
        return respond(404, _("The Telegram bot is switched off"))
    if not (conf.webhook_secret and secret_token_matches(secret_header or "", conf.webhook_secret)):
        return respond(403, _("Wrong or missing secret token"))
    try:
        incoming = parse(body, conf.max_file_bytes)
    except BadUpdate as error:
        return respond(400, str(error))
    if incoming is None:
        return respond(200, "ignored")  # not from a private chat, or a kind of update the bot does not handle
    # Checked and parsed: the bot now acts for the customer as a system user, not as Guest.
    user = frappe.session.user
    frappe.set_user("Administrator")
    try:
        process(incoming, conf)
    finally:
        frappe.set_user(user)
    return respond(200, "ok")
