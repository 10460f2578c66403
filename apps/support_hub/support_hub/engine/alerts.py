"""Texts of the Telegram alerts support agents get, in Telegram's HTML parse mode.

Plain functions from plain values to one message text, in Russian or English (`lang`). Everything that
came from a person — subjects, names, comments, customer messages — goes through `html.escape`, so a
customer writing "<b>" can neither break the markup (Telegram rejects the whole message on a bad tag)
nor forge a link.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TypeVar

# Telegram allows 4096 characters per message; free text is cut well below that so the frame fits.
PREVIEW_CHARS = 700
COMMENT_CHARS = 1000

RATING_EMOJI = {"bad": "👎", "ok": "😐", "great": "👍"}
ALERTING_RATINGS = frozenset({"bad", "ok"})

K = TypeVar("K")
V = TypeVar("V")


@dataclass(frozen=True)
class Agent:
    """Who is mentioned: a @username notifies them; a tg://user?id= link does too when there is none."""

    name: str
    telegram_username: str | None = None
    telegram_user_id: int | None = None


def should_alert_rating(rating: str) -> bool:
    """Bad and middling ratings are worth a manager's attention; great ones are not an alert."""
    return rating in ALERTING_RATINGS


def esc(value: object) -> str:
    return html.escape("" if value is None else str(value))


def mention(agent: Agent | None, lang: str = "ru") -> str:
    if agent is None:
        return _t(lang, "nobody")
    if agent.telegram_username:
        return "@" + esc(agent.telegram_username.lstrip("@"))
    if agent.telegram_user_id:
        return f'<a href="tg://user?id={int(agent.telegram_user_id)}">{esc(agent.name)}</a>'
    return esc(agent.name)


def ticket_link(ticket: str, ticket_url: str | None, lang: str = "ru") -> str:
    label = ("№ " if _lang(lang) == "ru" else "#") + esc(ticket)
    return f'<a href="{esc(ticket_url)}">{label}</a>' if ticket_url else label


def format_duration(delta: timedelta, lang: str = "ru") -> str:
    """'1 d 3 h', '2 h 5 min', '45 min', '< 1 min' — abbreviations, so no Russian plural forms are needed."""
    minutes = int(abs(delta).total_seconds() // 60)
    if minutes < 1:
        return _t(lang, "under_a_minute")
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    parts = [(days, "d"), (hours, "h")] if days else [(hours, "h"), (mins, "min")]
    return " ".join(f"{n} {_t(lang, unit)}" for n, unit in parts if n)


def format_moment(moment: datetime | None, lang: str = "ru") -> str:
    if moment is None:
        return "—"
    return moment.strftime("%d.%m.%Y %H:%M" if _lang(lang) == "ru" else "%Y-%m-%d %H:%M")


# Where a queued deadline alert says how long is left: filled in when the outbox finally sends it, so an
# alert delayed by an outage or retries does not state the time left at queue time. Subjects and names
# are escaped, so this tag can only come from here.
_TIME_LEFT_MARK = re.compile(r'<time-left lang="(ru|en)"/>')


def time_left_line(due: datetime, now: datetime, lang: str = "ru") -> str:
    """'Time left: 10 min' before the deadline; 'Deadline passed 5 min ago' once it has gone."""
    left = due - now
    if left > timedelta(0):
        return _t(lang, "left", left=format_duration(left, lang))
    return _t(lang, "overdue_by", left=format_duration(left, lang))


def render_at_send(text: str, due: datetime | None, now: datetime) -> str:
    """The text as it goes out at `now`: the time-left placeholder counted against `due`.

    Text without the placeholder (or without a deadline) is sent as it was queued."""
    if due is None:
        return text
    return _TIME_LEFT_MARK.sub(lambda m: time_left_line(due, now, m.group(1)), text)


def deadline_warning(
    *,
    lang: str = "ru",
    ticket: str,
    subject: str,
    target: str,
    time_left: timedelta | None = None,
    due: datetime | None = None,
    assignee: Agent | None = None,
    ticket_url: str | None = None,
) -> str:
    """A deadline is close (or already gone); `time_left` is negative once it has passed.

    Without `time_left` the text carries a placeholder the sender fills in (render_at_send) with the
    time left at the moment it is sent."""
    if time_left is None:
        when = f'<time-left lang="{_lang(lang)}"/>'
    elif time_left > timedelta(0):
        when = _t(lang, "left", left=format_duration(time_left, lang))
    else:
        when = _t(lang, "overdue_by", left=format_duration(time_left, lang))
    if due is not None:
        when += " " + _t(lang, "due_at", due=format_moment(due, lang))
    return "\n".join(
        [
            f"🔥 <b>{_t(lang, 'deadline_title')}</b>: {_target(target, lang)}",
            f"{mention(assignee, lang)}, {ticket_link(ticket, ticket_url, lang)} «{esc(subject)}»",
            when,
        ]
    )


def deadline_breached(
    *,
    lang: str = "ru",
    ticket: str,
    subject: str,
    target: str,
    due: datetime | None = None,
    assignee: Agent | None = None,
    team: str | None = None,
    ticket_url: str | None = None,
) -> str:
    """A deadline was missed: the team's chat hears it once, with whose ticket it is. The time since
    the deadline is filled in when the message is sent (render_at_send), like a warning's."""
    when = f'<time-left lang="{_lang(lang)}"/>'
    if due is not None:
        when += " " + _t(lang, "due_at", due=format_moment(due, lang))
    lines = [
        f"🚨 <b>{_t(lang, 'breach_title')}</b>: {_target(target, lang)}",
        f"{mention(assignee, lang)}, {ticket_link(ticket, ticket_url, lang)} «{esc(subject)}»",
        when,
    ]
    if team:
        lines.append(_t(lang, "team", team=esc(team)))
    return "\n".join(lines)


# More alerts than this for one recipient (a chat, a manager's mailbox) from one sweep or policy re-plan:
# one message listing them instead, naming the first SUMMARY_LISTED. A policy change can put thousands
# of tickets in Warning at once, and Telegram lets a bot post about 20 messages a minute to a group.
SUMMARY_OVER = 5
SUMMARY_LISTED = 10


def split_for_summary(by_recipient: dict[K, list[V]], over: int = SUMMARY_OVER
                      ) -> tuple[list[tuple[K, V]], dict[K, list[V]]]:
    """(alerts sent one by one as (recipient, alert), {recipient: alerts summed up in one message})."""
    singles: list[tuple[K, V]] = []
    summaries: dict[K, list[V]] = {}
    for recipient, items in by_recipient.items():
        if len(items) > over:
            summaries[recipient] = list(items)
        else:
            singles.extend((recipient, item) for item in items)
    return singles, summaries


def deadlines_summary(*, lang: str = "ru", breached: bool, tickets: list[tuple[str, str | None, str | None]],
                      list_url: str | None = None, total: int | None = None) -> str:
    """Many tickets (`total`, else as many as listed) reached Warning (or missed a deadline) at once: one
    message for the chat, naming the first SUMMARY_LISTED of `tickets` (name, subject, url), a link to all."""
    total = len(tickets) if total is None else total
    title = _t(lang, "summary_breached" if breached else "summary_warning", n=total, tickets=_tickets_word(total, lang))
    lines = [f"{'🚨' if breached else '🔥'} <b>{title}</b>"]
    lines += [f"• {ticket_link(name, url, lang)} «{esc(_cut(subject, 60))}»"
              for name, subject, url in tickets[:SUMMARY_LISTED]]
    listed = min(len(tickets), SUMMARY_LISTED)
    if total > listed:
        more = _t(lang, "and_more", n=total - listed)
        lines.append(f'<a href="{esc(list_url)}">{more}</a>' if list_url else more)
    return "\n".join(lines)


def sla_changed(
    *,
    lang: str = "ru",
    ticket: str,
    subject: str,
    target: str,
    changed_by: str,
    changed_on: datetime,
    old: datetime | str | None,
    new: datetime | str | None,
    reason: str | None = None,
    ticket_url: str | None = None,
    postponed: bool = False,
    later_by_minutes: int | None = None,
) -> str:
    """A person moved an SLA deadline (or another SLA value); `old`/`new` may be the stored strings.

    `postponed`: the change made the deadline later by `later_by_minutes` (None: took it away)."""
    lines = [
        f"✏️ <b>{_t(lang, 'sla_changed_title')}</b>: {ticket_link(ticket, ticket_url, lang)} «{esc(subject)}»",
        f"{_target(target, lang)}: {_value(old, lang)} → {_value(new, lang)}",
    ]
    if postponed:
        lines.append(_t(lang, "later_by", by=format_duration(timedelta(minutes=later_by_minutes), lang))
                     if later_by_minutes is not None else _t(lang, "deadline_removed"))
    lines += [
        _t(lang, "changed_by", who=esc(changed_by), when=format_moment(changed_on, lang)),
    ]
    if reason:
        lines.append(_t(lang, "reason", reason=esc(_cut(reason, COMMENT_CHARS))))
    return "\n".join(lines)


def rating_alert(
    *,
    lang: str = "ru",
    ticket: str,
    subject: str,
    rating: str,
    comment: str | None = None,
    agent: Agent | None = None,
    ticket_url: str | None = None,
) -> str:
    emoji = RATING_EMOJI.get(rating, "❔")
    title = _t(lang, "rating_" + rating if rating in RATING_EMOJI else "rating_other")
    lines = [
        f"{emoji} <b>{title}</b>: {ticket_link(ticket, ticket_url, lang)} «{esc(subject)}»",
        _t(lang, "agent", agent=mention(agent, lang)),
        _t(lang, "comment", comment=esc(_cut(comment, COMMENT_CHARS))) if comment else _t(lang, "no_comment"),
    ]
    return "\n".join(lines)


def customer_message(
    *,
    lang: str = "ru",
    ticket: str,
    subject: str,
    team: str,
    customer: str,
    text: str,
    attachments: int = 0,
    ticket_url: str | None = None,
) -> str:
    """A customer wrote into a ticket waiting in a team's queue."""
    lines = [
        f"💬 <b>{_t(lang, 'message_title')}</b> · {esc(team)}",
        f"{ticket_link(ticket, ticket_url, lang)} «{esc(subject)}» — {esc(customer)}",
    ]
    if text and text.strip():
        lines.append(f"<blockquote>{esc(_cut(text.strip(), PREVIEW_CHARS))}</blockquote>")
    if attachments:
        lines.append(_t(lang, "attachments", n=attachments))
    return "\n".join(lines)


def _tickets_word(n: int, lang: str) -> str:
    if _lang(lang) == "en":
        return "ticket" if n == 1 else "tickets"
    if n % 10 == 1 and n % 100 != 11:
        return "обращение"
    return "обращения" if n % 10 in (2, 3, 4) and n % 100 not in (12, 13, 14) else "обращений"


def _cut(text: str | None, limit: int) -> str:
    # Cut before escaping: cutting escaped text could split an entity like &amp; in half.
    text = text or ""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _value(value: datetime | str | None, lang: str) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, datetime):
        return format_moment(value, lang)
    try:
        # SLA Event keeps from/to as text; a stored datetime reads better formatted.
        return format_moment(datetime.fromisoformat(value), lang)
    except ValueError:
        return esc(value)


def _target(target: str, lang: str) -> str:
    return _TARGETS[_lang(lang)].get(target, esc(target))


def _lang(lang: str | None) -> str:
    return "en" if (lang or "").lower().startswith("en") else "ru"


def _t(lang: str, key: str, **values: object) -> str:
    return _TEXTS[_lang(lang)][key].format(**values)


_TARGETS = {
    "ru": {"First Response": "первый ответ", "Resolution": "решение"},
    "en": {"First Response": "first response", "Resolution": "resolution"},
}

_TEXTS = {
    "ru": {
        "nobody": "исполнитель не назначен",
        "under_a_minute": "&lt; 1 мин",
        "d": "д",
        "h": "ч",
        "min": "мин",
        "left": "Осталось: {left}",
        "overdue_by": "Срок истёк {left} назад",
        "due_at": "(срок {due})",
        "deadline_title": "Горит срок",
        "breach_title": "Срок нарушен",
        "team": "Команда: {team}",
        "sla_changed_title": "Изменён SLA",
        "later_by": "⏩ Срок позже на {by}",
        "deadline_removed": "⏩ Срока больше нет",
        "changed_by": "Изменил: {who}, {when}",
        "reason": "Причина: {reason}",
        "rating_bad": "Плохая оценка",
        "rating_ok": "Средняя оценка",
        "rating_great": "Отличная оценка",
        "rating_other": "Оценка",
        "agent": "Исполнитель: {agent}",
        "comment": "Комментарий: «{comment}»",
        "no_comment": "Без комментария",
        "message_title": "Новое сообщение клиента",
        "attachments": "📎 Вложений: {n}",
        "summary_warning": "Горят сроки: {n} {tickets}",
        "summary_breached": "Сроки нарушены: {n} {tickets}",
        "and_more": "и ещё {n}",
    },
    "en": {
        "nobody": "no assignee",
        "under_a_minute": "&lt; 1 min",
        "d": "d",
        "h": "h",
        "min": "min",
        "left": "Time left: {left}",
        "overdue_by": "Deadline passed {left} ago",
        "due_at": "(due {due})",
        "deadline_title": "Deadline burning",
        "breach_title": "Deadline missed",
        "team": "Team: {team}",
        "sla_changed_title": "SLA changed",
        "later_by": "⏩ Deadline later by {by}",
        "deadline_removed": "⏩ No deadline any more",
        "changed_by": "Changed by {who}, {when}",
        "reason": "Reason: {reason}",
        "rating_bad": "Bad rating",
        "rating_ok": "Middling rating",
        "rating_great": "Great rating",
        "rating_other": "Rating",
        "agent": "Agent: {agent}",
        "comment": "Comment: “{comment}”",
        "no_comment": "No comment",
        "message_title": "New customer message",
        "attachments": "📎 Attachments: {n}",
        "summary_warning": "Deadlines burning: {n} {tickets}",
        "summary_breached": "Deadlines missed: {n} {tickets}",
        "and_more": "and {n} more",
    },
}
