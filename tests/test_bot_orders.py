"""The customer bot offers the account's recent orders as buttons after the topic, and the ticket it
opens names the one picked; a forged or stale button links nothing."""

from datetime import date

from support_hub.fakes.bot_store import InMemoryStore
from support_hub.integrations.telegram.bot_flow import Incoming, OrderChoice, Step, money_text, order_label

from test_bot_flow import ACCOUNTS, TOPICS, Chat, registered  # the bot tests' chat driver

ORDERS = [OrderChoice("SAL-ORD-2026-00015", date(2026, 12, 2), 2340.0, "RUB"),
          OrderChoice("SAL-ORD-2026-00012", date(2026, 11, 28), 418.8, "RUB")]


def shop():
    store = InMemoryStore(ACCOUNTS, TOPICS)
    store.orders["ACC-1001"] = list(ORDERS)
    store.orders["ACC-2002"] = [OrderChoice("SAL-ORD-2026-00099", date(2026, 12, 1), 99.0, "RUB")]
    return store


def test_the_label_reads_like_a_receipt():
    assert order_label("ru", ORDERS[0]) == "Заказ № SAL-ORD-2026-00015 от 02.12, 2\u00a0340\u00a0₽"
    assert order_label("en", ORDERS[1]) == "Order No. SAL-ORD-2026-00012 of 28.11, 419\u00a0₽"
    assert money_text(12.5, "USD") == "12.50 USD"
    assert order_label("ru", OrderChoice("SO-1")) == "Заказ № SO-1"


def test_after_the_topic_her_orders_are_buttons_and_the_ticket_names_the_one_picked():
    store = shop()
    chat = registered(store)
    chat.press("📝 Новая заявка")
    chat.press("Другое")
    assert chat.state().step is Step.CHOOSE_ORDER
    assert chat.labels() == [order_label("ru", o) for o in ORDERS] + ["Не по заказу"]
    chat.press(order_label("ru", ORDERS[0]))
    assert "SAL-ORD-2026-00015" in chat.text()
    chat.send("Привезли не тот хлеб")
    (ticket,) = store.tickets.values()
    assert (ticket.order, ticket.topic, ticket.subject) == ("SAL-ORD-2026-00015", "Другое", "Привезли не тот хлеб")
    assert chat.state().order is None  # the next ticket starts afresh


def test_not_about_an_order_or_just_writing_links_none():
    store = shop()
    chat = registered(store)
    chat.press("📝 Новая заявка")
    chat.press("Другое")
    chat.press("Не по заказу")
    assert chat.state().step is Step.DESCRIBE
    chat.send("Как поменять адрес доставки?")
    chat2 = registered(store, chat_id=101)
    chat2.press("📝 Новая заявка")
    chat2.press("Другое")
    chat2.send("Просто вопрос")  # wrote instead of picking
    assert sorted((t.chat_id, t.order) for t in store.tickets.values()) == [(100, None), (101, None)]


def test_a_forged_button_for_someone_elses_order_links_nothing():
    store = shop()
    chat = registered(store)
    chat.press("📝 Новая заявка")
    chat.press("Другое")
    chat._run(Incoming(9999, chat.chat_id, chat.chat_id, None, "o:0.deadbeef"))  # checksum of no offered order
    assert chat.state().step is not Step.DESCRIBE or chat.state().order is None
    assert store.tickets == {}


def test_an_account_without_orders_goes_straight_to_the_description():
    store = InMemoryStore(ACCOUNTS, TOPICS)
    chat = registered(store)
    chat.press("📝 Новая заявка")
    chat.press("Другое")
    assert chat.state().step is Step.DESCRIBE


def test_the_store_links_only_the_accounts_own_orders():
    store = shop()
    number = store.create_ticket(100, "ACC-1001", None, "текст", (), order="SAL-ORD-2026-00099")
    assert store.tickets[number].order is None
