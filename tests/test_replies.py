import re
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from support_hub.engine.calendar import BusinessCalendar, weekly_hours
from support_hub.engine.replies import (
    BUSINESS_HOURS,
    OUTSIDE_HOURS,
    WEEKEND_OR_HOLIDAY,
    AutoReplyTemplate,
    build_context,
    choose_auto_reply,
    humanize_due,
    situation,
)

MSK = ZoneInfo("Europe/Moscow")
# 2026-03-06 is a Friday; 2026-03-09 (Monday) is a holiday in this calendar.
CAL = BusinessCalendar(MSK, weekly_hours(range(5), time(9), time(18)), holidays=[date(2026, 3, 9)])


def at(*args):
    return datetime(*args, tzinfo=MSK)


ANY_ANY = AutoReplyTemplate("Generic", None, "Any", "We got it")
ANY_IN = AutoReplyTemplate("In hours", None, "Business Hours", "We are on it")
ANY_OUT = AutoReplyTemplate("After hours", None, "Outside Hours", "We are closed", {"Email": "Call us if urgent"})
ANY_WEEKEND = AutoReplyTemplate("Weekend", None, "Weekend or Holiday", "Enjoy the weekend")
TG_ANY = AutoReplyTemplate("Telegram", "Telegram", "Any", "Got it in Telegram")
ALL = [ANY_ANY, ANY_IN, ANY_OUT, ANY_WEEKEND, TG_ANY]


def choose(channel, created, templates=ALL, due=None):
    return choose_auto_reply(channel, created, due, CAL, templates)


@pytest.mark.parametrize(
    "created, expected",
    [
        (at(2026, 3, 6, 17, 59), BUSINESS_HOURS),  # Friday just before closing
        (at(2026, 3, 6, 18, 0), OUTSIDE_HOURS),  # closing moment: answered on the next working day
        (at(2026, 3, 6, 18, 30), OUTSIDE_HOURS),  # Friday evening
        (at(2026, 3, 6, 8, 59), OUTSIDE_HOURS),
        (at(2026, 3, 6, 9, 0), BUSINESS_HOURS),
        (at(2026, 3, 7, 12, 0), WEEKEND_OR_HOLIDAY),  # Saturday
        (at(2026, 3, 9, 12, 0), WEEKEND_OR_HOLIDAY),  # Monday holiday
        (at(2026, 3, 10, 12, 0), BUSINESS_HOURS),
    ],
)
def test_situation(created, expected):
    assert situation(created, CAL) == expected


def test_situation_uses_calendar_zone():
    # 06:30 UTC is 09:30 in Moscow
    assert situation(datetime(2026, 3, 6, 6, 30, tzinfo=ZoneInfo("UTC")), CAL) == BUSINESS_HOURS


def test_choice_across_friday_evening_and_weekend():
    assert choose("Email", at(2026, 3, 6, 17, 0)).template is ANY_IN
    evening = choose("Email", at(2026, 3, 6, 18, 30))
    assert evening.template is ANY_OUT and evening.extra_line == "Call us if urgent"
    assert choose("Email", at(2026, 3, 7, 10, 0)).template is ANY_WEEKEND
    assert choose("Web", at(2026, 3, 9, 10, 0)).template is ANY_WEEKEND  # holiday


def test_weekend_falls_back_to_outside_hours_then_any():
    assert choose("Email", at(2026, 3, 7, 10, 0), [ANY_ANY, ANY_OUT]).template is ANY_OUT
    assert choose("Email", at(2026, 3, 7, 10, 0), [ANY_IN, ANY_ANY]).template is ANY_ANY
    assert choose("Email", at(2026, 3, 6, 20, 0), [ANY_IN, ANY_WEEKEND]) is None


def test_channel_specific_template_wins():
    assert choose("Telegram", at(2026, 3, 7, 10, 0)).template is TG_ANY
    assert choose("Telegram", at(2026, 3, 6, 10, 0)).template is TG_ANY
    tg_in = AutoReplyTemplate("TG in", "Telegram", "Business Hours", "x")
    assert choose("Telegram", at(2026, 3, 6, 10, 0), ALL + [tg_in]).template is tg_in
    assert choose("Telegram", at(2026, 3, 6, 20, 0), ALL + [tg_in]).template is TG_ANY


def test_earlier_template_wins_a_tie():
    twin = AutoReplyTemplate("Generic 2", None, "Any", "twin")
    assert choose("Email", at(2026, 3, 6, 10, 0), [ANY_ANY, twin]).template is ANY_ANY


@pytest.mark.parametrize("channel", ["Phone", "phone", " PHONE "])
def test_phone_gets_no_auto_reply(channel):
    assert choose(channel, at(2026, 3, 6, 10, 0)) is None


def test_no_templates():
    assert choose("Email", at(2026, 3, 6, 10, 0), []) is None


def test_context_builder():
    created = at(2026, 3, 6, 18, 30)
    due = at(2026, 3, 10, 10, 0)  # Monday is a holiday, so Tuesday
    choice = choose("Email", created, due=due)
    ctx = build_context(choice, now=created, tz=MSK, lang="en", ticket="T-1", customer_name="Acme")
    assert ctx["ticket"] == "T-1" and ctx["customer_name"] == "Acme"
    assert ctx["due_human"] == "Tuesday at 10:00"
    assert ctx["due_time"] == "10:00" and ctx["due_local"] == "2026-03-10 10:00"
    assert ctx["extra_line"] == "Call us if urgent" and ctx["situation"] == OUTSIDE_HOURS
    ru = build_context(choice, now=created, tz="Europe/Moscow", lang="ru")
    assert ru["due_human"] == "во вторник в 10:00"
    without_due = build_context(choose("Email", created), now=created, tz=MSK)
    assert without_due["due_human"] == ""


# ----- humanize_due ---------------------------------------------------------------------------

NOW = at(2026, 3, 6, 15, 0)  # Friday


@pytest.mark.parametrize(
    "due, en, ru",
    [
        (at(2026, 3, 6, 18, 30), "today before 18:30", "сегодня до 18:30"),
        (at(2026, 3, 7, 10, 0), "tomorrow at 10:00", "завтра в 10:00"),
        (at(2026, 3, 9, 10, 0), "Monday at 10:00", "в понедельник в 10:00"),
        (at(2026, 3, 10, 9, 5), "Tuesday at 09:05", "во вторник в 09:05"),
        (at(2026, 3, 11, 10, 0), "Wednesday at 10:00", "в среду в 10:00"),
        (at(2026, 3, 12, 10, 0), "Thursday at 10:00", "в четверг в 10:00"),
        (at(2026, 3, 13, 10, 0), "on 13 March at 10:00", "13 марта в 10:00"),
        (at(2027, 1, 2, 10, 0), "on 2 January 2027 at 10:00", "2 января 2027 в 10:00"),
    ],
)
def test_humanize(due, en, ru):
    assert humanize_due(due, NOW, MSK, "en") == en
    assert humanize_due(due, NOW, MSK, "ru") == ru


def test_humanize_weekend_names_in_russian():
    thursday = at(2026, 3, 5, 12, 0)
    assert humanize_due(at(2026, 3, 7, 10, 0), thursday, MSK, "ru") == "в субботу в 10:00"
    assert humanize_due(at(2026, 3, 8, 10, 0), thursday, MSK, "ru") == "в воскресенье в 10:00"
    assert humanize_due(at(2026, 3, 6, 10, 0), thursday, MSK, "ru") == "завтра в 10:00"


def test_humanize_uses_the_customer_zone():
    # 23:30 UTC on Friday is already Saturday 02:30 in Moscow
    due = datetime(2026, 3, 6, 23, 30, tzinfo=ZoneInfo("UTC"))
    assert humanize_due(due, NOW, MSK) == "tomorrow at 02:30"
    assert humanize_due(due, NOW, "UTC") == "today before 23:30"


@settings(max_examples=300)
@given(
    st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2030, 1, 1)),
    st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=60)),
    st.sampled_from(["en", "ru"]),
    st.sampled_from(["Europe/Moscow", "UTC", "Asia/Vladivostok", "America/New_York"]),
)
def test_humanize_always_mentions_the_local_due_time(now, ahead, lang, tz):
    zone = ZoneInfo(tz)
    now = now.replace(tzinfo=zone)
    due = now + ahead
    text = humanize_due(due, now, zone, lang)
    assert due.astimezone(zone).strftime("%H:%M") in text
    assert re.search(r"\d\d:\d\d", text)
