import socket

import pytest
from conftest_telegram import fake_telegram  # noqa: F401  (fixture)
from support_hub.fakes.telegram import TOKEN

from support_hub.engine.outbox import SendKind
from support_hub.integrations.telegram.client import (
    FileTooLarge,
    TelegramApiError,
    TelegramClient,
    TelegramNetworkError,
    classify_send,
    secret_token_matches,
)


@pytest.fixture
def client(fake_telegram):  # noqa: F811
    return TelegramClient(TOKEN, base_url=fake_telegram.url, timeout=2)


def test_send_message_ok(client, fake_telegram):  # noqa: F811
    markup = {"inline_keyboard": [[{"text": "Open", "url": "https://desk.example"}]]}
    result = client.send_message(42, "<b>Горит срок</b>", reply_markup=markup)
    assert result.kind is SendKind.OK
    assert result.message_id == fake_telegram.sent[0]["message_id"]
    sent = fake_telegram.sent[0]
    assert (sent["chat_id"], sent["text"], sent["parse_mode"]) == (42, "<b>Горит срок</b>", "HTML")
    assert sent["reply_markup"] == markup
    assert sent["link_preview_options"] == {"is_disabled": True}


def test_429_becomes_retry_after(client, fake_telegram):  # noqa: F811
    fake_telegram.fail_next(1, status=429, retry_after=3)
    result = client.send_message(42, "x")
    assert result.kind is SendKind.RETRY_AFTER
    assert result.retry_after == 3
    assert "Too Many Requests" in result.error
    assert client.send_message(42, "x").kind is SendKind.OK  # only the next one failed


def test_outage_is_transient(client, fake_telegram):  # noqa: F811
    fake_telegram.outage(True)
    result = client.send_message(42, "x")
    assert result.kind is SendKind.TRANSIENT
    assert "502" in result.error
    fake_telegram.outage(False)
    assert client.send_message(42, "x").kind is SendKind.OK


def test_blocked_bot_is_permanent(client, fake_telegram):  # noqa: F811
    fake_telegram.block(42)
    result = client.send_message(42, "x")
    assert result.kind is SendKind.PERMANENT
    assert "blocked" in result.error
    fake_telegram.fail_next(1, status=400, description="Bad Request: chat not found")
    assert client.send_message(43, "x").kind is SendKind.PERMANENT


def test_wrong_token_keeps_alerts_queued_and_is_not_leaked(fake_telegram):  # noqa: F811
    client = TelegramClient("999:WRONG", base_url=fake_telegram.url)
    result = client.send_message(42, "x")
    assert result.kind is SendKind.TRANSIENT
    assert "check the bot token" in result.error
    with pytest.raises(TelegramApiError) as caught:
        client.get_me()
    assert caught.value.error_code == 401


def test_network_errors_are_transient_and_scrubbed():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed once we leave: connection refused
    client = TelegramClient(TOKEN, base_url=f"http://127.0.0.1:{port}", timeout=1)
    result = client.send_message(42, "x")
    assert result.kind is SendKind.TRANSIENT
    assert "ConnectionError" in result.error
    assert TOKEN not in result.error
    with pytest.raises(TelegramNetworkError) as caught:
        client.get_me()
    assert TOKEN not in str(caught.value)


def test_timeout_is_transient(fake_telegram):  # noqa: F811
    fake_telegram.delay(0.5)
    client = TelegramClient(TOKEN, base_url=fake_telegram.url, timeout=0.1)
    result = client.send_message(42, "x")
    assert result.kind is SendKind.TRANSIENT
    assert "Timeout" in result.error


def test_classify_send_edge_cases():
    assert classify_send(200, {"ok": True, "result": {"message_id": 5}}).message_id == 5
    assert classify_send(502, None).kind is SendKind.TRANSIENT
    assert classify_send(429, {"ok": False, "error_code": 429, "description": "x"}).kind is SendKind.TRANSIENT
    migrated = classify_send(
        400,
        {
            "ok": False,
            "error_code": 400,
            "description": "Bad Request: group chat was upgraded to a supergroup chat",
            "parameters": {"migrate_to_chat_id": -100777},
        },
    )
    assert migrated.kind is SendKind.PERMANENT and migrated.migrate_to_chat_id == -100777
    assert classify_send(500, {"ok": False, "error_code": 500, "description": "Internal"}).kind is SendKind.TRANSIENT


def test_get_file_and_download(client, fake_telegram):  # noqa: F811
    file_id = fake_telegram.add_file(b"%PDF-1.7 hello", file_path="documents/file_1.pdf")
    info = client.get_file(file_id)
    assert (info.file_id, info.file_size, info.file_path) == (file_id, 14, "documents/file_1.pdf")
    assert client.download_file(info.file_path, max_bytes=1024) == b"%PDF-1.7 hello"


def test_oversize_download_is_refused(client, fake_telegram):  # noqa: F811
    file_id = fake_telegram.add_file(b"x" * 5000)
    path = client.get_file(file_id).file_path
    with pytest.raises(FileTooLarge) as caught:
        client.download_file(path, max_bytes=4096)
    assert caught.value.size == 5000
    assert "too large" in str(caught.value)


def test_oversize_download_without_length_header_is_refused_while_reading(client, fake_telegram):  # noqa: F811
    file_id = fake_telegram.add_file(b"y" * 300_000, send_length=False)
    path = client.get_file(file_id).file_path
    with pytest.raises(FileTooLarge):
        client.download_file(path, max_bytes=100_000)
    assert len(client.download_file(path, max_bytes=300_000)) == 300_000


def test_telegram_refuses_files_over_twenty_megabytes(client, fake_telegram):  # noqa: F811
    file_id = fake_telegram.add_file(b"z", size=25 * 1024 * 1024)
    with pytest.raises(TelegramApiError) as caught:
        client.get_file(file_id)
    assert "too big" in caught.value.description


def test_webhook_setup(client, fake_telegram):  # noqa: F811
    assert client.set_webhook("https://desk.example/api/method/tg", "s3cret-TOKEN_1")
    assert fake_telegram.webhook["secret_token"] == "s3cret-TOKEN_1"
    assert fake_telegram.webhook["allowed_updates"] == ["message", "edited_message", "callback_query"]
    assert client.get_webhook_info()["url"] == "https://desk.example/api/method/tg"
    assert client.delete_webhook()
    assert client.get_webhook_info()["url"] == ""
    with pytest.raises(ValueError):
        client.set_webhook("https://desk.example/x", "not allowed!")


def test_secret_token_check():
    assert secret_token_matches("abc", "abc")
    assert not secret_token_matches("abd", "abc")
    assert not secret_token_matches(None, "abc")
    assert not secret_token_matches("", "")
