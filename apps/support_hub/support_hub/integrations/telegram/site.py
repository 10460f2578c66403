"""Telegram Settings as the rest of the integration needs them, and a Bot API client built from them."""

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
    )


def client(conf: frappe._dict | None = None) -> TelegramClient | None:
    conf = conf or settings()
    if not (conf.enabled and conf.token):
        return None
    return TelegramClient(conf.token, base_url=conf.base_url)
