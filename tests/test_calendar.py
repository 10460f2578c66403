from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from support_hub.engine.calendar import (
    BusinessCalendar,
    CalendarError,
    WorkingHours,
    check_working_hours,
    weekly_hours,
)

MSK = ZoneInfo("Europe/Moscow")
BERLIN = ZoneInfo("Europe/Berlin")
NINE_TO_SIX = weekly_hours(range(5), time(9), time(18))


def in_working_hours(calendar, moment):
    """Whether `moment` lies in one of its local day's working intervals (both ends included)."""
    day = moment.astimezone(calendar.tz).date()
    return any(start <= moment <= end for start, end in calendar.working_intervals_on(day))


def local(tz, *args):
    return datetime(*args, tzinfo=tz)


@pytest.fixture
def moscow():
    return BusinessCalendar(MSK, NINE_TO_SIX, holidays=[date(2026, 1, 1), date(2026, 1, 2)])


def test_inside_one_day(moscow):
    due = moscow.add_working_minutes(local(MSK, 2026, 3, 2, 10, 0), 60)  # Monday
    assert due.astimezone(MSK) == local(MSK, 2026, 3, 2, 11, 0)


def test_rolls_over_the_evening(moscow):
    due = moscow.add_working_minutes(local(MSK, 2026, 3, 2, 17, 30), 60)
    assert due.astimezone(MSK) == local(MSK, 2026, 3, 3, 9, 30)


def test_friday_evening_lands_on_monday(moscow):
    due = moscow.add_working_minutes(local(MSK, 2026, 3, 6, 17, 0), 120)  # Friday 17:00
    assert due.astimezone(MSK) == local(MSK, 2026, 3, 9, 10, 0)


def test_start_outside_hours_counts_from_next_opening(moscow):
    due = moscow.add_working_minutes(local(MSK, 2026, 3, 7, 12, 0), 30)  # Saturday
    assert due.astimezone(MSK) == local(MSK, 2026, 3, 9, 9, 30)


def test_holidays_are_skipped(moscow):
    # 31 Dec 2025 is a Wednesday; 1-2 Jan are holidays, 3-4 Jan the weekend.
    due = moscow.add_working_minutes(local(MSK, 2025, 12, 31, 17, 0), 120)
    assert due.astimezone(MSK) == local(MSK, 2026, 1, 5, 10, 0)


def test_exact_end_of_day_stays_on_that_day(moscow):
    due = moscow.add_working_minutes(local(MSK, 2026, 3, 2, 17, 0), 60)
    assert due.astimezone(MSK) == local(MSK, 2026, 3, 2, 18, 0)
    assert in_working_hours(moscow, due)


def test_lunch_break_splits_the_day():
    cal = BusinessCalendar(
        MSK, weekly_hours(range(5), time(9), time(13)) + weekly_hours(range(5), time(14), time(18))
    )
    due = cal.add_working_minutes(local(MSK, 2026, 3, 2, 12, 30), 60)
    assert due.astimezone(MSK) == local(MSK, 2026, 3, 2, 14, 30)
    assert cal.working_minutes_between(local(MSK, 2026, 3, 2, 8), local(MSK, 2026, 3, 2, 20)) == 480


def test_time_zones_are_the_policys_own():
    # 09:00-18:00 in Vladivostok is 23:00-08:00 UTC the evening before.
    vvo = BusinessCalendar("Asia/Vladivostok", NINE_TO_SIX)
    start = datetime(2026, 3, 2, 22, 0, tzinfo=timezone.utc)  # Monday 08:00 in Vladivostok... +10 => Tue 08:00
    due = vvo.add_working_minutes(start, 30)
    assert due.astimezone(ZoneInfo("Asia/Vladivostok")) == local(ZoneInfo("Asia/Vladivostok"), 2026, 3, 3, 9, 30)


def test_dst_spring_forward_keeps_wall_clock_hours():
    # Berlin jumps 02:00 -> 03:00 on Sunday 29 March 2026; a night shift 00:00-06:00 loses an hour.
    night = BusinessCalendar(BERLIN, [WorkingHours(6, time(0), time(6))])
    assert night.working_minutes_between(local(BERLIN, 2026, 3, 29, 0), local(BERLIN, 2026, 3, 29, 6)) == 300
    # A day shift is unaffected in length, but lands on the same wall-clock time.
    day = BusinessCalendar(BERLIN, NINE_TO_SIX)
    due = day.add_working_minutes(local(BERLIN, 2026, 3, 27, 17, 0), 120)  # Friday before the change
    assert due.astimezone(BERLIN) == local(BERLIN, 2026, 3, 30, 10, 0)


def test_dst_fall_back_gains_an_hour():
    night = BusinessCalendar(BERLIN, [WorkingHours(6, time(0), time(6))])
    # 25 October 2026: 03:00 -> 02:00.
    assert night.working_minutes_between(local(BERLIN, 2026, 10, 25, 0), local(BERLIN, 2026, 10, 25, 6)) == 420


def test_between_is_negative_backwards(moscow):
    a, b = local(MSK, 2026, 3, 2, 10), local(MSK, 2026, 3, 3, 10)
    assert moscow.working_minutes_between(a, b) == 540
    assert moscow.working_minutes_between(b, a) == -540


def test_far_past_and_future_extend_the_layout(moscow):
    assert moscow.add_working_minutes(local(MSK, 2030, 6, 3, 9), 60).astimezone(MSK) == local(MSK, 2030, 6, 3, 10)
    assert moscow.add_working_minutes(local(MSK, 2020, 6, 1, 9), 60).astimezone(MSK) == local(MSK, 2020, 6, 1, 10)
    # A target of several months walks through several layout extensions.
    long = moscow.add_working_minutes(local(MSK, 2026, 3, 2, 9), 540 * 600)
    assert moscow.working_minutes_between(local(MSK, 2026, 3, 2, 9), long) == pytest.approx(540 * 600)


def test_naive_datetimes_are_refused(moscow):
    with pytest.raises(ValueError):
        moscow.add_working_minutes(datetime(2026, 3, 2, 10), 5)


def test_all_holidays_ahead_is_an_error():
    only_monday = BusinessCalendar(MSK, [WorkingHours(0, time(9), time(10))])
    cal = BusinessCalendar(
        MSK,
        [WorkingHours(0, time(9), time(10))],
        holidays=[date(2026, 3, 2) + timedelta(weeks=w) for w in range(0, 400)],
    )
    assert only_monday.add_working_minutes(local(MSK, 2026, 3, 2, 9), 120).astimezone(MSK) == local(MSK, 2026, 3, 9, 10)
    with pytest.raises(CalendarError, match="no working time"):
        cal.add_working_minutes(local(MSK, 2026, 3, 2, 9), 60)


@pytest.mark.parametrize(
    "rows,row,fragment",
    [
        ([], 0, "no business hours"),
        ([WorkingHours(0, time(18), time(9))], 1, "ends (09:00) before it starts (18:00)"),
        ([WorkingHours(0, time(9), time(13)), WorkingHours(0, time(12), time(18))], 2, "overlaps"),
        ([WorkingHours(1, time(9), time(9))], 1, "before it starts"),
    ],
)
def test_bad_hours_name_the_row(rows, row, fragment):
    problems = check_working_hours(rows)
    assert problems and problems[0].row == row and fragment in problems[0].message
    with pytest.raises(CalendarError):
        BusinessCalendar(MSK, rows)


# ---------- properties ----------------------------------------------------------------------------

starts = st.datetimes(min_value=datetime(2024, 1, 1), max_value=datetime(2028, 12, 31)).map(
    lambda d: d.replace(tzinfo=BERLIN)
)
minutes = st.integers(min_value=1, max_value=60 * 24 * 20)
hour_sets = st.lists(
    st.tuples(st.integers(0, 6), st.integers(0, 22), st.integers(1, 6)), min_size=1, max_size=8
).map(lambda rows: [WorkingHours(d, time(h), time(min(h + n, 23), 59 if h + n >= 23 else 0)) for d, h, n in rows])


def _usable(rows):
    return not check_working_hours(rows)


CAL = BusinessCalendar(BERLIN, NINE_TO_SIX, holidays=[date(2026, 12, 25), date(2027, 1, 1), date(2026, 3, 30)])


@settings(max_examples=300, deadline=None)
@given(starts, minutes)
def test_due_date_is_always_working_time(start, mins):
    due = CAL.add_working_minutes(start, mins)
    assert in_working_hours(CAL, due)
    assert due > start


@settings(max_examples=200, deadline=None)
@given(hour_sets, starts, minutes)
def test_due_date_is_working_time_for_any_schedule(rows, start, mins):
    if not _usable(rows):
        return
    cal = BusinessCalendar(BERLIN, rows)
    due = cal.add_working_minutes(start, mins)
    assert in_working_hours(cal, due)
    assert cal.working_minutes_between(start, due) == pytest.approx(mins, abs=1e-6)


@settings(max_examples=300, deadline=None)
@given(starts, minutes, minutes)
def test_adding_more_minutes_never_comes_earlier(start, a, b):
    low, high = sorted((a, b))
    assert CAL.add_working_minutes(start, low) <= CAL.add_working_minutes(start, high)


@settings(max_examples=300, deadline=None)
@given(starts, st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=30)), minutes)
def test_later_start_never_gives_earlier_due(start, delay, mins):
    assert CAL.add_working_minutes(start, mins) <= CAL.add_working_minutes(start + delay, mins)


@settings(max_examples=300, deadline=None)
@given(starts, minutes, minutes)
def test_adding_in_two_steps_equals_adding_once(start, a, b):
    two_steps = CAL.add_working_minutes(CAL.add_working_minutes(start, a), b)
    assert abs((two_steps - CAL.add_working_minutes(start, a + b)).total_seconds()) < 1e-3
