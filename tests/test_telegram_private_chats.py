"""The customer bot talks in private chats only: messages and buttons from groups, supergroups and
channels are no conversation, by long polling and through to_incoming (the webhook's translation)."""

import asyncio
import time

import pytest
from conftest_telegram import fake_telegram  # noqa: F401  (fixture)
from support_hub.fakes.telegram import TOKEN
from telegram import Update

from support_hub.fakes.bot_store import InMemoryStore
from support_hub.integrations.telegram.client import TelegramClient
from support_hub.integrations.telegram.ptb_app import build_application, to_incoming

ACCOUNTS = {"ACC-1001": "ООО Ромашка"}
PRIVATE_CHAT = 4343


def message_in(chat_type: str, chat_id: int, text: str = "help", update_id: int = 10) -> dict:
    chat = {"id": chat_id, "type": chat_type, "title": "Somewhere"}
    return {"update_id": update_id, "message": {"message_id": 1, "date": int(time.time()), "chat": chat,
                                                "from": {"id": 777, "is_bot": False, "first_name": "Ivan"},
                                                "text": text}}


def button_in(chat_type: str, chat_id: int, data: str = "m:new", update_id: int = 11, with_message: bool = True) -> dict:
    query = {"id": "cbq-1", "from": {"id": 777, "is_bot": False, "first_name": "Ivan"}, "chat_instance": "ci",
             "data": data}
    if with_message:
        query["message"] = {"message_id": 2, "date": int(time.time()), "text": "menu",
                            "chat": {"id": chat_id, "type": chat_type}}
    return {"update_id": update_id, "callback_query": query}


@pytest.mark.parametrize("chat_type, chat_id", [("group", -100500), ("supergroup", -1001234), ("channel", -1009876)])
def test_messages_and_buttons_outside_private_chats_are_not_conversations(chat_type, chat_id):
    assert to_incoming(Update.de_json(message_in(chat_type, chat_id), None)) is None
    assert to_incoming(Update.de_json(button_in(chat_type, chat_id), None)) is None


def test_a_button_without_a_message_is_ignored():
    assert to_incoming(Update.de_json(button_in("private", PRIVATE_CHAT, with_message=False), None)) is None


def test_private_chats_still_are():
    incoming = to_incoming(Update.de_json(message_in("private", PRIVATE_CHAT, "hi"), None))
    assert (incoming.chat_id, incoming.text) == (PRIVATE_CHAT, "hi")
    pressed = to_incoming(Update.de_json(button_in("private", PRIVATE_CHAT, "m:list"), None))
    assert (pressed.chat_id, pressed.callback_data) == (PRIVATE_CHAT, "m:list")


def test_long_polling_answers_only_the_private_chat(fake_telegram):  # noqa: F811
    fake = fake_telegram
    store = InMemoryStore(ACCOUNTS, ["Other"], telegram=TelegramClient(TOKEN, base_url=fake.url))

    async def run():
        app = build_application(TOKEN, lambda: store, base_url=fake.api_base, base_file_url=fake.file_base)
        async with app:
            await app.start()
            await app.updater.start_polling(poll_interval=0, timeout=1)
            try:
                fake.push_update(message_in("group", -100500, "help", update_id=101))
                fake.push_update(button_in("supergroup", -1001234, "m:new", update_id=102))
                fake.push_update(message_in("channel", -1009876, "news", update_id=103))
                fake.push_update(message_in("private", PRIVATE_CHAT, "hello", update_id=104))
                deadline = time.monotonic() + 10
                while not fake.texts(PRIVATE_CHAT) and time.monotonic() < deadline:
                    await asyncio.sleep(0.02)
                await asyncio.sleep(0.3)  # room for a wrong answer to arrive
            finally:
                await app.updater.stop()
                await app.stop()

    asyncio.run(run())
    assert fake.texts(PRIVATE_CHAT), "the private chat was answered"
    assert {m["chat_id"] for m in fake.sent} == {PRIVATE_CHAT}
    assert store.seen == {104}
    assert not fake.callback_answers


@pytest.mark.parametrize("chat_type, chat_id", [("group", -100500), ("supergroup", -1001234)])
def test_edits_and_contact_cards_in_groups_are_not_conversations_either(chat_type, chat_id):
    edited = message_in(chat_type, chat_id, "поправка")
    edited["edited_message"] = edited.pop("message")
    assert to_incoming(Update.de_json(edited, None)) is None
    card = message_in(chat_type, chat_id)
    del card["message"]["text"]
    card["message"]["contact"] = {"phone_number": "79123456701", "first_name": "Ivan", "user_id": 777}
    assert to_incoming(Update.de_json(card, None)) is None
