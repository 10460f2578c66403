"""Differential tests of the working-time calendar against a minute-stepping reference.

The reference is deliberately naive: it walks real (UTC) time one minute at a time, reads the
policy's local wall clock with zoneinfo and counts the minute when the clock shows working time on a
day that is not a holiday. The engine lays whole intervals out and bisects; wherever the two disagree
the engine is wrong. Start moments are drawn around every DST change of zones that have them
(Berlin, New York, Sydney — southern hemisphere, changing at 02:00/03:00 local) and Moscow (no DST
since 2014, but changes in 2011 and 2014), with working hours that often begin or end inside the
hour that is skipped or repeated.

The one rule the reference has to state, because a wall clock that is set back shows some times
twice: a shift follows the furthest the clock has got that day. Once it has shown 02:30 the 02:30
start has happened (or the 02:30 end has), even while it shows 02:00–02:59 again after being set
back. In the spring the clock jumps from 02:00 to 03:00, so a 02:30 boundary falls at the jump.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from functools import lru_cache
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from support_hub.engine.calendar import BusinessCalendar, WorkingHours, check_working_hours

UTC = timezone.utc
MINUTE = timedelta(minutes=1)
ZONES = ("Europe/Berlin", "America/New_York", "Australia/Sydney", "Europe/Moscow")


# ----- the reference --------------------------------------------------------------------------------


class MinuteReference:
    """Working time decided one real minute at a time by reading the local wall clock."""

    def __init__(self, tz: ZoneInfo, hours: list[WorkingHours], holidays=()):
        self.tz, self.hours, self.holidays = tz, hours, frozenset(holidays)

    def minutes(self, start: datetime):
        """(minute's start instant, whether that minute is working time) from `start` on, forever.

        Starts reading the clock at the local midnight before `start`, so the furthest wall-clock
        time of the day is known when `start` comes."""
        local_start = start.astimezone(self.tz)
        u = datetime.combine(local_start.date(), time(), tzinfo=self.tz).astimezone(UTC) - timedelta(hours=3)
        day, furthest = None, None
        while True:
            wall = u.astimezone(self.tz).replace(tzinfo=None)
            if wall.date() != day:
                day, furthest = wall.date(), wall.time()
            furthest = max(furthest, wall.time())
            working = day not in self.holidays and any(
                h.weekday == day.weekday() and h.start <= furthest < h.end for h in self.hours
            )
            if u >= start:
                yield u, working
            u += MINUTE

    def add_working_minutes(self, start: datetime, minutes: int) -> datetime:
        counted = 0
        for u, working in self.minutes(start):
            if counted == minutes:
                return u
            counted += working

    def working_minutes_between(self, start: datetime, end: datetime) -> int:
        counted = 0
        for u, working in self.minutes(start):
            if u >= end:
                return counted
            counted += working


# ----- where to look: around each zone's offset changes ----------------------------------------------


@lru_cache(maxsize=None)
def offset_changes(zone: str) -> tuple[datetime, ...]:
    """UTC instants (to the minute) at which the zone's offset changes, 2010–2030."""
    tz = ZoneInfo(zone)
    out = []
    u = datetime(2010, 1, 1, tzinfo=UTC)
    while u.year < 2031:
        nxt = u + timedelta(days=1)
        if u.astimezone(tz).utcoffset() != nxt.astimezone(tz).utcoffset():
            lo, hi = u, nxt
            while hi - lo > MINUTE:
                mid = lo + (hi - lo) / 2
                mid = mid.replace(second=0, microsecond=0)
                if mid.astimezone(tz).utcoffset() == lo.astimezone(tz).utcoffset():
                    lo = mid if mid > lo else lo + MINUTE
                else:
                    hi = mid
            out.append(hi)
        u = nxt
    return tuple(out)


def test_every_zone_has_offset_changes_to_look_at():
    assert len(offset_changes("Europe/Berlin")) == 42
    assert len(offset_changes("Australia/Sydney")) >= 40
    assert [c.year for c in offset_changes("Europe/Moscow")] == [2010, 2010, 2011, 2014]


@st.composite
def start_near_a_change(draw, zone: str):
    change = draw(st.sampled_from(offset_changes(zone)))
    shift = draw(st.integers(min_value=-3 * 24 * 60, max_value=24 * 60))
    return change + shift * MINUTE


def _wall(minutes: int) -> time:
    return time(minutes // 60, minutes % 60)


# Boundaries near 00:00-04:00 (where DST changes happen) far more often than elsewhere.
_boundary = st.one_of(st.integers(0, 5 * 60), st.integers(0, 24 * 60 - 1))


@st.composite
def schedules(draw):
    rows = []
    for _ in range(draw(st.integers(1, 6))):
        a, b = sorted(draw(st.lists(_boundary, min_size=2, max_size=2, unique=True)))
        days = draw(st.sets(st.integers(0, 6), min_size=1, max_size=7))
        rows.extend(WorkingHours(d, _wall(a), _wall(b)) for d in sorted(days))
    # Overlapping rows are refused by the calendar itself; keep the first of any overlapping pair.
    kept: list[WorkingHours] = []
    for row in rows:
        if not check_working_hours([*kept, row]):
            kept.append(row)
    return kept


def _holidays_near(start: datetime, tz: ZoneInfo, picks: list[int]) -> list[date]:
    day = start.astimezone(tz).date()
    return [day + timedelta(days=p) for p in picks]




def _complete(rows: list[WorkingHours]) -> list[WorkingHours]:
    """Add a plain 12:00-13:00 on weekdays nobody works, so the reference never walks for weeks."""
    worked = {r.weekday for r in rows}
    extra = [WorkingHours(d, time(12), time(13)) for d in range(7) if d not in worked]
    return rows + [r for r in extra if not check_working_hours(rows + [r])]


zones = st.sampled_from(ZONES)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_add_working_minutes_matches_the_minute_reference(data):
    zone = data.draw(zones)
    tz = ZoneInfo(zone)
    start = data.draw(start_near_a_change(zone))
    rows = _complete(data.draw(schedules()))
    holidays = _holidays_near(start, tz, data.draw(st.lists(st.integers(-1, 4), max_size=2)))
    minutes = data.draw(st.integers(min_value=1, max_value=12 * 60))
    engine = BusinessCalendar(tz, rows, holidays)
    reference = MinuteReference(tz, rows, holidays)
    assert engine.add_working_minutes(start, minutes) == reference.add_working_minutes(start, minutes)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_working_minutes_between_matches_the_minute_reference(data):
    zone = data.draw(zones)
    tz = ZoneInfo(zone)
    start = data.draw(start_near_a_change(zone))
    end = start + data.draw(st.integers(min_value=0, max_value=4 * 24 * 60)) * MINUTE
    rows = _complete(data.draw(schedules()))
    holidays = _holidays_near(start, tz, data.draw(st.lists(st.integers(-1, 4), max_size=2)))
    engine = BusinessCalendar(tz, rows, holidays)
    reference = MinuteReference(tz, rows, holidays)
    assert engine.working_minutes_between(start, end) == reference.working_minutes_between(start, end)


# ----- the cases the reference found, pinned --------------------------------------------------------

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
SYDNEY = ZoneInfo("Australia/Sydney")


def test_a_start_inside_the_spring_gap_falls_at_the_jump():
    # Berlin, Sunday 29 March 2026: 02:00 becomes 03:00. A shift from 02:30 starts when the clock
    # jumps (03:00 CEST, 01:00 UTC), not at 03:30 as reading 02:30 with the winter offset gave.
    cal = BusinessCalendar(BERLIN, [WorkingHours(6, time(2, 30), time(6))])
    first = cal.add_working_minutes(datetime(2026, 3, 29, 0, 0, tzinfo=BERLIN), 1)
    assert first == datetime(2026, 3, 29, 1, 1, tzinfo=UTC)
    assert cal.working_minutes_between(datetime(2026, 3, 29, 0, tzinfo=BERLIN), datetime(2026, 3, 29, 7, tzinfo=BERLIN)) == 180


def test_an_end_inside_the_spring_gap_falls_at_the_jump():
    # New York, Sunday 8 March 2026: 02:00 becomes 03:00; a night shift to 02:30 ends at the jump.
    cal = BusinessCalendar(NEW_YORK, [WorkingHours(6, time(0), time(2, 30))])
    assert cal.working_minutes_between(datetime(2026, 3, 8, 0, tzinfo=NEW_YORK), datetime(2026, 3, 8, 6, tzinfo=NEW_YORK)) == 120
    assert cal.add_working_minutes(datetime(2026, 3, 8, 0, tzinfo=NEW_YORK), 120) == datetime(2026, 3, 8, 7, 0, tzinfo=UTC)


def test_a_shift_wholly_inside_the_spring_gap_does_not_happen():
    cal = BusinessCalendar(SYDNEY, [WorkingHours(6, time(2, 10), time(2, 50)), WorkingHours(6, time(9), time(10))])
    # Sydney, Sunday 4 October 2026: 02:00 becomes 03:00.
    day = datetime(2026, 10, 4, 0, tzinfo=SYDNEY)
    assert cal.working_minutes_between(day, day + timedelta(hours=24)) == 60


def test_the_repeated_autumn_hour_counts_from_the_first_time_the_clock_shows_a_boundary():
    # Berlin, Sunday 25 October 2026: 03:00 CEST becomes 02:00 CET, so 02:00-02:59 is shown twice.
    starts_inside = BusinessCalendar(BERLIN, [WorkingHours(6, time(2, 30), time(4))])
    ends_inside = BusinessCalendar(BERLIN, [WorkingHours(6, time(0), time(2, 30))])
    day = datetime(2026, 10, 25, 0, tzinfo=BERLIN)
    # 02:30 CEST (00:30 UTC) to 04:00 CET (03:00 UTC): two and a half hours, without a break.
    assert starts_inside.working_minutes_between(day, day + timedelta(hours=24)) == 150
    assert starts_inside.add_working_minutes(day, 1) == datetime(2026, 10, 25, 0, 31, tzinfo=UTC)
    # 00:00 CEST to the first 02:30 (00:30 UTC): the clock showing 02:00-02:30 again is not worked.
    assert ends_inside.working_minutes_between(day, day + timedelta(hours=24)) == 150


@pytest.mark.parametrize("zone", ZONES)
def test_reference_and_engine_agree_on_a_plain_week(zone):
    tz = ZoneInfo(zone)
    rows = [WorkingHours(d, time(9), time(18)) for d in range(5)]
    start = datetime(2026, 6, 1, 8, tzinfo=tz)
    engine, reference = BusinessCalendar(tz, rows), MinuteReference(tz, rows)
    assert engine.add_working_minutes(start, 600) == reference.add_working_minutes(start, 600)
