"""python-telegram-bot 22 wired to the bot flow, against the fake Bot API over real HTTP."""

import asyncio
import logging
import time

import pytest
from conftest_telegram import fake_telegram  # noqa: F401  (fixture)
from support_hub.fakes.telegram import TOKEN

from support_hub.fakes.bot_store import InMemoryStore
from support_hub.integrations.telegram.bot_flow import inline_keyboard, rating_request
from support_hub.integrations.telegram.client import TelegramClient
from support_hub.integrations.telegram.ptb_app import build_application

ACCOUNTS = {"ACC-1001": "ООО Ромашка"}
TOPICS = ["Не работает сайт", "Другое"]
CHAT = 4242


async def until(predicate, timeout=5.0):
    """Wait without blocking the event loop the application runs on."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        await asyncio.sleep(0.01)


def app_for(fake, store):
    return build_application(TOKEN, lambda: store, base_url=fake.api_base, base_file_url=fake.file_base)


@pytest.fixture
def no_errors_logged(caplog):
    caplog.set_level(logging.WARNING)
    yield
    problems = [r for r in caplog.records if r.levelno >= logging.ERROR or r.name.startswith("support_hub")]
    assert not problems, [r.getMessage() for r in problems]


def test_a_whole_conversation_by_long_polling(fake_telegram, no_errors_logged):  # noqa: F811
    fake = fake_telegram
    store = InMemoryStore(ACCOUNTS, TOPICS, telegram=TelegramClient(TOKEN, base_url=fake.url))

    async def conversation():
        app = app_for(fake, store)
        await app.initialize()
        await app.start()
        await app.updater.start_polling(poll_interval=0, timeout=1)
        try:
            await talk(fake, store)
        finally:
            await app.updater.stop()
            await app.stop()
            await app.shutdown()
        assert not app.running and not app.updater.running

    asyncio.run(conversation())
    # The shutdown confirmed every fetched update, so a restart would not replay any.
    assert fake.pending_updates() == 0


async def talk(fake, store):
    def sent(n):
        return lambda: len(fake.texts(CHAT)) >= n

    fake.push_message(CHAT, "Здравствуйте")  # before registration
    await until(sent(1))
    assert "ID аккаунта" in fake.texts(CHAT)[-1]

    fake.push_message(CHAT, "ACC-1001")
    await until(sent(2))
    menu = fake.sent[-1]
    assert "ООО Ромашка" in menu["text"] and menu["parse_mode"] == "HTML"
    # The persistent menu under the input field, as a reply keyboard.
    keyboard = menu["reply_markup"]
    assert [b["text"] for row in keyboard["keyboard"] for b in row] == ["📝 Новая заявка", "📋 Мои заявки"]
    assert keyboard["is_persistent"] and keyboard["resize_keyboard"]

    fake.press(CHAT, "📝 Новая заявка")  # a reply keyboard button sends its label
    await until(sent(3))
    assert "Выберите тему" in fake.texts(CHAT)[-1]
    topics = fake.sent[-1]

    fake.press(CHAT, "Другое")
    await until(sent(4))
    await until(lambda: fake.callback_answers and fake.edits)
    assert fake.edits[-1]["message_id"] == topics["message_id"]  # the spent keyboard was removed
    fake.push_message(CHAT, "Не открывается личный кабинет")
    await until(sent(5))
    (number,) = store.tickets
    assert number in fake.texts(CHAT)[-1]

    voice_bytes = b"OggS\x00\x02" + bytes(range(256)) * 20
    fake.push_voice(CHAT, voice_bytes)
    await until(sent(6))
    assert "Добавлено" in fake.texts(CHAT)[-1]
    text, (voice,) = store.tickets[number].messages[-1]
    assert (text, voice.kind, voice.content, voice.mime_type) == ("", "voice", voice_bytes, "audio/ogg")

    photo_bytes = b"\xff\xd8\xff" + b"jpeg" * 1000
    fake.push_photo(CHAT, photo_bytes, caption="Скриншот")
    await until(sent(7))
    text, (photo,) = store.tickets[number].messages[-1]
    assert (text, photo.kind, photo.content) == ("Скриншот", "photo", photo_bytes)  # the largest size

    big = fake.push_document(CHAT, b"tiny", file_name="dump.zip", size=25 * 1024 * 1024)
    await until(sent(8))
    assert "слишком большой" in fake.texts(CHAT)[-1]
    assert len(store.tickets[number].messages) == 3
    big_id = big["message"]["document"]["file_id"]
    fetched = [params["file_id"] for method, params in fake.calls if method == "getFile"]
    assert big_id not in fetched and len(fetched) == 2  # the voice and the photo, nothing else

    # The desk resolves the ticket and sends the rating request through the outbound client.
    store.close_ticket(number, "Resolved")
    request = rating_request(store, CHAT, number)
    client = TelegramClient(TOKEN, base_url=fake.url)
    result = await asyncio.to_thread(
        client.send_message, CHAT, request.text, reply_markup=inline_keyboard(request.buttons)
    )
    assert result.message_id
    fake.press(CHAT, "👎")
    await until(sent(10))
    assert "Спасибо за оценку 👎" in fake.texts(CHAT)[-1]
    fake.push_message(CHAT, "Долго ждали ответа")
    await until(sent(11))
    assert store.ratings[number] == ("bad", "Долго ждали ответа")


def test_store_factory_may_be_a_context_manager(fake_telegram):  # noqa: F811
    """As `bench support-hub-telegram` runs it: each step of an update opens a site session that
    commits when the step succeeds."""
    fake = fake_telegram
    store = InMemoryStore(ACCOUNTS, TOPICS, telegram=TelegramClient(TOKEN, base_url=fake.url))
    sessions = []

    class Session:
        def __enter__(self):
            sessions.append("open")
            return store

        def __exit__(self, *exc):
            sessions.append("commit" if exc[0] is None else "rollback")

    async def polling():
        app = build_application(TOKEN, Session, base_url=fake.api_base, base_file_url=fake.file_base)
        await app.initialize()
        await app.start()
        await app.updater.start_polling(poll_interval=0, timeout=1)
        try:
            fake.push_message(CHAT, "hi")
            await until(lambda: fake.texts(CHAT))
        finally:
            await app.updater.stop()
            await app.stop()
            await app.shutdown()

    asyncio.run(polling())
    assert sessions and sessions[0] == "open" and "rollback" not in sessions
    assert sessions.count("open") == sessions.count("commit")
    assert "ID аккаунта" in fake.texts(CHAT)[0]


def test_an_edited_message_reaches_the_ticket_by_long_polling(fake_telegram, no_errors_logged):  # noqa: F811
    fake = fake_telegram
    store = InMemoryStore(ACCOUNTS, TOPICS, telegram=TelegramClient(TOKEN, base_url=fake.url))
    chat = CHAT + 1

    async def polling():
        app = app_for(fake, store)
        await app.initialize()
        await app.start()
        await app.updater.start_polling(poll_interval=0, timeout=1)
        try:
            for n, text in enumerate(["ACC-1001", "ACC-1001", "/new"], start=1):
                fake.push_message(chat, text)
                await until(lambda n=n: len(fake.texts(chat)) >= n)
            fake.press(chat, "Другое")
            await until(lambda: len(fake.texts(chat)) >= 4)
            first = fake.push_message(chat, "Не открывается кабинет")
            await until(lambda: store.tickets and len(fake.texts(chat)) >= 5)
            fake.push_edit(chat, first["message"]["message_id"], "Не открывается кабинет и почта")
            await until(lambda: len(fake.texts(chat)) >= 6)
        finally:
            await app.updater.stop()
            await app.stop()
            await app.shutdown()

    asyncio.run(polling())
    (number,) = store.tickets
    assert store.tickets[number].messages[0][0] == "Не открывается кабинет"
    assert [text for _, text in store.tickets[number].edits] == ["Не открывается кабинет и почта"]
    assert "Исправление добавлено" in fake.texts(chat)[-1]


def test_a_rating_by_long_polling_is_given_once_and_its_keyboard_is_spent(fake_telegram, no_errors_logged):  # noqa: F811
    fake = fake_telegram
    store = InMemoryStore(ACCOUNTS, TOPICS, telegram=TelegramClient(TOKEN, base_url=fake.url))
    chat = CHAT + 2
    client = TelegramClient(TOKEN, base_url=fake.url)

    async def polling():
        app = app_for(fake, store)
        await app.initialize()
        await app.start()
        await app.updater.start_polling(poll_interval=0, timeout=1)
        try:
            for n, text in enumerate(["/start", "ACC-1001", "/new"], start=1):
                fake.push_message(chat, text)
                await until(lambda n=n: len(fake.texts(chat)) >= n)
            fake.press(chat, "Другое")
            await until(lambda: len(fake.texts(chat)) >= 4)
            fake.push_message(chat, "Не открывается кабинет")
            await until(lambda: store.tickets and len(fake.texts(chat)) >= 5)
            (number,) = store.tickets
            store.close_ticket(number, "Resolved")
            request = rating_request(store, chat, number)
            await asyncio.to_thread(client.send_message, chat, request.text,
                                    reply_markup=inline_keyboard(request.buttons))
            shown = fake.sent[-1]
            press = fake.press(chat, "👎")
            await until(lambda: len(fake.texts(chat)) >= 7)
            await until(lambda: any(e["message_id"] == shown["message_id"] for e in fake.edits))
            assert press["callback_query"]["id"] in [a["callback_query_id"] for a in fake.callback_answers]
            fake.push_message(chat, "Долго ждали")
            await until(lambda: len(fake.texts(chat)) >= 8)
            later = fake.press(chat, "👍")  # the same keyboard, pressed again from another device
            await until(lambda: len(fake.texts(chat)) >= 9)
            await until(lambda: later["callback_query"]["id"] in [a["callback_query_id"] for a in fake.callback_answers])
            return number
        finally:
            await app.updater.stop()
            await app.stop()
            await app.shutdown()

    number = asyncio.run(polling())
    assert store.ratings[number] == ("bad", "Долго ждали")
    assert "уже оценена" in fake.texts(chat)[-1]


def test_a_reply_throttled_for_longer_than_ten_seconds_waits_and_keeps_its_place(fake_telegram, no_errors_logged):  # noqa: F811
    """Flood control asks for 11 s: the reply is not dropped; it is sent once, when Telegram allows, and
    what was queued for the chat after it (an agent's reply, the next answer) follows it, in order."""
    fake = fake_telegram
    store = InMemoryStore(ACCOUNTS, TOPICS, telegram=TelegramClient(TOKEN, base_url=fake.url))
    chat = CHAT + 3

    async def polling():
        app = app_for(fake, store)
        await app.initialize()
        await app.start()
        await app.updater.start_polling(poll_interval=0, timeout=1)
        try:
            fake.fail_next(1, status=429, retry_after=11)
            fake.push_message(chat, "/start")
            await until(lambda: store.outbox and store.outbox[0].item.attempts == 1)
            assert fake.texts(chat) == [] and store.outbox[0].item.status.value == "Queued"
            store.queue_message(chat, "Ответ агента", key="communication|X")
            fake.push_message(chat, "ACC-1001")
            await until(lambda: len(store.outbox) == 3)
            await asyncio.sleep(1)
            assert fake.texts(chat) == []  # nothing overtakes the throttled reply
            await until(lambda: len(fake.texts(chat)) >= 3, timeout=20)
            await asyncio.sleep(0.5)
        finally:
            await app.updater.stop()
            await app.stop()
            await app.shutdown()

    asyncio.run(polling())
    texts = fake.texts(chat)
    assert len(texts) == 3, texts
    assert "ID аккаунта" in texts[0] and texts[1] == "Ответ агента" and "ООО Ромашка" in texts[2]
    assert all(row.item.status.value == "Sent" for row in store.outbox)


def test_a_reply_that_meets_a_502_is_sent_once_telegram_is_back(fake_telegram):  # noqa: F811
    from datetime import timedelta

    from support_hub.engine.outbox import RetryPolicy

    fake = fake_telegram
    quick = RetryPolicy(first_delay=timedelta(seconds=0.5), max_delay=timedelta(seconds=1))
    store = InMemoryStore(ACCOUNTS, TOPICS, telegram=TelegramClient(TOKEN, base_url=fake.url), policy=quick)
    chat = CHAT + 4

    async def polling():
        app = app_for(fake, store)
        await app.initialize()
        await app.start()
        await app.updater.start_polling(poll_interval=0, timeout=1)
        try:
            fake.fail_next(2, status=502, method="sendMessage")
            fake.push_message(chat, "/start")
            await until(lambda: store.outbox and store.outbox[0].item.attempts >= 1)
            assert fake.texts(chat) == []
            await until(lambda: fake.texts(chat), timeout=10)
            await asyncio.sleep(1.5)  # a later retry would show up as a second copy
        finally:
            await app.updater.stop()
            await app.stop()
            await app.shutdown()

    asyncio.run(polling())
    (row,) = store.outbox
    assert (row.item.status.value, row.item.attempts) == ("Sent", 3)
    assert len(fake.texts(chat)) == 1 and "ID аккаунта" in fake.texts(chat)[0]
    attempts = [params for method, params in fake.calls if method == "sendMessage" and params["chat_id"] == chat]
    assert len(attempts) == 1  # the fake records only the send that got through


def test_signing_in_by_phone_over_long_polling(fake_telegram, no_errors_logged):  # noqa: F811
    fake = fake_telegram
    store = InMemoryStore(ACCOUNTS, TOPICS, telegram=TelegramClient(TOKEN, base_url=fake.url))
    store.phones.append(("+79123456701", "ACC-1001"))
    chat = CHAT + 5
    fake.phones[chat] = "79123456701"

    async def polling():
        app = app_for(fake, store)
        await app.initialize()
        await app.start()
        await app.updater.start_polling(poll_interval=0, timeout=1)
        try:
            fake.push_message(chat, "/start")
            await until(lambda: len(fake.texts(chat)) >= 1)
            prompt = fake.sent[-1]["reply_markup"]
            assert prompt["keyboard"] == [[{"text": "📱 Войти по номеру телефона", "request_contact": True}]]
            fake.share_contact(chat, "79123456701", user_id=chat + 1, forwarded=True)  # a friend's card
            await until(lambda: len(fake.texts(chat)) >= 2)
            assert "только по своему номеру" in fake.texts(chat)[-1] and store.active_account(chat) is None
            fake.press(chat, "📱 Войти по номеру телефона")  # Telegram sends the presser's own card
            await until(lambda: len(fake.texts(chat)) >= 3)
        finally:
            await app.updater.stop()
            await app.stop()
            await app.shutdown()

    asyncio.run(polling())
    assert store.active_account(chat) == "ACC-1001"
    assert "ООО Ромашка" in fake.texts(chat)[-1]
    assert fake.sent[-1]["reply_markup"]["keyboard"][0][0] == {"text": "📝 Новая заявка"}
