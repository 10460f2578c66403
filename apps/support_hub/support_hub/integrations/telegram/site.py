"""Telegram Settings as the rest of the integration needs them, a Bot API client built from them, and
pointing Telegram at this site's webhook (or back to long polling): `bench support-hub-telegram-webhook`."""

from __future__ import annotations

import frappe

from support_hub.integrations.telegram.client import TelegramClient


def settings() -> frappe._dict:
    doc = frappe.get_cached_doc("Telegram Settings")
    return frappe._dict(
        enabled=bool(doc.enabled),
        token=doc.get_password("bot_token", raise_exception=False) if doc.bot_token else None,
        base_url=(doc.api_base_url or "https://api.telegram.org").rstrip("/"),
        team_chat_id=doc.team_chat_id,
        manager_chat_id=doc.manager_chat_id,
        lang=doc.alert_language or "ru",
        alert_ratings=bool(doc.alert_ratings),
        account_field=doc.account_field or "name",
        account_hint=doc.account_hint,
        webhook_secret=doc.get_password("webhook_secret", raise_exception=False) if doc.webhook_secret else None,
        max_file_bytes=int(doc.max_file_mb or 20) * 1024 * 1024,
        reopen_hours=int(doc.resolved_reopen_hours if doc.resolved_reopen_hours is not None else 72),
        transcribe_voice=bool(doc.transcribe_voice and doc.transcription_url),
        transcription_url=doc.transcription_url,
        transcription_api_key=doc.get_password("transcription_api_key", raise_exception=False)
        if doc.transcription_api_key else None,
        transcription_model=doc.transcription_model or "whisper-1",
    )


def client(conf: frappe._dict | None = None) -> TelegramClient | None:
    conf = conf or settings()
    if not (conf.enabled and conf.token):
        return None
    return TelegramClient(conf.token, base_url=conf.base_url)


def speech_to_text(conf: frappe._dict | None = None):
    """The voice-message transcriber Telegram Settings configure, or None while transcription is off."""
    from support_hub.integrations.speech import OpenAICompatibleSpeechToText

    conf = conf or settings()
    if not conf.transcribe_voice:
        return None
    return OpenAICompatibleSpeechToText(conf.transcription_url, conf.transcription_api_key, conf.transcription_model)


WEBHOOK_METHOD = "support_hub.api.telegram.webhook"


class NotConfigured(Exception):
    """Telegram Settings lack what the step needs (enabled with a token; a webhook secret)."""


def _configured_client(conf: frappe._dict) -> TelegramClient:
    telegram = client(conf)
    if telegram is None:
        raise NotConfigured("Telegram is not enabled, or has no bot token, in Telegram Settings")
    return telegram


def register_commands(telegram: TelegramClient) -> None:
    """Telegram's "/" menu for the bot: Russian for Russian-speaking apps, English for everyone else.
    Part of every start-up (webhook registration, long polling), so the list follows the code."""
    from support_hub.integrations.telegram.bot_flow import bot_commands

    telegram.set_my_commands(bot_commands("ru"), language_code="ru")
    telegram.set_my_commands(bot_commands("en"))


def _webhook_state(telegram: TelegramClient) -> dict:
    bot = telegram.get_me()
    info = telegram.get_webhook_info()
    return {"bot": bot.get("username"), "url": info.get("url") or "", "pending": info.get("pending_update_count", 0)}


def point_webhook_here(url: str | None = None) -> dict:
    """Have Telegram deliver the bot's updates to this site's webhook, with the secret token from
    Telegram Settings that the webhook checks; returns what Telegram now has."""
    conf = settings()
    telegram = _configured_client(conf)
    if not conf.webhook_secret:
        raise NotConfigured("Telegram Settings have no webhook secret: the webhook would refuse every update")
    telegram.set_webhook(url or frappe.utils.get_url(f"/api/method/{WEBHOOK_METHOD}"), conf.webhook_secret)
    register_commands(telegram)
    return _webhook_state(telegram)


def stop_webhook() -> dict:
    """Stop webhook deliveries, so `bench support-hub-telegram` can poll; returns what Telegram now has."""
    telegram = _configured_client(settings())
    telegram.delete_webhook()
    register_commands(telegram)
    return _webhook_state(telegram)
