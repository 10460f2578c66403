"""A pause after a breach must not hide the breach when the policy is chosen again later.

The ticket keeps, per target, the working minutes it was paused while that target was still running
(engine.sla.pause_credit); a policy chosen anew counts from the opening plus that total. These tests
replay pauses the way the Frappe clock does on resume and check that choosing the same policy again
never moves a deadline — which is exactly what failed when every pause, also one after the breach,
was added to a single total.
"""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from support_hub.engine.calendar import BusinessCalendar, weekly_hours
from support_hub.engine.sla import Clock, Policy, SlaStatus, Target, deadlines, evaluate, pause_credit

MSK = ZoneInfo("Europe/Moscow")
CAL = BusinessCalendar(MSK, weekly_hours(range(5), time(9), time(18)), holidays=[date(2026, 3, 9)])
SUPPORT = Policy("Support", CAL, (Target("", 60, 480),))


def at(*args):
    return datetime(*args, tzinfo=MSK)


def replay(start, pauses, first_responded_on=None):
    """The stored due dates and per-target paused totals after `pauses`, as the clock keeps them."""
    due = deadlines(SUPPORT, None, start)
    first, resolution = due.first_response_due, due.resolution_due
    first_total = resolution_total = 0.0
    for since, until in pauses:
        responded = first_responded_on if first_responded_on and first_responded_on <= since else None
        credit = pause_credit(CAL, first, responded, since, until)
        first, first_total = CAL.add_working_minutes(first, credit), first_total + credit
        credit = pause_credit(CAL, resolution, None, since, until)
        resolution, resolution_total = CAL.add_working_minutes(resolution, credit), resolution_total + credit
    return first, resolution, first_total, resolution_total


def test_pause_after_the_first_response_breach_does_not_hide_it():
    start = at(2026, 3, 2, 10)  # Monday; first response due 11:00, resolution 18:00
    # Paused at 11:30 — the first response already late — until Tuesday 11:30 (540 working minutes).
    first, resolution, first_total, resolution_total = replay(start, [(at(2026, 3, 2, 11, 30), at(2026, 3, 3, 11, 30))])
    assert first == at(2026, 3, 2, 11)  # stays where it was
    assert resolution == at(2026, 3, 3, 18)  # still running when the pause began: moved by the pause
    assert (first_total, resolution_total) == (0, 540)
    # A priority change chooses the same policy again: the breach is still there.
    again = deadlines(SUPPORT, "Low", start, paused_minutes=resolution_total, first_response_paused_minutes=first_total)
    assert again.first_response_due == first and again.resolution_due == resolution
    clock = Clock(again.first_response_due, again.resolution_due)
    assert evaluate(clock, at(2026, 3, 3, 12), 15) is SlaStatus.BREACHED


def test_pause_of_a_met_target_does_not_count_for_it():
    start = at(2026, 3, 2, 10)
    responded = at(2026, 3, 2, 10, 30)
    assert pause_credit(CAL, at(2026, 3, 2, 11), responded, at(2026, 3, 2, 12), at(2026, 3, 2, 13)) == 0
    first, _, first_total, resolution_total = replay(start, [(at(2026, 3, 2, 12), at(2026, 3, 2, 13))], responded)
    assert (first, first_total, resolution_total) == (at(2026, 3, 2, 11), 0, 60)


def test_pause_while_running_counts_in_full():
    assert pause_credit(CAL, at(2026, 3, 2, 11), None, at(2026, 3, 2, 10, 30), at(2026, 3, 3, 10, 30)) == 540


minutes_after_start = st.integers(min_value=0, max_value=5 * 24 * 60)
pause_lengths = st.integers(min_value=1, max_value=3 * 24 * 60)


@st.composite
def pause_lists(draw, start):
    pauses, moment = [], start
    for _ in range(draw(st.integers(0, 5))):
        since = moment + timedelta(minutes=draw(minutes_after_start))
        until = since + timedelta(minutes=draw(pause_lengths))
        pauses.append((since, until))
        moment = until
    return pauses


starts = st.datetimes(min_value=datetime(2026, 1, 5), max_value=datetime(2026, 12, 20)).map(
    lambda d: d.replace(second=0, microsecond=0, tzinfo=MSK)
)


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_choosing_the_same_policy_again_never_moves_a_deadline(data):
    start = data.draw(starts)
    pauses = data.draw(pause_lists(start))
    first, resolution, first_total, resolution_total = replay(start, pauses)
    again = deadlines(SUPPORT, None, start, paused_minutes=resolution_total, first_response_paused_minutes=first_total)
    assert abs((again.first_response_due - first).total_seconds()) < 1e-3
    assert abs((again.resolution_due - resolution).total_seconds()) < 1e-3


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_a_breach_before_a_pause_stays_a_breach_after_reselection(data):
    start = data.draw(starts)
    pauses = data.draw(pause_lists(start))
    first, resolution, first_total, resolution_total = replay(start, pauses)
    if not pauses:
        return
    end = pauses[-1][1]
    again = deadlines(SUPPORT, None, start, paused_minutes=resolution_total, first_response_paused_minutes=first_total)
    late_before_a_pause = any(first <= since for since, _ in pauses)
    if late_before_a_pause:
        assert again.first_response_due < end
        assert evaluate(Clock(again.first_response_due, again.resolution_due), end, 15) is SlaStatus.BREACHED


def test_met_during_the_pause_still_counts_the_pause():
    # Resolved straight from Waiting for Customer: the resolution clock had stopped, so it is on time.
    since, until = at(2026, 3, 2, 12), at(2026, 3, 3, 12)
    assert pause_credit(CAL, at(2026, 3, 2, 18), until, since, until) == 540
