"""Working-time arithmetic for one business calendar.

A calendar is a weekly pattern of local working intervals plus holidays, in one IANA time zone.
The working intervals of a span of local dates are laid out once as UTC epoch seconds together with
a running total of working seconds, so "add N working minutes" and "working minutes between" are two
bisections instead of a walk over days. The span grows on demand. Because intervals are built from
local wall-clock times, a DST change simply makes that day's interval one hour longer or shorter,
which is what a person working those hours experiences. A boundary inside the skipped or repeated
hour follows one rule (see BusinessCalendar._boundary): it happens the first time the wall clock
shows that time or later — at the jump in spring, at the first of the two readings in autumn.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

UTC = timezone.utc

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

# How far one extension of the laid-out span reaches, and how many empty extensions in a row
# mean the calendar has no working time left at all (every remaining day a holiday).
_SPAN_DAYS = 400
_MAX_EMPTY_EXTENSIONS = 3


class CalendarError(ValueError):
    """The calendar cannot answer: bad working hours, or no working time ahead."""


@dataclass(frozen=True)
class WorkingHours:
    """One working interval on one weekday, in the calendar's local time (0 = Monday)."""

    weekday: int
    start: time
    end: time


@dataclass(frozen=True)
class HoursProblem:
    row: int  # 1-based position in the list given, as a form shows it
    message: str


def check_working_hours(rows: Iterable[WorkingHours]) -> list[HoursProblem]:
    """Everything wrong with a list of working intervals; an empty list means it is usable."""
    rows = list(rows)
    problems: list[HoursProblem] = []
    if not rows:
        return [HoursProblem(0, "no business hours at all")]
    for number, row in enumerate(rows, start=1):
        if not 0 <= row.weekday <= 6:
            problems.append(HoursProblem(number, f"unknown weekday {row.weekday}"))
        elif row.end <= row.start:
            problems.append(
                HoursProblem(number, f"{WEEKDAYS[row.weekday]} ends ({row.end:%H:%M}) before it starts ({row.start:%H:%M})")
            )
    if problems:
        return problems
    by_day: dict[int, list[tuple[int, WorkingHours]]] = {}
    for number, row in enumerate(rows, start=1):
        by_day.setdefault(row.weekday, []).append((number, row))
    for day_rows in by_day.values():
        day_rows.sort(key=lambda item: item[1].start)
        for (_, earlier), (number, later) in zip(day_rows, day_rows[1:]):
            if later.start < earlier.end:
                problems.append(
                    HoursProblem(
                        number,
                        f"{WEEKDAYS[later.weekday]} {later.start:%H:%M}-{later.end:%H:%M} overlaps "
                        f"{earlier.start:%H:%M}-{earlier.end:%H:%M}",
                    )
                )
    return sorted(problems, key=lambda p: p.row)


def _as_epoch(moment: datetime) -> float:
    if moment.tzinfo is None:
        raise ValueError("working-time arithmetic needs time-zone-aware datetimes")
    return moment.timestamp()


class BusinessCalendar:
    """Answers working-time questions for one weekly schedule, holiday list and time zone."""

    def __init__(self, tz: str | ZoneInfo, hours: Iterable[WorkingHours], holidays: Iterable[date] = ()):
        hours = list(hours)
        problems = check_working_hours(hours)
        if problems:
            raise CalendarError("; ".join(f"row {p.row}: {p.message}" if p.row else p.message for p in problems))
        self.tz = ZoneInfo(tz) if isinstance(tz, str) else tz
        self.holidays = frozenset(holidays)
        self._hours_by_weekday: dict[int, list[tuple[time, time]]] = {}
        for row in sorted(hours, key=lambda r: (r.weekday, r.start)):
            self._hours_by_weekday.setdefault(row.weekday, []).append((row.start, row.end))
        # Laid-out span [first_day, end_day) of local dates, with parallel arrays of intervals.
        self._first_day: date | None = None
        self._end_day: date | None = None
        self._lo = self._hi = 0.0  # epoch bounds that are safely inside the laid-out span
        self._starts: list[float] = []
        self._ends: list[float] = []
        self._cum_start: list[float] = []  # working seconds in the span before interval i starts
        self._cum_end: list[float] = []  # ... and before it ends

    # ----- public API -------------------------------------------------------------------------
    def add_working_minutes(self, start: datetime, minutes: float) -> datetime:
        """The instant `minutes` of working time after `start` (returned in UTC)."""
        if minutes < 0:
            raise ValueError("minutes must not be negative")
        if minutes == 0:
            _as_epoch(start)
            return start.astimezone(UTC)
        return datetime.fromtimestamp(self.add_working_minutes_epoch(_as_epoch(start), minutes), UTC)

    def add_working_minutes_epoch(self, ts: float, minutes: float) -> float:
        """add_working_minutes on POSIX timestamps: the fast path for re-planning many tickets at once."""
        if minutes <= 0:
            if minutes < 0:
                raise ValueError("minutes must not be negative")
            return ts
        self._cover(ts)
        target = self._position(ts) + minutes * 60.0
        self._reach(target)
        j = bisect.bisect_left(self._cum_end, target)
        return self._starts[j] + (target - self._cum_start[j])

    def working_minutes_between(self, start: datetime, end: datetime) -> float:
        """Working minutes from `start` to `end` (negative when `end` is earlier)."""
        a, b = _as_epoch(start), _as_epoch(end)
        self._cover(a)
        self._cover(b)
        return (self._position(b) - self._position(a)) / 60.0

    def working_intervals_on(self, day: date) -> list[tuple[datetime, datetime]]:
        """The local working intervals of one date, as aware local datetimes (empty on days off)."""
        return [(datetime.fromtimestamp(s, self.tz), datetime.fromtimestamp(e, self.tz)) for s, e in self._day_intervals(day)]

    # ----- layout -----------------------------------------------------------------------------
    def _day_intervals(self, day: date) -> list[tuple[float, float]]:
        if day in self.holidays:
            return []
        out = []
        for start, end in self._hours_by_weekday.get(day.weekday(), ()):
            s, e = self._boundary(day, start), self._boundary(day, end)
            if e > s:  # a DST jump can swallow a very short interval whole
                out.append((s, e))
        return out

    def _boundary(self, day: date, wall: time) -> float:
        """The instant a working-hours boundary happens: the first time that day's wall clock shows
        `wall` or later.

        Spring forward (the clock jumps, say, from 02:00 to 03:00): a boundary inside the skipped hour
        happens at the jump. zoneinfo would read 02:30 with the offset from before the jump and put it
        an hour late, at 03:30, so such a time is found by bisecting the few hours around it.

        Autumn (the clock is set back, say, from 03:00 to 02:00, showing 02:00-02:59 twice): the rule is
        the first time. A shift starting at 02:30 starts at the first 02:30 and runs on through the
        repeated hour; a shift ending at 02:30 ends at the first 02:30 and does not resume when the
        clock shows 02:00 again. In other words a shift follows the furthest the clock has got that day,
        which is how tests/test_calendar_reference.py counts working time minute by minute.
        """
        wanted = datetime.combine(day, wall)
        first = datetime.combine(day, wall, tzinfo=self.tz)  # fold=0: the first of a repeated time
        ts = first.timestamp()
        if datetime.fromtimestamp(ts, self.tz).replace(tzinfo=None) == wanted:
            return ts
        # In a gap: the jump lies between this reading with the later offset and with the earlier one.
        lo = int(first.replace(fold=1).timestamp())
        hi = int(ts)
        while hi - lo > 1:
            mid = (lo + hi) // 2
            if datetime.fromtimestamp(mid, self.tz).replace(tzinfo=None) >= wanted:
                hi = mid
            else:
                lo = mid
        return float(hi)

    def _lay_out(self, first_day: date, end_day: date) -> None:
        self._first_day, self._end_day = first_day, first_day
        self._starts, self._ends, self._cum_start, self._cum_end = [], [], [], []
        self._append_days(end_day)

    def _append_days(self, end_day: date) -> int:
        added = 0
        day = self._end_day
        total = self._cum_end[-1] if self._cum_end else 0.0
        while day < end_day:
            for s, e in self._day_intervals(day):
                self._starts.append(s)
                self._ends.append(e)
                self._cum_start.append(total)
                total += e - s
                self._cum_end.append(total)
                added += 1
            day += timedelta(days=1)
        self._end_day = end_day
        # One day of margin either side keeps every time zone's local date inside the span.
        self._lo = datetime.combine(self._first_day + timedelta(days=1), time(), tzinfo=UTC).timestamp()
        self._hi = datetime.combine(self._end_day - timedelta(days=1), time(), tzinfo=UTC).timestamp()
        return added

    def _cover(self, ts: float) -> None:
        if self._lo <= ts < self._hi:
            return
        day = datetime.fromtimestamp(ts, UTC).date()
        if self._first_day is None or day - timedelta(days=2) < self._first_day:
            end = max(self._end_day, day) if self._end_day else day
            # Rebuilding shifts running totals, so only ever do it at the start of a public call.
            self._lay_out(day - timedelta(days=7), end + timedelta(days=_SPAN_DAYS))
        while ts >= self._hi:
            self._append_days(self._end_day + timedelta(days=_SPAN_DAYS))

    def _extend_forward(self) -> None:
        for _ in range(_MAX_EMPTY_EXTENSIONS):
            if self._append_days(self._end_day + timedelta(days=_SPAN_DAYS)):
                return
        raise CalendarError("the calendar has no working time ahead (are all days holidays?)")

    def _reach(self, position: float) -> None:
        while not self._cum_end or position > self._cum_end[-1]:
            self._extend_forward()

    def _position(self, ts: float) -> float:
        """Working seconds in the laid-out span before instant `ts`."""
        i = bisect.bisect_right(self._starts, ts) - 1
        if i < 0:
            return 0.0
        return self._cum_start[i] + min(ts - self._starts[i], self._ends[i] - self._starts[i])


def weekly_hours(weekdays: Iterable[int], start: time, end: time) -> list[WorkingHours]:
    """The same interval on several weekdays: the usual shape of business hours."""
    return [WorkingHours(day, start, end) for day in weekdays]


def aware(moment: datetime, tz: str | ZoneInfo) -> datetime:
    """Attach a zone to a naive local datetime (how Frappe stores them); aware ones pass through."""
    if moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=ZoneInfo(tz) if isinstance(tz, str) else tz)


def naive(moment: datetime, tz: str | ZoneInfo) -> datetime:
    """The naive local wall-clock time of an aware datetime in `tz` (for storing in Frappe)."""
    return moment.astimezone(ZoneInfo(tz) if isinstance(tz, str) else tz).replace(tzinfo=None)
