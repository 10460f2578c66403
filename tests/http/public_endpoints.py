"""Helpers for the HTTP tests of the app's public endpoints: settings over REST as Administrator, signed
PBX deliveries, Telegram pointed at a fake Bot API in this process, and what a refusal must look like."""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import uuid

import pytest

TELEPHONY_SECRET = "http-pbx-secret"
TELEGRAM_SECRET = "http-telegram-secret"
TEAM_CHAT = -100900100
MANAGER_CHAT = -100900200
# A traceback, or SQL from a query the bad value reached.
LEAK = re.compile(r"Traceback|File \"|\bselect\b.+\bfrom\b|`tab|pymysql|MySQLdb|OperationalError", re.I | re.S)


@pytest.fixture(scope="module")
def fake_telegram():
    """A fake Bot API on 127.0.0.1 in this process; the served site's worker sends to it. Test modules
    import this fixture: from public_endpoints import fake_telegram  # noqa: F401"""
    from support_hub.fakes.telegram import FakeTelegram

    with FakeTelegram() as fake:
        yield fake


def configure_telephony(admin, extensions: str = "") -> None:
    response = admin.update("Telephony Settings", "Telephony Settings", enabled=1, webhook_secret=TELEPHONY_SECRET,
                            support_extensions=extensions, send_rating_request=0)
    assert response.status_code == 200, response.text[:1000]


def configure_telegram(admin, fake) -> None:
    from support_hub.fakes.telegram import TOKEN

    response = admin.update("Telegram Settings", "Telegram Settings", enabled=1, bot_token=TOKEN, api_base_url=fake.url,
                            webhook_secret=TELEGRAM_SECRET, team_chat_id=str(TEAM_CHAT),
                            manager_chat_id=str(MANAGER_CHAT), alert_language="en", alert_ratings=0)
    assert response.status_code == 200, response.text[:1000]


def signed(body: bytes, secret: str = TELEPHONY_SECRET) -> str:
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def post_call_event(session, event: dict | bytes, content_type: str = "application/json", signature: str | None = None):
    body = event if isinstance(event, bytes) else json.dumps(event).encode()
    return session.post("/api/method/support_hub.api.telephony.event", data=body,
                        headers={"Content-Type": content_type, "X-Signature": signature or signed(body)})


def post_telegram_update(session, update: dict | bytes, content_type: str = "application/json",
                         secret: str = TELEGRAM_SECRET):
    body = update if isinstance(update, bytes) else json.dumps(update).encode()
    return session.post("/api/method/support_hub.api.telegram.webhook", data=body,
                        headers={"Content-Type": content_type, "X-Telegram-Bot-Api-Secret-Token": secret})


def call_event(kind: str, call_id: str, event_id: str, extension: str = "101", number: str = "+79160001122") -> dict:
    event = {"event": kind, "event_id": event_id, "call_id": call_id, "from_number": number,
             "to_number": "+74950000000", "extension": extension,
             "answered_at": "2026-05-18T10:00:12+03:00"}
    if kind == "call_finished":
        event["finished_at"] = "2026-05-18T10:04:40+03:00"
        event["duration"] = 268
    return event


def server_messages(response) -> list[str]:
    """The human-readable messages Frappe put into an error answer."""
    try:
        body = response.json()
    except ValueError:
        return []
    messages = []
    for raw in json.loads(body.get("_server_messages") or "[]"):
        item = json.loads(raw) if isinstance(raw, str) and raw.startswith("{") else raw
        messages.append(item.get("message") if isinstance(item, dict) else str(item))
    if isinstance(body.get("message"), dict) and body["message"].get("message"):
        messages.append(body["message"]["message"])
    return messages


def assert_refused(response, statuses=(400, 417), says: str | None = None) -> None:
    """A clear 4xx: the expected status, a message a person can read, no traceback or SQL in the body."""
    assert response.status_code in statuses, (response.status_code, response.text[:1500])
    assert not LEAK.search(response.text), response.text[:3000]
    body = response.json()
    assert "exc" not in body and "exception" not in body, body
    messages = server_messages(response)
    assert messages and all(m and len(m) < 300 for m in messages), body
    if says:
        assert any(says.lower() in m.lower() for m in messages), messages


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"
