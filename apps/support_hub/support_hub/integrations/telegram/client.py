"""Outbound Telegram Bot API over plain HTTPS with `requests`: alerts, files, webhook setup.

Synchronous on purpose — it runs in Frappe's scheduler and request workers. `send_message` never
raises: whatever happens becomes a `SendResult` the outbox knows how to retry. The other methods raise
`TelegramApiError` / `TelegramNetworkError`, because their callers act on the spot.

The bot token is part of every URL; it is scrubbed from every error text this module produces so it
never lands in an outbox row or a log.
"""

from __future__ import annotations

import hmac
import re
from dataclasses import dataclass
from typing import Any

import requests

from support_hub.engine.outbox import SendResult

# Telegram's cloud Bot API serves bots files of at most 20 MB.
BOT_DOWNLOAD_LIMIT = 20 * 1024 * 1024
_SECRET_TOKEN = re.compile(r"^[A-Za-z0-9_-]{1,256}$")


class TelegramError(Exception):
    pass


class TelegramNetworkError(TelegramError):
    """No usable answer: refused, timed out, or not the Bot API speaking (a proxy's 502 page)."""


class TelegramApiError(TelegramError):
    """The Bot API answered ok=false."""

    def __init__(self, method: str, error_code: int, description: str, parameters: dict | None = None):
        super().__init__(f"{method}: {error_code} {description}")
        self.method = method
        self.error_code = error_code
        self.description = description
        self.parameters = parameters or {}


class FileTooLarge(TelegramError):
    def __init__(self, size: int | None, max_bytes: int):
        shown = f"{size} bytes" if size is not None else "more bytes"
        super().__init__(f"file is too large: {shown}, the limit is {max_bytes} bytes")
        self.size = size
        self.max_bytes = max_bytes


@dataclass(frozen=True)
class TelegramFile:
    file_id: str
    file_unique_id: str
    file_size: int | None
    file_path: str | None  # relative path for download_file; None when Telegram will not serve it


class TelegramClient:
    def __init__(
        self,
        token: str,
        base_url: str = "https://api.telegram.org",
        timeout: float = 10,
        session: requests.Session | None = None,
    ):
        self.token = token
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.session = session or requests.Session()

    # --- alerts ---------------------------------------------------------------------------------

    def send_message(
        self,
        chat_id: int | str,
        text: str,
        parse_mode: str | None = "HTML",
        reply_markup: dict | None = None,
        disable_web_page_preview: bool = True,
    ) -> SendResult:
        params: dict[str, Any] = {"chat_id": chat_id, "text": text}
        if parse_mode:
            params["parse_mode"] = parse_mode
        if reply_markup:
            params["reply_markup"] = reply_markup
        if disable_web_page_preview:
            # Ticket links would otherwise unfurl into a preview of the desk's login page.
            params["link_preview_options"] = {"is_disabled": True}
        try:
            response = self.session.post(self._method_url("sendMessage"), json=params, timeout=self.timeout)
        except requests.RequestException as exc:
            return SendResult.transient(self._scrub(f"{type(exc).__name__}: {exc}"))
        return classify_send(response.status_code, _json_or_none(response))

    # --- general calls --------------------------------------------------------------------------

    def call(self, method: str, params: dict | None = None, timeout: float | None = None) -> Any:
        """Call a Bot API method; returns its `result` or raises."""
        try:
            response = self.session.post(self._method_url(method), json=params or {}, timeout=timeout or self.timeout)
        except requests.RequestException as exc:
            raise TelegramNetworkError(self._scrub(f"{method}: {type(exc).__name__}: {exc}")) from None
        payload = _json_or_none(response)
        if payload is None:
            raise TelegramNetworkError(f"{method}: HTTP {response.status_code} without a Bot API answer")
        if not payload.get("ok"):
            raise TelegramApiError(
                method,
                int(payload.get("error_code") or response.status_code),
                self._scrub(str(payload.get("description") or "")),
                payload.get("parameters"),
            )
        return payload.get("result")

    def get_me(self) -> dict:
        return self.call("getMe")

    def get_file(self, file_id: str) -> TelegramFile:
        result = self.call("getFile", {"file_id": file_id})
        return TelegramFile(
            file_id=result["file_id"],
            file_unique_id=result.get("file_unique_id", ""),
            file_size=result.get("file_size"),
            file_path=result.get("file_path"),
        )

    def download_file(self, file_path: str, max_bytes: int = BOT_DOWNLOAD_LIMIT) -> bytes:
        """The file's bytes; raises FileTooLarge rather than read past `max_bytes`."""
        url = f"{self.base_url}/file/bot{self.token}/{file_path.lstrip('/')}"
        try:
            with self.session.get(url, stream=True, timeout=self.timeout) as response:
                if response.status_code != 200:
                    raise TelegramApiError("download", response.status_code, response.reason or "")
                announced = response.headers.get("Content-Length")
                if announced is not None and announced.isdigit() and int(announced) > max_bytes:
                    raise FileTooLarge(int(announced), max_bytes)
                # Count while reading too: the length header may be missing or wrong.
                chunks, received = [], 0
                for chunk in response.iter_content(chunk_size=64 * 1024):
                    received += len(chunk)
                    if received > max_bytes:
                        raise FileTooLarge(None, max_bytes)
                    chunks.append(chunk)
                return b"".join(chunks)
        except requests.RequestException as exc:
            raise TelegramNetworkError(self._scrub(f"download: {type(exc).__name__}: {exc}")) from None

    def set_webhook(
        self,
        url: str,
        secret_token: str,
        allowed_updates: tuple[str, ...] = ("message", "edited_message", "callback_query"),
        drop_pending_updates: bool = False,
    ) -> bool:
        """Point Telegram at `url`; it will send `secret_token` in X-Telegram-Bot-Api-Secret-Token."""
        if not _SECRET_TOKEN.match(secret_token or ""):
            raise ValueError("secret_token must be 1-256 characters of A-Z, a-z, 0-9, _ and -")
        params = {
            "url": url,
            "secret_token": secret_token,
            "allowed_updates": list(allowed_updates),
            "drop_pending_updates": drop_pending_updates,
        }
        return bool(self.call("setWebhook", params))

    def set_my_commands(self, commands: list[dict[str, str]], language_code: str | None = None) -> bool:
        """The bot's "/" command list; for users whose app speaks `language_code`, or everyone else (None)."""
        params: dict[str, Any] = {"commands": commands}
        if language_code:
            params["language_code"] = language_code
        return bool(self.call("setMyCommands", params))

    def answer_callback_query(self, callback_query_id: str, text: str | None = None) -> bool:
        """Stop the spinner Telegram shows on a pressed inline button (optionally with a short notice)."""
        params: dict[str, Any] = {"callback_query_id": callback_query_id}
        if text:
            params["text"] = text
        return bool(self.call("answerCallbackQuery", params))

    def remove_inline_keyboard(self, chat_id: int | str, message_id: int) -> bool:
        """Take the inline keyboard off a message the bot sent (its buttons are spent)."""
        return bool(self.call("editMessageReplyMarkup", {"chat_id": chat_id, "message_id": message_id,
                                                         "reply_markup": {"inline_keyboard": []}}))

    def delete_webhook(self, drop_pending_updates: bool = False) -> bool:
        return bool(self.call("deleteWebhook", {"drop_pending_updates": drop_pending_updates}))

    def get_webhook_info(self) -> dict:
        return self.call("getWebhookInfo")

    def _method_url(self, method: str) -> str:
        return f"{self.base_url}/bot{self.token}/{method}"

    def _scrub(self, text: str) -> str:
        return text.replace(self.token, "<token>") if self.token else text


def classify_send(status: int, payload: dict | None) -> SendResult:
    """Map a sendMessage answer to what the outbox should do about it."""
    if payload is not None and payload.get("ok"):
        result = payload.get("result") or {}
        return SendResult.ok(result.get("message_id") if isinstance(result, dict) else None)
    if payload is None:
        # A 5xx page from a proxy or Telegram's front end, or a garbled body: the API was not reached.
        return SendResult.transient(f"HTTP {status} without a Bot API answer")
    code = int(payload.get("error_code") or status)
    description = str(payload.get("description") or f"HTTP {status}")
    parameters = payload.get("parameters") or {}
    if code == 429:
        retry_after = parameters.get("retry_after")
        if retry_after is not None:
            return SendResult.wait(float(retry_after), description)
        return SendResult.transient(description)
    if code >= 500:
        return SendResult.transient(description)
    if code in (401, 404):
        # A revoked or mistyped token fails every message alike; keep them queued until it is fixed
        # instead of failing a day's alerts in a second.
        return SendResult.transient(f"{description} (check the bot token)")
    if parameters.get("migrate_to_chat_id"):
        return SendResult.permanent(description, migrate_to_chat_id=int(parameters["migrate_to_chat_id"]))
    return SendResult.permanent(description)


def secret_token_matches(received: str | None, expected: str) -> bool:
    """Check a webhook request's X-Telegram-Bot-Api-Secret-Token in constant time."""
    return bool(received) and bool(expected) and hmac.compare_digest(received.encode(), expected.encode())


def _json_or_none(response: requests.Response) -> dict | None:
    try:
        payload = response.json()
    except ValueError:
        return None
    return payload if isinstance(payload, dict) and "ok" in payload else None
