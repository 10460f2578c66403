from datetime import datetime, timedelta

import pytest

from support_hub.engine.reopening import reply_reopens

NOW = datetime(2026, 3, 10, 12, 0)


@pytest.mark.parametrize("status", ["Waiting for Customer", "Solution Proposed", "Resolved"])
def test_a_reply_reopens_a_ticket_waiting_answered_or_resolved(status):
    assert reply_reopens(status, None, NOW, 0)


@pytest.mark.parametrize("status", ["Open", "In Progress", "In Development", "Postponed", None])
def test_a_reply_to_a_ticket_being_worked_on_just_joins_it(status):
    assert not reply_reopens(status, NOW - timedelta(days=1), NOW, 7)


def test_a_closed_ticket_reopens_only_within_the_window():
    assert reply_reopens("Closed", NOW - timedelta(days=7), NOW, 7)
    assert not reply_reopens("Closed", NOW - timedelta(days=7, seconds=1), NOW, 7)
    assert not reply_reopens("Closed", NOW - timedelta(hours=1), NOW, 0) and reply_reopens("Closed", NOW, NOW, 0)
    assert not reply_reopens("Closed", None, NOW, 30)  # closed without ever being resolved: no date to count from


# --- after resolving: thanks, a new question, a late question ----------------------------------------

from support_hub.engine.reopening import ChatRoute, chat_message_route, is_thanks  # noqa: E402


@pytest.mark.parametrize("text", ["Спасибо!", "спасибо большое 🙏", "Спасибо, всё работает", "Благодарю",
                                  "Thanks", "thank you so much!", "thanks, all good 👍", "🙏", "👍"])
def test_a_thank_you_is_recognised(text):
    assert is_thanks(text)


@pytest.mark.parametrize("text", ["Спасибо, а когда доставка?", "Спасибо, но не работает", "Заказ 123, спасибо",
                                  "ок", "Да", "Нет", "", None, "Привет", "спасибо " * 20])
def test_a_question_or_anything_else_is_no_thank_you(text):
    assert not is_thanks(text)


def test_a_thank_you_reopens_no_resolved_or_closed_ticket():
    assert not reply_reopens("Resolved", NOW, NOW, 7, "Спасибо!")
    assert not reply_reopens("Closed", NOW, NOW, 7, "thanks")
    assert reply_reopens("Resolved", NOW, NOW, 7, "Спасибо, но снова не работает")
    assert reply_reopens("Waiting for Customer", None, NOW, 7, "Спасибо!")  # the customer was asked something


def test_a_chat_message_to_a_resolved_ticket():
    resolved = NOW - timedelta(hours=5)
    assert chat_message_route("Resolved", resolved, NOW, 72, "Спасибо!") is ChatRoute.THANKS
    assert chat_message_route("Resolved", resolved, NOW, 72, "А снова не грузится") is ChatRoute.ADD
    late = NOW - timedelta(hours=72, seconds=1)
    assert chat_message_route("Resolved", late, NOW, 72, "А снова не грузится") is ChatRoute.NEW
    assert chat_message_route("Resolved", late, NOW, 72, "Спасибо!") is ChatRoute.THANKS  # never a new ticket
    assert chat_message_route("Resolved", late, NOW, 72, "Спасибо!", has_files=True) is ChatRoute.NEW
    assert chat_message_route("Resolved", NOW - timedelta(hours=72), NOW, 72, "ещё") is ChatRoute.ADD  # the edge
    for status in ("Open", "Waiting for Customer", "Solution Proposed"):
        assert chat_message_route(status, late, NOW, 72, "Спасибо!") is ChatRoute.ADD
