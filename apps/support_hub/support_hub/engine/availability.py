"""Agent availability: is an agent there at a given moment, and since when have they been gone.

An agent is one of
* ON_LEAVE  — the moment's local date falls in one of their leave periods (dates inclusive);
* AWAY      — they said so (from `away_since`, until `away_until` when they gave one);
* OFF_SHIFT — their shift pattern has no shift covering the moment;
* ON_SHIFT  — none of the above: round robin and least-open may give them tickets.
Leave wins over away, away over the shift plan. An agent without a pattern works every day, all day.

Shift patterns, each with optional hours (start/end as local wall-clock times in the agent's time zone;
an end at or before the start is a night shift that ends the next day, and belongs to the day it starts):
* EVERY_DAY, WEEKDAYS (Monday to Friday), CUSTOM_WEEKDAYS (the chosen weekdays);
* DAYS_ON_OFF — `days_on` working days then `days_off` free days, over and over, counted from `anchor`
  (the first working day of a cycle): 2/2 is days_on=2, days_off=2. Dates before the anchor follow the
  same cycle backwards.

Hours are wall-clock: on the day clocks go forward a 09:00-18:00 shift is 8 real hours, as the agent
works it. A wall-clock time that does not exist that day (inside the spring-forward gap) is read as the
moment of the jump; a time that happens twice (the autumn hour) as its first occurrence (fold=0).

absent_since() gives the moment the current absence began (the end of the last stretch they were
there), which is what "handed on after N minutes away" counts from.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

ON_SHIFT, OFF_SHIFT, AWAY, ON_LEAVE = "On Shift", "Off Shift", "Away", "On Leave"

EVERY_DAY, WEEKDAYS, DAYS_ON_OFF, CUSTOM_WEEKDAYS = "Every Day", "Weekdays", "Days On / Days Off", "Custom Weekdays"
PATTERNS = (EVERY_DAY, WEEKDAYS, DAYS_ON_OFF, CUSTOM_WEEKDAYS)

LOOKBACK_DAYS = 62  # how far absent_since() looks for the last stretch at work (then: "gone at least this long")

_UTC = timezone.utc


@dataclass(frozen=True)
class Shift:
    pattern: str = EVERY_DAY
    start: time | None = None  # None with end None: the whole day
    end: time | None = None
    weekdays: frozenset[int] = frozenset()  # CUSTOM_WEEKDAYS: 0 = Monday ... 6 = Sunday
    days_on: int = 0  # DAYS_ON_OFF
    days_off: int = 0
    anchor: date | None = None  # DAYS_ON_OFF: a first working day of a cycle
    time_zone: str = "UTC"


@dataclass(frozen=True)
class AgentSchedule:
    shift: Shift | None = None  # None: works every day, all day
    leaves: tuple[tuple[date, date], ...] = ()  # (first day, last day), inclusive, in the shift's time zone
    away: bool = False
    away_since: datetime | None = None  # aware; None with away: away "for ever" (since we can know)
    away_until: datetime | None = None  # aware; None: until they come back by hand
    time_zone: str = "UTC"  # for leave dates when there is no shift
    extra: dict = field(default_factory=dict, compare=False)  # the caller's own data (name, ...)

    @property
    def zone(self) -> str:
        return self.shift.time_zone if self.shift else self.time_zone


def validate_shift(shift: Shift) -> list[str]:
    """What is wrong with a shift, as sentences for a form; empty when it is usable."""
    problems = []
    if shift.pattern not in PATTERNS:
        problems.append(f"unknown shift pattern {shift.pattern}")
    if (shift.start is None) != (shift.end is None):
        problems.append("give both the start and the end of the shift, or neither (all day)")
    if shift.pattern == DAYS_ON_OFF:
        if shift.days_on < 1 or shift.days_off < 0:
            problems.append("days on must be at least 1 and days off at least 0")
        if shift.anchor is None:
            problems.append("days on / days off needs the date of a first working day")
    if shift.pattern == CUSTOM_WEEKDAYS and not shift.weekdays:
        problems.append("choose at least one weekday")
    try:
        ZoneInfo(shift.time_zone)
    except (KeyError, ValueError):
        problems.append(f"unknown time zone {shift.time_zone}")
    return problems


def is_shift_day(shift: Shift, day: date) -> bool:
    """Whether a shift starts on this local date."""
    if shift.pattern == EVERY_DAY:
        return True
    if shift.pattern == WEEKDAYS:
        return day.weekday() < 5
    if shift.pattern == CUSTOM_WEEKDAYS:
        return day.weekday() in shift.weekdays
    if shift.pattern == DAYS_ON_OFF:
        cycle = shift.days_on + shift.days_off
        if cycle <= 0 or shift.anchor is None:
            return False
        return (day - shift.anchor).days % cycle < shift.days_on  # Python's % is never negative
    return False


def _local(day: date, at: time, zone: ZoneInfo) -> datetime:
    """A local wall-clock time as an aware UTC moment; a time inside a spring-forward gap is the jump."""
    naive = datetime.combine(day, at)
    utc = naive.replace(tzinfo=zone, fold=0).astimezone(_UTC)
    if utc.astimezone(zone).replace(tzinfo=None) == naive:
        return utc
    # No such wall-clock time: the first minute whose wall clock is past it is the jump.
    moment, latest = sorted((utc, naive.replace(tzinfo=zone, fold=1).astimezone(_UTC)))
    while moment < latest and moment.astimezone(zone).replace(tzinfo=None) < naive:
        moment += timedelta(minutes=1)
    return moment


def shift_interval(shift: Shift, day: date) -> tuple[datetime, datetime] | None:
    """The UTC interval of the shift that starts on `day`, or None when `day` has none."""
    if not is_shift_day(shift, day):
        return None
    zone = ZoneInfo(shift.time_zone)
    if shift.start is None or shift.end is None:
        return _local(day, time(0), zone), _local(day + timedelta(days=1), time(0), zone)
    end_day = day if shift.end > shift.start else day + timedelta(days=1)
    return _local(day, shift.start, zone), _local(end_day, shift.end, zone)


def _as_utc(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError("moment must be timezone-aware")
    return moment.astimezone(_UTC)


def _on_leave(agent: AgentSchedule, moment: datetime) -> bool:
    local_day = moment.astimezone(ZoneInfo(agent.zone)).date()
    return any(first <= local_day <= last for first, last in agent.leaves)


def _away(agent: AgentSchedule, moment: datetime) -> bool:
    if not agent.away:
        return False
    if agent.away_since is not None and moment < agent.away_since:
        return False
    return agent.away_until is None or moment < agent.away_until


def _on_shift(agent: AgentSchedule, moment: datetime) -> bool:
    if agent.shift is None:
        return True
    local_day = moment.astimezone(ZoneInfo(agent.shift.time_zone)).date()
    for day in (local_day, local_day - timedelta(days=1)):  # yesterday's night shift may still run
        interval = shift_interval(agent.shift, day)
        if interval and interval[0] <= moment < interval[1]:
            return True
    return False


def availability(agent: AgentSchedule, moment: datetime) -> str:
    """ON_LEAVE, AWAY, OFF_SHIFT or ON_SHIFT at `moment` (aware)."""
    moment = _as_utc(moment)
    if _on_leave(agent, moment):
        return ON_LEAVE
    if _away(agent, moment):
        return AWAY
    if not _on_shift(agent, moment):
        return OFF_SHIFT
    return ON_SHIFT


def is_available(agent: AgentSchedule, moment: datetime) -> bool:
    """Whether the agent is there to take a ticket at `moment`."""
    return availability(agent, moment) == ON_SHIFT


def _minus(pieces: list[tuple[datetime, datetime]], cut: tuple[datetime, datetime]) -> list[tuple[datetime, datetime]]:
    out = []
    for start, end in pieces:
        if cut[1] <= start or cut[0] >= end:
            out.append((start, end))
            continue
        if start < cut[0]:
            out.append((start, cut[0]))
        if cut[1] < end:
            out.append((cut[1], end))
    return out


def _present_intervals(agent: AgentSchedule, since: datetime, until: datetime) -> list[tuple[datetime, datetime]]:
    """The stretches of [since, until) the agent was there, in order."""
    if agent.shift is None:
        pieces = [(since, until)]
    else:
        zone = ZoneInfo(agent.shift.time_zone)
        first = since.astimezone(zone).date() - timedelta(days=1)
        last = until.astimezone(zone).date()
        pieces = []
        day = first
        while day <= last:
            interval = shift_interval(agent.shift, day)
            if interval:
                start, end = max(interval[0], since), min(interval[1], until)
                if start < end:
                    pieces.append((start, end))
            day += timedelta(days=1)
    zone = ZoneInfo(agent.zone)
    for first_day, last_day in agent.leaves:
        pieces = _minus(pieces, (_local(first_day, time(0), zone), _local(last_day + timedelta(days=1), time(0), zone)))
    if agent.away:
        away_from = agent.away_since or since
        away_to = agent.away_until or until
        pieces = _minus(pieces, (away_from, away_to))
    return sorted(pieces)


def absent_since(agent: AgentSchedule, moment: datetime) -> datetime | None:
    """When the agent's current absence began, or None when they are there at `moment`. Gone longer than
    LOOKBACK_DAYS: that bound."""
    moment = _as_utc(moment)
    if is_available(agent, moment):
        return None
    bound = moment - timedelta(days=LOOKBACK_DAYS)
    present = _present_intervals(agent, bound, moment)
    return present[-1][1] if present else bound


def gone_for(agent: AgentSchedule, moment: datetime) -> timedelta | None:
    """How long the agent has been gone at `moment`; None when they are there."""
    since = absent_since(agent, moment)
    return None if since is None else _as_utc(moment) - since


def present(agents: Iterable[str], schedules: dict[str, AgentSchedule], moment: datetime) -> list[str]:
    """The agents (in their order) who are there at `moment`; an agent without a schedule always is."""
    return [a for a in agents if a not in schedules or is_available(schedules[a], moment)]
