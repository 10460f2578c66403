import re
from datetime import datetime, timedelta
from html.parser import HTMLParser

from hypothesis import given, settings
from hypothesis import strategies as st

from support_hub.engine.alerts import (
    Agent,
    customer_message,
    deadline_warning,
    format_duration,
    mention,
    rating_alert,
    should_alert_rating,
    sla_changed,
)

URL = "https://desk.example/app/ticket/TCK-00042"
# The tags Telegram's HTML parse mode accepts (the ones these builders may use).
TELEGRAM_TAGS = {"b", "i", "u", "s", "a", "code", "pre", "blockquote", "tg-spoiler", "span"}


class TagChecker(HTMLParser):
    """Fails on tags Telegram would reject and on unbalanced markup."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack = []
        self.text = []

    def handle_starttag(self, tag, attrs):
        assert tag in TELEGRAM_TAGS, tag
        self.stack.append(tag)

    def handle_endtag(self, tag):
        assert self.stack and self.stack.pop() == tag, tag

    def handle_data(self, data):
        self.text.append(data)


def visible(markup: str) -> str:
    checker = TagChecker()
    checker.feed(markup)
    checker.close()
    assert not checker.stack, checker.stack
    return "".join(checker.text)


IVAN = Agent("Иван Петров", telegram_username="ivan_petrov")


def test_deadline_warning_ru():
    text = deadline_warning(
        lang="ru",
        ticket="TCK-00042",
        subject="Не печатает <принтер>",
        target="First Response",
        time_left=timedelta(minutes=25),
        due=datetime(2026, 5, 4, 14, 30),
        assignee=IVAN,
        ticket_url=URL,
    )
    assert "@ivan_petrov" in text
    assert f'<a href="{URL}">№ TCK-00042</a>' in text
    assert "Не печатает &lt;принтер&gt;" in text
    assert "первый ответ" in text
    assert "Осталось: 25 мин" in text
    assert "04.05.2026 14:30" in text
    visible(text)


def test_deadline_warning_en_with_user_id_link_and_overdue():
    agent = Agent("Jane <Doe>", telegram_user_id=4242)
    text = deadline_warning(
        lang="en",
        ticket="TCK-00042",
        subject="Printer",
        target="Resolution",
        time_left=timedelta(hours=-1, minutes=-5),
        assignee=agent,
        ticket_url=URL,
    )
    assert '<a href="tg://user?id=4242">Jane &lt;Doe&gt;</a>' in text
    assert "#TCK-00042" in text
    assert "resolution" in text
    assert "Deadline passed 1 h 5 min ago" in text
    visible(text)


def test_deadline_warning_without_assignee():
    text = deadline_warning(lang="en", ticket="T", subject="S", target="Resolution", time_left=timedelta(hours=2))
    assert "no assignee" in text
    assert "<a" not in text  # no URL, no link
    assert "Time left: 2 h" in text


def test_durations():
    assert format_duration(timedelta(seconds=20), "en") == "&lt; 1 min"
    assert format_duration(timedelta(minutes=45), "ru") == "45 мин"
    assert format_duration(timedelta(hours=2, minutes=5), "en") == "2 h 5 min"
    assert format_duration(timedelta(days=1, hours=3, minutes=10), "ru") == "1 д 3 ч"
    assert format_duration(timedelta(days=2), "en") == "2 d"


def test_sla_changed_formats_stored_values_and_escapes():
    text = sla_changed(
        lang="ru",
        ticket="TCK-7",
        subject="Счёт & акт",
        target="Resolution",
        changed_by="Анна <admin>",
        changed_on=datetime(2026, 5, 4, 12, 1),
        old="2026-05-04 14:30:00",
        new=datetime(2026, 5, 5, 18, 0),
        reason="Клиент попросил <подождать>",
        ticket_url=URL,
    )
    assert "решение: 04.05.2026 14:30 → 05.05.2026 18:00" in text
    assert "Анна &lt;admin&gt;, 04.05.2026 12:01" in text
    assert "Счёт &amp; акт" in text
    assert "Причина: Клиент попросил &lt;подождать&gt;" in text
    visible(text)


def test_sla_changed_en_with_plain_values():
    text = sla_changed(
        lang="en",
        ticket="TCK-7",
        subject="S",
        target="Priority",
        changed_by="Ann",
        changed_on=datetime(2026, 5, 4, 12, 1),
        old="Medium",
        new=None,
    )
    assert "Priority: Medium → —" in text
    assert "Changed by Ann, 2026-05-04 12:01" in text


def test_rating_alerts():
    assert should_alert_rating("bad") and should_alert_rating("ok") and not should_alert_rating("great")
    bad = rating_alert(
        lang="en", ticket="TCK-1", subject="S", rating="bad", comment="Slow & rude <b>", agent=IVAN, ticket_url=URL
    )
    assert bad.startswith("👎 <b>Bad rating</b>")
    assert "Agent: @ivan_petrov" in bad
    assert "Slow &amp; rude &lt;b&gt;" in bad
    visible(bad)
    ok = rating_alert(lang="ru", ticket="TCK-1", subject="S", rating="ok")
    assert ok.startswith("😐 <b>Средняя оценка</b>")
    assert "Без комментария" in ok
    assert "исполнитель не назначен" in ok


def test_customer_message_preview_is_cut_before_escaping():
    long_text = "&" * 2000
    text = customer_message(
        lang="en",
        ticket="TCK-9",
        subject="Login",
        team="L1 <night>",
        customer="ACME",
        text=long_text,
        attachments=2,
        ticket_url=URL,
    )
    assert "L1 &lt;night&gt;" in text
    assert "📎 Attachments: 2" in text
    shown = visible(text)
    assert shown.count("&") == 699 and "…" in shown
    assert len(text) < 4096


def test_customer_message_ru_without_text():
    text = customer_message(
        lang="ru", ticket="TCK-9", subject="Вход", team="L1", customer="ООО Ромашка", text="  ", attachments=1
    )
    assert "Новое сообщение клиента" in text
    assert "blockquote" not in text
    assert "Вложений: 1" in text


def test_mention_strips_at_sign():
    assert mention(Agent("X", telegram_username="@someone")) == "@someone"


@settings(max_examples=150, derandomize=True)
@given(
    subject=st.text(max_size=200),
    comment=st.text(max_size=300),
    name=st.text(max_size=40),
    lang=st.sampled_from(["ru", "en"]),
)
def test_user_text_can_never_break_the_markup(subject, comment, name, lang):
    agent = Agent(name or "x", telegram_user_id=1)
    texts = [
        deadline_warning(
            lang=lang,
            ticket="T",
            subject=subject,
            target="Resolution",
            time_left=timedelta(minutes=5),
            assignee=agent,
            ticket_url=URL,
        ),
        sla_changed(
            lang=lang,
            ticket="T",
            subject=subject,
            target="Resolution",
            changed_by=name,
            changed_on=datetime(2026, 1, 1),
            old=comment,
            new=subject,
            reason=comment,
        ),
        rating_alert(lang=lang, ticket="T", subject=subject, rating="bad", comment=comment, agent=agent),
        customer_message(lang=lang, ticket="T", subject=subject, team=name, customer=name, text=comment),
    ]
    for text in texts:
        shown = visible(text)
        assert subject.replace("\r", "\n") in shown.replace("\r", "\n") or not subject
        assert not re.search(r"<(?!/?(b|a|blockquote)[ >])", text)


# ----- many alerts at once: one summary per recipient ---------------------------------------------------------

from support_hub.engine.alerts import SUMMARY_LISTED, SUMMARY_OVER, deadlines_summary, split_for_summary  # noqa: E402
from support_hub.engine.outbox import summary_key  # noqa: E402


@given(st.dictionaries(st.sampled_from(["-1001", "-1002", "-1003", "mgr@x"]),
                       st.lists(st.integers(), max_size=3 * SUMMARY_OVER), max_size=4))
def test_every_alert_goes_out_once_alone_or_in_its_recipients_summary(by_recipient):
    singles, summaries = split_for_summary(by_recipient)
    for recipient, items in by_recipient.items():
        alone = [item for r, item in singles if r == recipient]
        if len(items) > SUMMARY_OVER:
            assert summaries[recipient] == items and alone == []
        else:
            assert alone == items and recipient not in summaries


def test_a_summary_names_the_first_tickets_escaped_and_links_to_the_rest():
    tickets = [(f"TCK-{i:05d}", f"Order <{i}> late", f"https://desk.example/app/ticket/TCK-{i:05d}") for i in range(25)]
    text = deadlines_summary(lang="en", breached=True, tickets=tickets, list_url="https://desk.example/app/ticket?x=1&y=2")
    checker = TagChecker()
    checker.feed(text)
    checker.close()
    assert text.startswith("🚨 <b>Deadlines missed: 25 tickets</b>")
    assert text.count("• ") == SUMMARY_LISTED
    assert "TCK-00009" in text and "TCK-00010" not in text
    assert "Order &lt;3&gt; late" in text
    assert f'<a href="https://desk.example/app/ticket?x=1&amp;y=2">and {25 - SUMMARY_LISTED} more</a>' in text
    ru = deadlines_summary(lang="ru", breached=False, tickets=tickets[:3])
    assert ru.startswith("🔥 <b>Горят сроки: 3 обращения</b>") and "ещё" not in ru
    words = {n: deadlines_summary(lang="ru", breached=True, tickets=tickets[:1] * n).split("</b>")[0]
             for n in (1, 2, 5, 11, 21, 22, 25)}
    assert words == {1: "🚨 <b>Сроки нарушены: 1 обращение", 2: "🚨 <b>Сроки нарушены: 2 обращения",
                     5: "🚨 <b>Сроки нарушены: 5 обращений", 11: "🚨 <b>Сроки нарушены: 11 обращений",
                     21: "🚨 <b>Сроки нарушены: 21 обращение", 22: "🚨 <b>Сроки нарушены: 22 обращения",
                     25: "🚨 <b>Сроки нарушены: 25 обращений"}


def test_a_summary_key_stands_for_exactly_its_alerts():
    assert summary_key(["a", "b"]) == summary_key(["b", "a"])
    assert summary_key(["a", "b"]) != summary_key(["a", "b", "c"])
