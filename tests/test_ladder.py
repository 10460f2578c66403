from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from support_hub.engine.calendar import BusinessCalendar, weekly_hours
from support_hub.engine.ladder import (
    CLOSE,
    NOTIFY_CLOSING,
    REMIND,
    LadderStep,
    check_ladder,
    due_steps,
    schedule,
    step_key,
)

MSK = ZoneInfo("Europe/Moscow")
CAL = BusinessCalendar(MSK, weekly_hours(range(5), time(9), time(18)), holidays=[date(2026, 3, 9)])
# Remind after 48 h, warn of closing 72 h after the reminder, close 24 h after the warning.
LADDER = [
    LadderStep("Reminder", 48 * 60, False, REMIND, "Waiting Reminder"),
    LadderStep("Closing Notice", 72 * 60, False, NOTIFY_CLOSING, "Closing Notice"),
    LadderStep("Close", 24 * 60, False, CLOSE, None),
]
START = datetime(2026, 3, 2, 10, 0, tzinfo=MSK)  # Monday


def names(steps):
    return [s.name for s in steps]


def test_a_usable_ladder_has_no_problems():
    assert check_ladder(LADDER) == []


def test_steps_fall_due_in_turn():
    assert due_steps(LADDER, START, [], START + timedelta(hours=47, minutes=59)) == []
    assert names(due_steps(LADDER, START, [], START + timedelta(hours=48))) == ["Reminder"]
    # the notice counts from the reminder's due moment: 48 + 72 h
    assert names(due_steps(LADDER, START, ["Reminder"], START + timedelta(hours=119))) == []
    assert names(due_steps(LADDER, START, ["Reminder"], START + timedelta(hours=120))) == ["Closing Notice"]
    assert names(due_steps(LADDER, START, ["Reminder", "Closing Notice"], START + timedelta(hours=144))) == ["Close"]
    assert due_steps(LADDER, START, names(LADDER), START + timedelta(days=365)) == []


def test_late_run_returns_all_overdue_steps_once_in_order():
    late = START + timedelta(days=30)
    assert names(due_steps(LADDER, START, [], late)) == ["Reminder", "Closing Notice", "Close"]
    assert names(due_steps(LADDER, START, ["Reminder"], late)) == ["Closing Notice", "Close"]


def test_running_twice_returns_nothing_new():
    now = START + timedelta(hours=50)
    first = due_steps(LADDER, START, [], now)
    assert due_steps(LADDER, START, names(first), now) == []


def test_delay_counts_from_due_moment_not_from_when_the_step_ran():
    # the reminder ran very late (at 100 h), but the notice is still due at 120 h
    assert names(due_steps(LADDER, START, ["Reminder"], START + timedelta(hours=120))) == ["Closing Notice"]


def test_working_time_steps_use_the_calendar():
    steps = [LadderStep("Nudge", 8 * 60, True, REMIND, "t"), LadderStep("Close", 9 * 60, True, CLOSE)]
    friday_evening = datetime(2026, 3, 6, 17, 0, tzinfo=MSK)
    plan = schedule(steps, friday_evening, CAL)
    # 1 h on Friday, Monday is a holiday, 7 h on Tuesday -> Tuesday 16:00; 9 h more -> Wednesday 16:00
    assert plan[0][1] == datetime(2026, 3, 10, 16, 0, tzinfo=MSK)
    assert plan[1][1] == datetime(2026, 3, 11, 16, 0, tzinfo=MSK)
    assert due_steps(steps, friday_evening, [], datetime(2026, 3, 10, 15, 59, tzinfo=MSK), CAL) == []
    assert names(due_steps(steps, friday_evening, [], datetime(2026, 3, 10, 16, 0, tzinfo=MSK), CAL)) == ["Nudge"]
    with pytest.raises(ValueError):
        due_steps(steps, friday_evening, [], friday_evening)  # working time needs a calendar


def test_bad_ladders_are_refused():
    dup = [LadderStep("A", 1, False, REMIND), LadderStep("A", 1, False, CLOSE)]
    assert check_ladder(dup) == ["step name A is used twice"]
    with pytest.raises(ValueError):
        due_steps(dup, START, [], START)
    assert check_ladder([LadderStep("B", -1, False, "Explode")]) == [
        "step B has a negative delay",
        "step B has an unknown action Explode",
    ]
    with pytest.raises(ValueError):
        due_steps(LADDER, START.replace(tzinfo=None), [], START)


def test_step_key_is_stable_and_per_waiting_period():
    key = step_key("T-1", START, LADDER[0])
    assert key == step_key("T-1", START.astimezone(ZoneInfo("UTC")), "Reminder")
    assert key != step_key("T-1", START + timedelta(minutes=1), LADDER[0])  # customer replied: new period
    assert key != step_key("T-2", START, LADDER[0])
    assert key != step_key("T-1", START, LADDER[1])


def test_customer_reply_resets_the_ladder():
    # the caller clears steps_done and starts a new waiting period
    reply_then_wait = START + timedelta(hours=60)
    assert due_steps(LADDER, reply_then_wait, [], START + timedelta(hours=100)) == []


@settings(max_examples=300)
@given(
    st.lists(st.integers(min_value=0, max_value=300), min_size=1, max_size=10),  # run times, hours
    st.lists(st.integers(min_value=0, max_value=100), min_size=1, max_size=5),  # step delays, hours
    st.booleans(),
)
def test_steps_never_returned_twice_across_any_split_of_time(run_hours, delays, working):
    steps = [LadderStep(f"S{i}", d * 60, working, REMIND) for i, d in enumerate(delays)]
    calendar = CAL if working else None
    done: list[str] = []
    for hours in sorted(run_hours):
        got = due_steps(steps, START, done, START + timedelta(hours=hours), calendar)
        # never before the earlier steps are done or returned now
        assert names(got) == [s.name for s in steps[len(done) : len(done) + len(got)]]
        done.extend(names(got))
    assert len(done) == len(set(done))
    end = START + timedelta(hours=max(run_hours))
    assert done == names(due_steps(steps, START, [], end, calendar))  # same as one run at the end
