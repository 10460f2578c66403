"""Auto-replies: which template answers a new ticket, and the first-response due time said the way a
customer says it ("tomorrow at 10:00", «в понедельник в 10:00").

Rendering stays on the Frappe side (Jinja); this module picks the template and builds its context.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from .calendar import BusinessCalendar

BUSINESS_HOURS = "Business Hours"
OUTSIDE_HOURS = "Outside Hours"
WEEKEND_OR_HOLIDAY = "Weekend or Holiday"
ANY = "Any"
WHEN_OPTIONS = (BUSINESS_HOURS, OUTSIDE_HOURS, WEEKEND_OR_HOLIDAY, ANY)

# A caller on the phone is talking to a person already; an automatic e-mail would only be noise.
NO_AUTO_REPLY_CHANNELS = frozenset({"phone"})


@dataclass(frozen=True)
class AutoReplyTemplate:
    name: str
    channel: str | None  # None: any channel
    when: str  # one of WHEN_OPTIONS
    template_text: str
    extra_line_per_channel: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class AutoReplyChoice:
    template: AutoReplyTemplate
    situation: str  # BUSINESS_HOURS, OUTSIDE_HOURS or WEEKEND_OR_HOLIDAY: when the ticket came in
    extra_line: str  # the template's line for this channel, "" when it has none
    due: datetime | None = None  # the first-response due moment the reply will promise


def situation(created_at: datetime, calendar: BusinessCalendar) -> str:
    """Whether a moment falls in business hours, outside them on a working day, or on a day off.

    Intervals are read half-open: a ticket at 18:00 sharp, when the office closes at 18:00, is
    answered tomorrow, so it gets the after-hours reply.
    """
    local = created_at.astimezone(calendar.tz)
    intervals = calendar.working_intervals_on(local.date())
    if not intervals:
        return WEEKEND_OR_HOLIDAY
    if any(start <= local < end for start, end in intervals):
        return BUSINESS_HOURS
    return OUTSIDE_HOURS


def _when_rank(when: str, now: str) -> int | None:
    """How specifically a template's `when` fits the situation; None when it does not fit."""
    if when == now:
        return 3
    if when == OUTSIDE_HOURS and now == WEEKEND_OR_HOLIDAY:
        return 2  # a weekend is outside business hours too
    if when == ANY:
        return 1
    return None


def choose_auto_reply(
    channel: str | None,
    created_at: datetime,
    first_response_due: datetime | None,
    calendar: BusinessCalendar,
    templates: Iterable[AutoReplyTemplate],
) -> AutoReplyChoice | None:
    """The template for a new ticket: a channel-specific one beats an any-channel one, then the most
    specific `when` wins, then the earlier template in the list. None for phone tickets or no fit.
    The due moment is carried in the choice for build_context.
    """
    if channel and channel.strip().lower() in NO_AUTO_REPLY_CHANNELS:
        return None
    now = situation(created_at, calendar)
    best: tuple[tuple[int, int, int], AutoReplyTemplate] | None = None
    for position, template in enumerate(templates):
        if template.channel is not None and template.channel != channel:
            continue
        when_rank = _when_rank(template.when, now)
        if when_rank is None:
            continue
        score = (1 if template.channel is not None else 0, when_rank, -position)
        if best is None or score > best[0]:
            best = (score, template)
    if best is None:
        return None
    template = best[1]
    extra_line = template.extra_line_per_channel.get(channel or "", "")
    return AutoReplyChoice(template, now, extra_line, first_response_due)


def build_context(
    choice: AutoReplyChoice,
    *,
    now: datetime,
    tz: str | ZoneInfo,
    lang: str = "en",
    due: datetime | None = None,
    **fields,
) -> dict:
    """The Jinja context of an auto-reply: the caller's fields (ticket, customer_name, ...) plus
    the due time in words and as a local timestamp, the situation and the channel's extra line.
    `due` defaults to the one the choice was made with; without any, the due keys are ""."""
    zone = ZoneInfo(tz) if isinstance(tz, str) else tz
    due = due or choice.due
    context = dict(fields)
    context.update(
        template=choice.template.name,
        situation=choice.situation,
        extra_line=choice.extra_line,
        due_human="",
        due_local="",
        due_time="",
        lang=lang,
    )
    if due is not None:
        local_due = due.astimezone(zone)
        context.update(
            due_human=humanize_due(due, now, zone, lang),
            due_local=local_due.strftime("%Y-%m-%d %H:%M"),
            due_time=local_due.strftime("%H:%M"),
        )
    return context


# ----- due time in words ----------------------------------------------------------------------

_WEEKDAYS_EN = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
# Russian needs the preposition's form ("во вторник") and the accusative ("в среду").
_WEEKDAYS_RU = (
    "в понедельник",
    "во вторник",
    "в среду",
    "в четверг",
    "в пятницу",
    "в субботу",
    "в воскресенье",
)
_MONTHS_EN = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
_MONTHS_RU_GENITIVE = (
    "января", "февраля", "марта", "апреля", "мая", "июня",
    "июля", "августа", "сентября", "октября", "ноября", "декабря",
)  # fmt: skip


def humanize_due(due: datetime, now: datetime, tz: str | ZoneInfo, lang: str = "en") -> str:
    """`due` in the customer's words, relative to `now`, in local time of `tz`.

    Same day: "today before 18:30"; next day: "tomorrow at 10:00"; within a week: "Monday at
    10:00"; later (or earlier, or another year): "on 12 March at 10:00". lang "ru" gives
    «сегодня до 18:30», «завтра в 10:00», «в понедельник в 10:00», «12 марта в 10:00».
    """
    zone = ZoneInfo(tz) if isinstance(tz, str) else tz
    due_local = due.astimezone(zone)
    now_local = now.astimezone(zone)
    days = (due_local.date() - now_local.date()).days
    clock = due_local.strftime("%H:%M")
    ru = lang.lower().startswith("ru")
    if days == 0:
        return f"сегодня до {clock}" if ru else f"today before {clock}"
    if days == 1:
        return f"завтра в {clock}" if ru else f"tomorrow at {clock}"
    if 1 < days < 7:
        weekday = due_local.weekday()
        return f"{_WEEKDAYS_RU[weekday]} в {clock}" if ru else f"{_WEEKDAYS_EN[weekday]} at {clock}"
    year = f" {due_local.year}" if due_local.year != now_local.year else ""
    if ru:
        return f"{due_local.day} {_MONTHS_RU_GENITIVE[due_local.month - 1]}{year} в {clock}"
    return f"on {due_local.day} {_MONTHS_EN[due_local.month - 1]}{year} at {clock}"
