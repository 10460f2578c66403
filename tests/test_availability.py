"""Agent availability: shift arithmetic (2/2, weekdays, custom, night shifts, DST), leave, away, and since
when an absent agent has been gone."""

from datetime import date, datetime, time, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from support_hub.engine.availability import (
    AWAY,
    CUSTOM_WEEKDAYS,
    DAYS_ON_OFF,
    EVERY_DAY,
    LOOKBACK_DAYS,
    OFF_SHIFT,
    ON_LEAVE,
    ON_SHIFT,
    WEEKDAYS,
    AgentSchedule,
    Shift,
    absent_since,
    availability,
    is_available,
    is_shift_day,
    present,
    shift_interval,
    validate_shift,
)

UTC = timezone.utc
MOSCOW = "Europe/Moscow"  # UTC+3, no DST
BERLIN = "Europe/Berlin"


def at(y, m, d, hh=12, mm=0):
    return datetime(y, m, d, hh, mm, tzinfo=UTC)


TWO_TWO = Shift(DAYS_ON_OFF, time(9), time(21), days_on=2, days_off=2, anchor=date(2026, 12, 1), time_zone=MOSCOW)


def test_two_by_two_with_an_anchor():
    days = [is_shift_day(TWO_TWO, date(2026, 12, 1) + timedelta(days=i)) for i in range(8)]
    assert days == [True, True, False, False, True, True, False, False]
    # before the anchor the cycle runs backwards
    assert [is_shift_day(TWO_TWO, date(2026, 11, 27) + timedelta(days=i)) for i in range(4)] == [True, True, False, False]
    agent = AgentSchedule(TWO_TWO)
    assert availability(agent, at(2026, 12, 1, 6)) == ON_SHIFT  # 09:00 Moscow
    assert availability(agent, at(2026, 12, 1, 5, 59)) == OFF_SHIFT
    assert availability(agent, at(2026, 12, 2, 17, 59)) == ON_SHIFT  # 20:59 Moscow, second day
    assert availability(agent, at(2026, 12, 2, 18)) == OFF_SHIFT  # 21:00: the shift is over
    assert availability(agent, at(2026, 12, 3, 12)) == OFF_SHIFT  # a day off


def test_weekdays_and_custom_weekdays():
    weekdays = AgentSchedule(Shift(WEEKDAYS, time(9), time(18), time_zone=MOSCOW))
    assert is_available(weekdays, at(2026, 12, 4, 10))  # Friday 13:00
    assert not is_available(weekdays, at(2026, 12, 5, 10))  # Saturday
    custom = AgentSchedule(Shift(CUSTOM_WEEKDAYS, weekdays=frozenset({5, 6}), time_zone=MOSCOW))  # weekends, all day
    assert is_available(custom, at(2026, 12, 5, 10)) and not is_available(custom, at(2026, 12, 4, 10))
    assert is_available(custom, at(2026, 12, 4, 21))  # Saturday 00:00 Moscow is still Friday 21:00 UTC


def test_a_night_shift_belongs_to_the_day_it_starts():
    night = AgentSchedule(Shift(WEEKDAYS, time(22), time(6), time_zone=MOSCOW))
    assert is_available(night, at(2026, 12, 4, 23))  # Saturday 02:00 Moscow: Friday's night shift
    assert not is_available(night, at(2026, 12, 5, 23))  # Sunday 02:00: Saturday had no shift
    assert shift_interval(night.shift, date(2026, 12, 4)) == (at(2026, 12, 4, 19), at(2026, 12, 5, 3))


def test_no_pattern_means_always_there():
    assert is_available(AgentSchedule(), at(2026, 12, 6, 3))
    assert present(["a", "b", "c"], {"b": AgentSchedule(away=True)}, at(2026, 12, 6)) == ["a", "c"]


def test_leave_wins_over_away_and_shift_and_counts_local_dates():
    agent = AgentSchedule(Shift(EVERY_DAY, time_zone=MOSCOW), leaves=((date(2026, 12, 10), date(2026, 12, 12)),),
                          away=True, away_since=at(2026, 12, 9))
    assert availability(agent, at(2026, 12, 9, 20, 59)) == AWAY
    assert availability(agent, at(2026, 12, 9, 21)) == ON_LEAVE  # 00:00 on the 10th in Moscow
    assert availability(agent, at(2026, 12, 12, 20, 59)) == ON_LEAVE
    assert availability(agent, at(2026, 12, 12, 21)) == AWAY  # leave over, still marked away


def test_away_until_a_moment():
    agent = AgentSchedule(away=True, away_since=at(2026, 12, 1, 10), away_until=at(2026, 12, 1, 11))
    assert [availability(agent, at(2026, 12, 1, h)) for h in (9, 10, 11)] == [ON_SHIFT, AWAY, ON_SHIFT]


def test_absent_since_is_the_end_of_the_last_stretch_at_work():
    agent = AgentSchedule(TWO_TWO)
    assert absent_since(agent, at(2026, 12, 1, 10)) is None
    assert absent_since(agent, at(2026, 12, 3, 12)) == at(2026, 12, 2, 18)  # the 21:00 end of the second day
    away = AgentSchedule(TWO_TWO, away=True, away_since=at(2026, 12, 1, 8, 30))
    assert absent_since(away, at(2026, 12, 1, 9)) == at(2026, 12, 1, 8, 30)
    # away during a day off: gone since the shift ended, not since they pressed the button
    off = AgentSchedule(TWO_TWO, away=True, away_since=at(2026, 12, 3, 12))
    assert absent_since(off, at(2026, 12, 3, 13)) == at(2026, 12, 2, 18)
    never = AgentSchedule(away=True)
    assert absent_since(never, at(2026, 12, 3)) == at(2026, 12, 3) - timedelta(days=LOOKBACK_DAYS)


def test_wall_clock_hours_across_dst():
    berlin = Shift(EVERY_DAY, time(1), time(9), time_zone=BERLIN)
    spring = shift_interval(berlin, date(2026, 3, 29))  # clocks 02:00 -> 03:00
    assert spring[1] - spring[0] == timedelta(hours=7)
    autumn = shift_interval(berlin, date(2026, 10, 25))  # 03:00 -> 02:00
    assert autumn[1] - autumn[0] == timedelta(hours=9)
    # a start inside the gap is the jump; one in the repeated hour is its first occurrence
    gap = shift_interval(Shift(EVERY_DAY, time(2, 30), time(9), time_zone=BERLIN), date(2026, 3, 29))
    assert gap[0] == datetime(2026, 3, 29, 1, 0, tzinfo=UTC)
    twice = shift_interval(Shift(EVERY_DAY, time(2, 30), time(9), time_zone=BERLIN), date(2026, 10, 25))
    assert twice[0] == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)


def test_validate_shift():
    assert validate_shift(TWO_TWO) == []
    assert validate_shift(Shift(DAYS_ON_OFF, days_on=0, days_off=2)) == [
        "days on must be at least 1 and days off at least 0", "days on / days off needs the date of a first working day"]
    assert validate_shift(Shift(CUSTOM_WEEKDAYS)) == ["choose at least one weekday"]
    assert validate_shift(Shift(EVERY_DAY, start=time(9))) == [
        "give both the start and the end of the shift, or neither (all day)"]
    assert validate_shift(Shift(time_zone="Mars/Olympus")) == ["unknown time zone Mars/Olympus"]


def test_naive_moments_are_refused():
    with pytest.raises(ValueError):
        is_available(AgentSchedule(), datetime(2026, 12, 1))


# ----- properties ---------------------------------------------------------------------------------

ZONES = st.sampled_from(["UTC", MOSCOW, BERLIN, "America/New_York", "Asia/Kolkata"])
DAYS = st.dates(min_value=date(2025, 1, 1), max_value=date(2028, 12, 31))


@settings(max_examples=300, deadline=None)
@given(on=st.integers(1, 6), off=st.integers(0, 6), anchor=DAYS, day=DAYS)
def test_days_on_off_repeats_every_cycle_and_works_exactly_days_on_of_them(on, off, anchor, day):
    shift = Shift(DAYS_ON_OFF, days_on=on, days_off=off, anchor=anchor)
    cycle = on + off
    window = [is_shift_day(shift, day + timedelta(days=i)) for i in range(cycle)]
    assert sum(window) == on
    assert is_shift_day(shift, day) == is_shift_day(shift, day + timedelta(days=cycle)) == is_shift_day(
        shift, day - timedelta(days=cycle))
    assert is_shift_day(shift, anchor)


def _minutes(start, count):
    return [start + timedelta(minutes=15 * i) for i in range(count)]


@settings(max_examples=150, deadline=None)
@given(
    zone=ZONES,
    pattern=st.sampled_from([EVERY_DAY, WEEKDAYS, DAYS_ON_OFF, CUSTOM_WEEKDAYS]),
    hours=st.one_of(st.none(), st.tuples(st.integers(0, 23), st.integers(0, 23))),
    weekdays=st.frozensets(st.integers(0, 6), min_size=1),
    anchor=DAYS,
    start=st.datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2026, 12, 31)),
    leave_offset=st.integers(-3, 3),
    away_hours=st.one_of(st.none(), st.integers(-30, 30)),
)
def test_absent_since_agrees_with_a_step_by_step_reference(zone, pattern, hours, weekdays, anchor, start, leave_offset,
                                                            away_hours):
    start_time, end_time = (None, None) if hours is None or hours[0] == hours[1] else (time(hours[0]), time(hours[1]))
    shift = Shift(pattern, start_time, end_time, weekdays=weekdays, days_on=2, days_off=2, anchor=anchor, time_zone=zone)
    moment = start.replace(tzinfo=UTC)
    leave_day = moment.date() + timedelta(days=leave_offset)
    agent = AgentSchedule(
        shift, leaves=((leave_day, leave_day),), away=away_hours is not None,
        away_since=moment + timedelta(hours=away_hours) if away_hours is not None else None)
    since = absent_since(agent, moment)
    assert (since is None) == is_available(agent, moment)
    if since is None:
        return
    assert since <= moment
    # every moment from the start of the absence to now is an absence (checked every 15 minutes)...
    span = int((moment - since).total_seconds() // 900)
    for m in _minutes(since, min(span, 400)):
        assert not is_available(agent, m), (m, availability(agent, m))
    # ...and just before it the agent was there (unless they have been gone longer than we look back)
    if since > moment - timedelta(days=LOOKBACK_DAYS):
        assert is_available(agent, since - timedelta(minutes=1))
