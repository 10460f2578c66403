import itertools

import pytest

from support_hub.fakes.bot_store import InMemoryStore
from support_hub.integrations.telegram import bot_texts
from support_hub.integrations.telegram.bot_flow import (
    Attachment,
    BotConfig,
    DEFAULT_CONFIG,
    ChatState,
    Incoming,
    Step,
    files_to_download,
    handle,
    inline_keyboard,
    rating_request,
    bot_commands,
    reply_markup_json,
    status_text,
)

ACCOUNTS = {"ACC-1001": "ООО Ромашка", "ACC-2002": "ACME Ltd", "ACC-3003": "Horns & Hooves"}
TOPICS = ["Не работает сайт", "Бухгалтерия и документы", "Другое"]
MB = 1024 * 1024


class Chat:
    """One customer talking to the bot; remembers the buttons last shown, like a Telegram client."""

    update_ids = itertools.count(1)

    def __init__(self, store, chat_id=100, config=DEFAULT_CONFIG):
        self.store = store
        self.chat_id = chat_id
        self.config = config
        self.buttons = {}
        self.keyboard = set()  # the persistent menu: its buttons send their label as a message
        self.last = []

    def _run(self, incoming):
        self.last = handle(self.store, incoming, self.config)
        for reply in self.last:
            assert reply.chat_id == self.chat_id
            for row in reply.buttons:
                for button in row:
                    self.buttons[button.text] = button.data
            self.keyboard.update(label for row in reply.keyboard for label in row)
        return self.last

    def send(self, text=None, *attachments, update_id=None):
        update_id = update_id or next(self.update_ids)
        return self._run(Incoming(update_id, self.chat_id, self.chat_id, text, None, tuple(attachments)))

    def press(self, label):
        if label not in self.buttons and label in self.keyboard:
            return self.send(label)
        if label not in self.buttons:
            self.send("/menu")  # the customer opens the menu to find the button (e.g. Profile)
        return self._run(Incoming(next(self.update_ids), self.chat_id, self.chat_id, None, self.buttons[label]))

    def text(self):
        return "\n".join(r.text for r in self.last)

    def labels(self):
        return [b.text for r in self.last for row in r.buttons for b in row]

    def keyboard_labels(self):
        return [label for r in self.last for row in r.keyboard for label in row]

    def state(self):
        return self.store.get_state(self.chat_id)


@pytest.fixture
def store():
    return InMemoryStore(ACCOUNTS, TOPICS)


def registered(store, chat_id=100, lang="ru"):
    chat = Chat(store, chat_id)
    if lang == "en":
        store.set_state(chat_id, ChatState(lang="en"))
    chat.send("/start")
    chat.send("ACC-1001")
    return chat


def voice(size=12_000, file_id="VOICE-1"):
    return Attachment("voice", file_id, "UV1", size, None, "audio/ogg")


def photo(size=300_000, file_id="PHOTO-1"):
    return Attachment("photo", file_id, "UP1", size, None, "image/jpeg")


def document(size, name="report.pdf", file_id="DOC-1"):
    return Attachment("document", file_id, "UD1", size, name, "application/pdf")


# --- registration --------------------------------------------------------------------------------


def test_registration_asks_for_account_id_with_a_hint(store):
    chat = Chat(store)
    chat.send("/start")
    assert "ID аккаунта" in chat.text()
    assert "личном кабинете" in chat.text()
    assert chat.state().step is Step.AWAIT_ACCOUNT
    chat.send("ACC-1001")
    assert "ООО Ромашка" in chat.text()
    assert chat.keyboard_labels() == ["📝 Новая заявка", "📋 Мои заявки"]  # the persistent menu
    assert store.active_account(100) == "ACC-1001"
    assert store.list_accounts(100) == ["ACC-1001"]


def test_unknown_account_id_gets_a_clear_message(store):
    chat = Chat(store)
    chat.send("/start")
    chat.send("  <ACC-9999>  ")
    assert "<code>&lt;ACC-9999&gt;</code> не найден" in chat.text()
    assert store.active_account(100) is None
    chat.send("x" * 500)  # absurd input is not even looked up
    assert "не найден" in chat.text()
    chat.send("ACC-2002")
    assert store.active_account(100) == "ACC-2002"


def test_messages_before_registration_create_nothing(store):
    chat = Chat(store)
    chat.send("Здравствуйте, у нас не работает сайт!")
    assert "ID аккаунта" in chat.text()
    chat.send(None, photo())
    assert "ID аккаунта" in chat.text()
    chat.send("Алло?", document(1000))
    assert "ID аккаунта" in chat.text()
    assert store.tickets == {}
    assert store.active_account(100) is None
    # Buttons from an old session do nothing either.
    chat.buttons["stale"] = "m:new"
    chat.press("stale")
    assert "ID аккаунта" in chat.text() and store.tickets == {}


def test_first_hello_is_not_taken_for_an_account_id(store):
    store.known_accounts["Hello"] = "Trap Inc"
    chat = Chat(store)
    chat.send("Hello")
    assert store.active_account(100) is None


def test_a_greeting_instead_of_an_account_id_gets_help_on_signing_in(store):
    chat = Chat(store)
    chat.send("/start")
    for greeting in ("Здравствуйте!", "Здравствуйте", "Добрый день, не могу войти", "hello"):
        chat.send(greeting)
        assert "не найден" not in chat.text(), greeting
        assert "войдите" in chat.text() and "ID аккаунта" in chat.text(), greeting
        assert chat.state().step is Step.AWAIT_ACCOUNT
    chat.send("ACC-9999")  # something that looks like an ID is still looked up
    assert "не найден" in chat.text()
    chat.send("ACC-1001")
    assert store.active_account(100) == "ACC-1001"


@pytest.mark.parametrize("command", ["/status", "/start", "/help", "/new", "/my", "/menu", "/whatever", "/my@bot"])
def test_commands_are_never_ticket_text(store, command):
    chat = registered(store)
    chat.send("/new")
    chat.press("Другое")
    assert chat.state().step is Step.DESCRIBE
    chat.send(command)  # while the bot waits for a description
    assert store.tickets == {}
    assert chat.text() and "создана" not in chat.text()
    chat.send("/new")
    chat.press("Другое")
    chat.send("Не работает сайт")
    (number,) = store.tickets
    chat.send(command)  # with an open ticket: still not a message of it
    assert store.tickets[number].messages == [("Не работает сайт", ())]
    assert "Добавлено" not in chat.text()


def test_status_and_my_list_tickets_new_starts_one(store):
    chat = registered(store)
    chat.send("/new")
    assert chat.labels()[:3] == TOPICS
    chat.press("Другое")
    chat.send("Акт не пришёл")
    (number,) = store.tickets
    for command in ("/status", "/my"):
        chat.send(command)
        assert number in chat.text() and "Акт не пришёл" in chat.text()
    chat.send("/help")
    assert "/new" in chat.text() and "/my" in chat.text()


def test_commands_before_sign_in_ask_for_the_account(store):
    chat = Chat(store)
    for command in ("/status", "/new", "/my", "/help"):
        chat.send(command)
        assert "ID аккаунта" in chat.text() and "не найден" not in chat.text()
    assert store.tickets == {} and store.active_account(100) is None


def test_start_deep_link_registers_in_one_step(store):
    chat = Chat(store)
    chat.send("/start ACC-2002")
    assert store.active_account(100) == "ACC-2002"
    assert "ACME Ltd" in chat.text()
    chat.send("/start")
    assert "С возвращением" in chat.text()


def test_english_texts(store):
    chat = registered(store, lang="en")
    assert "ACC-1001" in chat.text() and "How can we help?" in chat.text()
    assert chat.keyboard_labels() == ["📝 New ticket", "📋 My tickets"]


def test_custom_account_hint(store):
    chat = Chat(store, config=BotConfig(account_hint={"ru": "Смотрите счёт <внизу>"}))
    chat.send("hi")
    assert "Смотрите счёт &lt;внизу&gt;" in chat.text()


# --- tickets -------------------------------------------------------------------------------------


def test_create_ticket_with_topic_then_messages_go_to_it(store):
    chat = registered(store)
    chat.press("📝 Новая заявка")
    assert chat.labels() == TOPICS + ["⬅️ Меню"]
    chat.press("Бухгалтерия и документы")
    assert "Бухгалтерия и документы" in chat.text()
    assert store.tickets == {}
    chat.send("Не пришёл акт за апрель")
    (number,) = store.tickets
    ticket = store.tickets[number]
    assert "заявка" in chat.text().lower() and number in chat.text()
    assert (ticket.account_id, ticket.topic, ticket.subject) == (
        "ACC-1001",
        "Бухгалтерия и документы",
        "Не пришёл акт за апрель",
    )
    chat.send("И счёт тоже")
    chat.send("Вот скрин", photo())
    chat.send(None, document(2 * MB))
    assert [m[0] for m in ticket.messages] == ["Не пришёл акт за апрель", "И счёт тоже", "Вот скрин", ""]
    assert ticket.messages[2][1] == (photo(),)
    assert ticket.messages[3][1][0].file_id == "DOC-1"
    assert len(store.tickets) == 1


def test_voice_message_goes_into_the_ticket(store):
    chat = registered(store)
    chat.press("📝 Новая заявка")
    chat.press("Другое")
    chat.send(None, voice())  # a voice message alone may open the ticket
    (ticket,) = store.tickets.values()
    assert ticket.messages == [("", (voice(),))]
    assert ticket.subject == "Другое"
    chat.send(None, voice(file_id="VOICE-2"))
    assert ticket.messages[1][1][0].file_id == "VOICE-2"
    assert "Добавлено" in chat.text()


def test_typing_instead_of_choosing_a_topic_asks_again(store):
    chat = registered(store)
    chat.press("📝 Новая заявка")
    chat.send("у меня проблема")
    assert "Сначала выберите тему" in chat.text()
    assert chat.labels()[:3] == TOPICS
    assert store.tickets == {}


def test_without_topics_the_description_comes_at_once(store):
    store.topics = []
    chat = registered(store)
    chat.press("📝 Новая заявка")
    assert "Опишите проблему" in chat.text()
    chat.send("Help")
    (ticket,) = store.tickets.values()
    assert ticket.topic is None


def test_closed_ticket_takes_no_more_messages(store):
    chat = registered(store)
    chat.press("📝 Новая заявка")
    chat.press("Другое")
    chat.send("Первое")
    (number,) = store.tickets
    store.close_ticket(number)
    chat.send("Ещё вопрос")
    assert "нет открытой заявки" in chat.text()
    assert "📝 Новая заявка" in chat.labels()
    assert len(store.tickets[number].messages) == 1


def test_a_resolved_ticket_takes_thanks_without_reopening_and_a_late_question_opens_a_new_one(store):
    from datetime import datetime, timedelta, timezone

    chat = registered(store)
    number = open_ticket(chat, store)
    store.close_ticket(number, "Resolved", resolved_on=datetime.now(timezone.utc) - timedelta(hours=2))
    chat.send("Спасибо!")
    assert "остаётся решённой" in chat.text()
    assert store.tickets[number].messages[-1][0] == "Спасибо!"  # on the ticket, for the agents to see
    chat.send("А теперь не открывается отчёт")  # within the window: the same ticket (the site reopens it)
    assert store.tickets[number].messages[-1][0] == "А теперь не открывается отчёт" and len(store.tickets) == 1
    store.tickets[number].resolved_on = datetime.now(timezone.utc) - timedelta(hours=DEFAULT_CONFIG.reopen_hours + 1)
    chat.send("Новый вопрос про счёт")
    assert len(store.tickets) == 2
    newer = store.ticket_of_chat(chat.chat_id)
    assert newer != number and store.tickets[newer].messages == [("Новый вопрос про счёт", ())]
    assert number in chat.text() and newer in chat.text()
    chat.send("Ещё деталь")  # the new ticket is the chat's ticket now
    assert store.tickets[newer].messages[-1][0] == "Ещё деталь"


def test_registered_without_ticket_gets_the_menu(store):
    chat = registered(store)
    chat.send("просто текст")
    assert "нет открытой заявки" in chat.text()
    assert store.tickets == {}


def test_my_active_tickets(store):
    chat = registered(store)
    chat.press("📋 Мои заявки")
    assert "Активных заявок нет" in chat.text()
    for subject in ("Сайт <лежит>", "Акт"):
        chat.press("📝 Новая заявка")
        chat.press("Другое")
        chat.send(subject)
    first, second = sorted(store.tickets)
    store.tickets[first].status = "Waiting for Customer"
    chat.press("📋 Мои заявки")
    text = chat.text()
    assert f"№ {first}</b> — Сайт &lt;лежит&gt; — ждёт вашего ответа" in text  # statuses in Russian
    assert f"№ {second}</b> — Акт — открыта ✏️" in text  # messages go to the latest
    assert text.index(second) < text.index(first)
    store.close_ticket(second)
    chat.press("📋 Мои заявки")
    assert second not in chat.text()


def test_unsupported_message_in_a_ticket(store):
    chat = registered(store)
    chat.press("📝 Новая заявка")
    chat.press("Другое")
    chat.send("")  # a sticker: no text, no file
    assert "не поддерживаются" in chat.text()
    assert store.tickets == {}


# --- files ---------------------------------------------------------------------------------------


def test_oversized_file_is_refused_and_not_attached(store):
    chat = registered(store)
    chat.press("📝 Новая заявка")
    chat.press("Другое")
    chat.send(None, document(25 * MB, name="dump <1>.zip"))
    assert "«dump &lt;1&gt;.zip» слишком большой (25 МБ)" in chat.text()
    assert "до 20 МБ" in chat.text()
    assert store.tickets == {}  # nothing to open a ticket with yet
    chat.send("Лог прилагаю", document(25 * MB), photo())
    (ticket,) = store.tickets.values()
    assert ticket.messages == [("Лог прилагаю", (photo(),))]
    assert "слишком большой" in chat.text()


def test_file_limit_is_configurable(store):
    chat = registered(store)
    chat.config = BotConfig(max_file_bytes=1 * MB)
    chat.press("📝 Новая заявка")
    chat.press("Другое")
    chat.send("Скрин", photo(size=2 * MB))
    assert "до 1 МБ" in chat.text()
    assert list(store.tickets.values())[0].messages == [("Скрин", ())]


def test_files_to_download_only_for_what_will_be_kept(store):
    stranger = Incoming(1000, 555, 555, None, None, (photo(),))
    assert files_to_download(store, stranger) == []
    chat = registered(store)
    incoming = Incoming(1001, 100, 100, "x", None, (photo(), document(25 * MB)))
    assert files_to_download(store, incoming) == []  # signed in, but no ticket to put them in
    chat.press("📝 Новая заявка")
    assert files_to_download(store, incoming) == []  # choosing a topic: the message is not kept
    chat.press("Другое")
    assert files_to_download(store, incoming) == [photo()]
    assert 1001 not in store.seen  # asking changed nothing


# --- profile -------------------------------------------------------------------------------------


def test_profile_add_switch_remove_logout(store):
    chat = registered(store)
    chat.press("👤 Профиль")
    assert "<code>ACC-1001</code> — активный" in chat.text()
    chat.press("➕ Добавить ID аккаунта")
    chat.send("ACC-404")
    assert "не найден" in chat.text()
    chat.send("ACC-2002")
    assert "добавлен и выбран активным" in chat.text()
    assert store.list_accounts(100) == ["ACC-1001", "ACC-2002"]
    assert store.active_account(100) == "ACC-2002"

    chat.press("👤 Профиль")
    chat.press("Выбрать ACC-1001")
    assert store.active_account(100) == "ACC-1001"
    assert "<code>ACC-1001</code> — активный" in chat.text()

    chat.press("✖ Удалить ACC-1001")  # the active one: the other takes over
    assert store.list_accounts(100) == ["ACC-2002"]
    assert store.active_account(100) == "ACC-2002"

    chat.press("🚪 Выйти")
    assert store.list_accounts(100) == [] and store.active_account(100) is None
    assert "Вы вышли" in chat.text()
    chat.send("Есть кто?")
    assert store.tickets == {}
    chat.send("ACC-3003")
    assert "Horns &amp; Hooves" in chat.text()


def test_removing_the_last_account_logs_out(store):
    chat = registered(store)
    chat.press("👤 Профиль")
    chat.press("✖ Удалить ACC-1001")
    assert store.active_account(100) is None
    assert "Вы вышли" in chat.text()


def test_adding_an_account_twice(store):
    chat = registered(store)
    chat.press("👤 Профиль")
    chat.press("➕ Добавить ID аккаунта")
    chat.send("ACC-1001")
    assert "уже подключён" in chat.text()
    assert store.list_accounts(100) == ["ACC-1001"]


def test_stale_account_button(store):
    chat = registered(store)
    chat.press("👤 Профиль")
    chat.press("➕ Добавить ID аккаунта")
    chat.send("ACC-2002")
    chat.press("👤 Профиль")
    switch = chat.buttons["Выбрать ACC-1001"]
    chat.press("✖ Удалить ACC-1001")
    chat.buttons["old"] = switch
    chat.press("old")
    assert "неактуальна" in chat.text()
    assert store.active_account(100) == "ACC-2002"


def test_language_switch(store):
    chat = registered(store)
    chat.press("👤 Профиль")
    chat.press("🌐 English")
    assert "Language: English" in chat.text()
    chat.press("⬅️ Menu")
    assert chat.labels() == ["📝 New ticket", "📋 My tickets", "👤 Profile"]
    assert chat.state().lang == "en"


# --- rating --------------------------------------------------------------------------------------


def open_ticket(chat, store):
    chat.press("📝 Новая заявка")
    chat.press("Другое")
    chat.send("Не работает")
    return store.ticket_of_chat(chat.chat_id)


def test_rating_then_comment(store):
    chat = registered(store)
    number = open_ticket(chat, store)
    store.close_ticket(number, "Resolved")
    reply = rating_request(store, 100, number)
    assert reply.chat_id == 100 and number in reply.text
    assert [b.text for b in reply.buttons[0]] == ["👎", "😐", "👍"]
    assert inline_keyboard(reply.buttons)["inline_keyboard"][0][0] == {"text": "👎", "callback_data": f"r:bad:{number}"}
    chat.buttons.update({b.text: b.data for b in reply.buttons[0]})
    chat.press("😐")
    assert store.ratings[number] == ("ok", None)
    assert "Пропустить" in chat.labels()
    chat.send("Долго отвечали")
    assert store.ratings[number] == ("ok", "Долго отвечали")
    assert "Комментарий сохранён" in chat.text()
    chat.send("а это уже не комментарий")
    assert store.ratings[number] == ("ok", "Долго отвечали")


def test_rating_skip_comment(store):
    chat = registered(store)
    number = open_ticket(chat, store)
    reply = rating_request(store, 100, number)
    chat.buttons.update({b.text: b.data for b in reply.buttons[0]})
    chat.press("👍")
    chat.press("Пропустить")
    assert store.ratings[number] == ("great", None)
    assert chat.state().step is Step.IDLE
    chat.send("Новый вопрос")  # goes to the still-open ticket, not into the rating
    assert store.tickets[number].messages[-1][0] == "Новый вопрос"


def test_rating_a_ticket_not_offered_is_refused(store):
    chat = registered(store)
    chat.buttons["forged"] = "r:bad:TCK-99999"
    chat.press("forged")
    assert store.ratings == {}
    assert "неактуальна" in chat.text()


def test_a_second_press_does_not_change_the_rating(store):
    chat = registered(store)
    number = open_ticket(chat, store)
    reply = rating_request(store, 100, number)
    chat.buttons.update({b.text: b.data for b in reply.buttons[0]})
    chat.press("👍")
    chat.press("Пропустить")
    chat.press("👎")  # an old keyboard still on screen
    assert store.ratings[number] == ("great", None)
    assert "уже оценена" in chat.text()
    assert chat.state().step is Step.IDLE  # no comment is awaited for a refused rating
    chat.send("Ещё вопрос")
    assert store.ratings[number] == ("great", None)


def test_rating_works_after_logout(store):
    chat = registered(store)
    number = open_ticket(chat, store)
    reply = rating_request(store, 100, number)
    chat.press("👤 Профиль")
    chat.press("🚪 Выйти")
    chat.buttons.update({b.text: b.data for b in reply.buttons[0]})
    chat.press("👎")
    assert store.ratings[number] == ("bad", None)


# --- delivery ------------------------------------------------------------------------------------


def test_duplicate_update_is_processed_once(store):
    chat = registered(store)
    chat.press("📝 Новая заявка")
    chat.press("Другое")
    first = chat.send("Раз", update_id=777)
    again = chat.send("Раз", update_id=777)
    assert first and again == []
    (ticket,) = store.tickets.values()
    assert ticket.messages == [("Раз", ())]


def test_state_survives_serialisation(store):
    registered(store)
    state = store.get_state(100)
    assert ChatState.from_dict(state.to_dict()) == state
    assert ChatState.from_dict({"step": "idle", "unknown_future_field": 1}).step is Step.IDLE


# --- the way back: persistent menu, command list ---------------------------------------------------


def test_the_persistent_menu_comes_after_sign_in_and_after_a_ticket_is_filed(store):
    chat = registered(store)
    markup = reply_markup_json(chat.last[-1])
    assert markup == {"keyboard": [[{"text": "📝 Новая заявка"}, {"text": "📋 Мои заявки"}]],
                      "resize_keyboard": True, "is_persistent": True}
    chat.send("📝 Новая заявка")
    assert chat.labels()[:3] == TOPICS
    chat.press("Другое")
    chat.send("📋 Мои заявки")  # typed while the bot waits for a description: the list, not a ticket
    assert store.tickets == {} and "Активных заявок нет" in chat.text()
    chat.send("/new")
    chat.press("Другое")
    chat.send("Не открывается отчёт")
    (number,) = store.tickets
    assert number in chat.text() and chat.keyboard_labels() == ["📝 Новая заявка", "📋 Мои заявки"]
    chat.send("📋 Мои заявки")  # with an open ticket: not a message of it either
    assert store.tickets[number].messages == [("Не открывается отчёт", ())] and number in chat.text()


def test_the_menu_labels_of_either_language_work(store):
    chat = registered(store)
    chat.send("📋 My tickets")
    assert "Активных заявок нет" in chat.text()


def test_command_list_in_russian_and_english():
    ru, en = bot_commands("ru"), bot_commands("en")
    assert [c["command"] for c in ru] == [c["command"] for c in en] == ["new", "my", "status", "help"]
    assert ru[0]["description"] == "Новая заявка" and en[0]["description"] == "New ticket"
    assert all(1 <= len(c["description"]) <= 256 for c in ru + en)  # Telegram's limits


# --- the customer's language -----------------------------------------------------------------------


def test_every_text_exists_in_both_languages():
    assert set(bot_texts.RU) == set(bot_texts.EN)
    assert all(bot_texts.RU[k].count("{") == bot_texts.EN[k].count("{") for k in bot_texts.RU)


def test_every_ticket_status_has_a_russian_and_an_english_name():
    import json
    import pathlib

    doctype = pathlib.Path(__file__).parents[1] / "apps/support_hub/support_hub/support_hub/doctype/ticket/ticket.json"
    field = next(f for f in json.loads(doctype.read_text())["fields"] if f["fieldname"] == "status")
    for status in filter(None, field["options"].split("\n")):
        assert "status_" + status in bot_texts.RU and "status_" + status in bot_texts.EN, status
    assert status_text("ru", "Open") == "открыта" and status_text("en", "Open") == "open"
    assert status_text("ru", "Something new") == "Something new"


def test_an_english_telegram_app_gets_english_from_the_first_message(store):
    chat = Chat(store, chat_id=300)
    chat._run(Incoming(next(Chat.update_ids), 300, 300, "/start", language_code="en"))
    assert "account ID" in chat.text()
    chat._run(Incoming(next(Chat.update_ids), 300, 300, "ACC-1001", language_code="en"))
    chat.send("/new")
    chat.press("Другое")
    chat.send("Invoice missing")
    (number,) = store.tickets
    store.tickets[number].status = "Waiting for Customer"
    chat.send("/my")
    assert f"#{number}</b> — Invoice missing — waiting for your reply" in chat.text()
    assert "Your active tickets" in chat.text()


@pytest.mark.parametrize("code", [None, "ru", "de", "uk", "english"])
def test_any_other_telegram_app_language_gets_russian(store, code):
    chat = Chat(store, chat_id=301)
    chat._run(Incoming(next(Chat.update_ids), 301, 301, "/start", language_code=code))
    assert "ID аккаунта" in chat.text()


def test_the_chosen_language_outlasts_the_apps(store):
    chat = registered(store)  # Russian
    chat._run(Incoming(next(Chat.update_ids), 100, 100, "/my", language_code="en"))
    assert "Активных заявок нет" in chat.text()
    chat._run(Incoming(next(Chat.update_ids), 100, 100, "/start", language_code="en-GB"))
    assert "С возвращением" in chat.text()


# --- edited messages -------------------------------------------------------------------------------


def edit(chat, message_id, text):
    return chat._run(Incoming(next(Chat.update_ids), chat.chat_id, chat.chat_id, text, message_id=message_id,
                              edited=True))


def test_an_edited_message_reaches_its_ticket_as_an_edit(store):
    chat = registered(store)
    chat.send("/new")
    chat.press("Другое")
    chat._run(Incoming(next(Chat.update_ids), 100, 100, "Не работает сайт", message_id=501))
    (number,) = store.tickets
    chat._run(Incoming(next(Chat.update_ids), 100, 100, "Ошибка 500", message_id=502))
    step = chat.state().step
    edit(chat, 501, "Не работает сайт и почта")
    edit(chat, 502, "Ошибка 502")
    assert store.tickets[number].edits == [(501, "Не работает сайт и почта"), (502, "Ошибка 502")]
    assert [text for text, _ in store.tickets[number].messages] == ["Не работает сайт", "Ошибка 500"]  # kept
    assert f"№ {number}" in chat.text() and "Исправление" in chat.text()
    assert chat.state().step is step  # an edit is no step of the conversation


def test_edits_of_what_never_was_ticket_text_change_nothing(store):
    chat = Chat(store)
    chat._run(Incoming(next(Chat.update_ids), 100, 100, "Здравствуйте", message_id=600))
    assert edit(chat, 600, "Здравствуйте!") == []  # not signed in
    chat = registered(store)
    chat._run(Incoming(next(Chat.update_ids), 100, 100, "/new", message_id=601))
    state = chat.state()
    assert edit(chat, 601, "/my") == [] and edit(chat, 601, "Текст") == []  # a command is not in a ticket
    assert chat.state() == state and store.tickets == {}
    assert files_to_download(store, Incoming(1, 100, 100, "x", attachments=(photo(),), edited=True)) == []


# --- signing in by phone -------------------------------------------------------------------------------

from support_hub.integrations.telegram.bot_flow import SharedContact, normalize_shared_phone  # noqa: E402


def share(chat, phone, user_id="self"):
    """The customer taps the contact-sharing button (their own card), or sends someone else's."""
    owner = chat.chat_id if user_id == "self" else user_id
    return chat._run(Incoming(next(chat.update_ids), chat.chat_id, chat.chat_id, contact=SharedContact(phone, owner)))


@pytest.mark.parametrize("raw", ["79123456701", "+79123456701", "89123456701", "+7 (912) 345-67-01"])
def test_a_shared_number_is_normalised(raw):
    assert normalize_shared_phone(raw) == "+79123456701"


def test_a_shared_number_of_another_country_keeps_its_code():
    assert normalize_shared_phone("4915123456789") == "+4915123456789"
    assert normalize_shared_phone("") is None and normalize_shared_phone("12") is None


def test_the_sign_in_prompt_offers_the_phone_button_first(store):
    chat = Chat(store)
    (reply,) = chat.send("/start")
    markup = reply_markup_json(reply)
    assert markup["keyboard"] == [[{"text": "📱 Войти по номеру телефона", "request_contact": True}]]
    assert reply.text.index("номеру телефона") < reply.text.index("ID аккаунта")  # phone first, ID the other way
    (reply,) = chat.send("Здравствуйте!")
    assert reply_markup_json(reply)["keyboard"][0][0]["request_contact"]


def test_signing_in_with_ones_own_number(store):
    store.phones.append(("+79123456701", "ACC-2002"))
    chat = Chat(store)
    chat.send("/start")
    share(chat, "79123456701")  # as Telegram sends it: international, no "+"
    assert store.active_account(100) == "ACC-2002"
    assert "ACME Ltd" in chat.text()
    assert reply_markup_json(chat.last[-1])["keyboard"][0][0] == {"text": "📝 Новая заявка"}  # the menu replaces it


@pytest.mark.parametrize("owner", [555, None])
def test_someone_elses_contact_is_refused(store, owner):
    store.phones.append(("+79123456701", "ACC-2002"))
    chat = Chat(store)
    chat.send("/start")
    share(chat, "79123456701", user_id=owner)  # forwarded, or picked from the address book
    assert store.active_account(100) is None and store.list_accounts(100) == []
    assert "только по своему номеру" in chat.text()
    assert chat.state().step is Step.AWAIT_ACCOUNT
    chat.send("ACC-1001")  # the account ID still works
    assert store.active_account(100) == "ACC-1001"
    share(chat, "79123456701", user_id=owner)  # signed in: still refused, nothing added
    assert store.list_accounts(100) == ["ACC-1001"] and "чужой контакт" in chat.text()


def test_an_unknown_or_shared_number_asks_for_the_account_id(store):
    store.phones += [("+79123456702", "ACC-1001"), ("+79123456702", "ACC-3003")]
    chat = Chat(store)
    chat.send("/start")
    share(chat, "79123456789")
    assert "+79123456789 не найден" in chat.text() and "ID аккаунта" in chat.text()
    share(chat, "79123456702")  # two customers have it: no guessing
    assert store.active_account(100) is None
    assert reply_markup_json(chat.last[-1])["keyboard"][0][0]["request_contact"]


def test_the_deep_link_still_signs_in_in_one_step(store):
    chat = Chat(store)
    chat.send("/start ACC-3003")
    assert store.active_account(100) == "ACC-3003"


def test_a_signed_in_customer_adds_an_account_by_phone(store):
    store.phones.append(("+79123456701", "ACC-2002"))
    chat = registered(store)
    share(chat, "+79123456701")
    assert store.list_accounts(100) == ["ACC-1001", "ACC-2002"] and store.active_account(100) == "ACC-2002"
