from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from support_hub.engine.calendar import BusinessCalendar, weekly_hours
from support_hub.engine.sla import (
    Clock,
    Policy,
    SlaStatus,
    SlaTarget,
    SweepRow,
    Target,
    TicketFacts,
    checkpoints,
    deadlines,
    evaluate,
    needs_reselection,
    select_policy,
    shift_for_pause,
    sweep_transitions,
    timer,
)

MSK = ZoneInfo("Europe/Moscow")
CAL = BusinessCalendar(MSK, weekly_hours(range(5), time(9), time(18)), holidays=[date(2026, 5, 1)])


def at(*args):
    return datetime(*args, tzinfo=MSK)


def policy(name, **kw):
    kw.setdefault("targets", (Target("", 60, 480),))
    return Policy(name=name, calendar=CAL, **kw)


SUPPORT = policy("Support", ticket_type="Support", targets=(Target("", 60, 480),))
IMPLEMENTATION = policy("Implementation", ticket_type="Implementation", targets=(Target("", 240, 2400),))
URGENT_SUPPORT = policy(
    "Urgent support", ticket_type="Support", priority="Urgent", targets=(Target("Urgent", 15, 120),)
)
DEFAULT = policy("Default", is_default=True, targets=(Target("", 480, 4800),))
ALL = [DEFAULT, SUPPORT, IMPLEMENTATION, URGENT_SUPPORT]


def test_most_specific_policy_wins():
    assert select_policy(ALL, TicketFacts(ticket_type="Support", priority="Urgent")) is URGENT_SUPPORT
    assert select_policy(ALL, TicketFacts(ticket_type="Support", priority="Today")) is SUPPORT


def test_default_catches_the_rest():
    assert select_policy(ALL, TicketFacts(ticket_type="Development")) is DEFAULT
    assert select_policy([SUPPORT], TicketFacts(ticket_type="Development")) is None


def test_policy_without_target_for_priority_is_skipped():
    only_urgent = policy("Only urgent", team="L1", targets=(Target("Urgent", 5, 60),))
    assert select_policy([only_urgent, DEFAULT], TicketFacts(team="L1", priority="Today")) is DEFAULT
    assert select_policy([only_urgent, DEFAULT], TicketFacts(team="L1", priority="Urgent")) is only_urgent


def test_tie_is_broken_by_name_not_order():
    a = policy("A team", team="L1")
    b = policy("B channel", channel="Email")
    facts = TicketFacts(team="L1", channel="Email")
    assert select_policy([b, a], facts) is a
    assert select_policy([a, b], facts) is a


def test_per_priority_targets():
    p = policy("P", targets=(Target("Urgent", 15, 60), Target("", 60, 480)))
    start = at(2026, 3, 2, 10)
    assert deadlines(p, "Urgent", start).first_response_due.astimezone(MSK) == at(2026, 3, 2, 10, 15)
    assert deadlines(p, "Low", start).first_response_due.astimezone(MSK) == at(2026, 3, 2, 11)


def test_reselection_moves_support_ticket_to_implementation_targets():
    start = at(2026, 3, 2, 10)
    before = TicketFacts(ticket_type="Support")
    after = TicketFacts(ticket_type="Implementation")
    change = needs_reselection(before, after)
    assert change and change.reasons == ["ticket_type"]
    assert deadlines(select_policy(ALL, before), None, start).first_response_due.astimezone(MSK) == at(2026, 3, 2, 11)
    assert deadlines(select_policy(ALL, after), None, start).first_response_due.astimezone(MSK) == at(2026, 3, 2, 14)
    assert not needs_reselection(after, after)
    assert needs_reselection(None, after).reasons == ["new ticket"]


def test_paused_minutes_carry_into_reselected_deadlines():
    start = at(2026, 3, 2, 10)
    d = deadlines(SUPPORT, None, start, paused_minutes=30)
    assert d.first_response_due.astimezone(MSK) == at(2026, 3, 2, 11, 30)


def test_pause_over_a_weekend_only_shifts_by_working_time():
    due = at(2026, 3, 6, 17, 0)  # Friday
    shifted = shift_for_pause(CAL, due, paused_since=at(2026, 3, 6, 16, 0), resumed_at=at(2026, 3, 9, 10, 0))
    # paused 16:00-18:00 Friday + 09:00-10:00 Monday = 3 working hours
    assert shifted.astimezone(MSK) == at(2026, 3, 9, 11, 0)


def test_pause_after_breach_does_not_hide_it():
    due = at(2026, 3, 2, 10)
    assert shift_for_pause(CAL, due, at(2026, 3, 2, 11), at(2026, 3, 2, 15)) == due


def test_evaluate_statuses():
    frd, rd = at(2026, 3, 2, 11), at(2026, 3, 2, 17)
    clock = Clock(frd, rd)
    assert evaluate(clock, at(2026, 3, 2, 10), 15) is SlaStatus.ON_TRACK
    assert evaluate(clock, at(2026, 3, 2, 10, 45), 15) is SlaStatus.WARNING
    assert evaluate(clock, at(2026, 3, 2, 11, 1), 15) is SlaStatus.BREACHED
    responded = Clock(frd, rd, first_responded_on=at(2026, 3, 2, 10, 50))
    assert evaluate(responded, at(2026, 3, 2, 11, 1), 15) is SlaStatus.ON_TRACK
    assert evaluate(responded, at(2026, 3, 2, 16, 50), 15) is SlaStatus.WARNING
    late_reply = Clock(frd, rd, first_responded_on=at(2026, 3, 2, 11, 30))
    assert evaluate(late_reply, at(2026, 3, 2, 12), 15) is SlaStatus.BREACHED
    paused = Clock(frd, rd, paused=True)
    assert evaluate(paused, at(2026, 3, 2, 10, 50), 15) is SlaStatus.PAUSED
    paused_in_time = Clock(frd, rd, paused=True, paused_since=at(2026, 3, 2, 10, 50))
    assert evaluate(paused_in_time, at(2026, 3, 3, 12), 15) is SlaStatus.PAUSED  # the due date moves on resume
    met = Clock(frd, rd, at(2026, 3, 2, 10, 30), resolved_on=at(2026, 3, 2, 16))
    assert evaluate(met, at(2026, 3, 3), 15) is SlaStatus.MET
    assert evaluate(Clock(None, None), at(2026, 3, 3), 15) is None


def test_timer_counts_working_time_to_the_next_deadline():
    frd, rd = at(2026, 3, 6, 17), at(2026, 3, 9, 12)  # Friday 17:00, Monday 12:00
    # Friday 16:00: one working hour to the first response.
    reading = timer(Clock(frd, rd), CAL, at(2026, 3, 6, 16), 15)
    assert (reading.status, reading.target, reading.due) == (SlaStatus.ON_TRACK, SlaTarget.FIRST_RESPONSE, frd)
    assert reading.working_minutes_left == 60
    # Answered; over the weekend the resolution is 3 working hours away however long Saturday lasts.
    answered = Clock(frd, rd, first_responded_on=at(2026, 3, 6, 16, 30))
    for now in (at(2026, 3, 6, 19), at(2026, 3, 7, 12), at(2026, 3, 9, 8, 59)):
        reading = timer(answered, CAL, now, 15)
        assert (reading.target, reading.working_minutes_left) == (SlaTarget.RESOLUTION, 180), now
    assert timer(answered, CAL, at(2026, 3, 9, 11, 50), 15).status is SlaStatus.WARNING


def test_timer_while_paused_shows_what_was_left_and_stops():
    frd, rd = at(2026, 3, 2, 12), at(2026, 3, 2, 17)
    paused = Clock(frd, rd, first_responded_on=at(2026, 3, 2, 10), paused=True, paused_since=at(2026, 3, 2, 14))
    # The count does not move, and a due date passing during the pause is not a breach.
    for now in (at(2026, 3, 2, 15), at(2026, 3, 4, 11)):
        reading = timer(paused, CAL, now, 15)
        assert (reading.status, reading.paused, reading.working_minutes_left) == (SlaStatus.PAUSED, True, 180)
    # Pausing a breached ticket does not hide the breach.
    breached = Clock(frd, rd, paused=True, paused_since=at(2026, 3, 2, 13))
    reading = timer(breached, CAL, at(2026, 3, 3, 10), 15)
    assert (reading.status, reading.target, reading.working_minutes_left) == (SlaStatus.BREACHED, SlaTarget.FIRST_RESPONSE, -60)


def test_timer_of_a_breach_says_by_how_much_in_working_time():
    frd, rd = at(2026, 3, 6, 17), at(2026, 3, 9, 17)
    late = timer(Clock(frd, rd), CAL, at(2026, 3, 9, 10), 15)  # Friday 17:00 missed, Monday 10:00
    assert (late.status, late.target, late.working_minutes_left) == (SlaStatus.BREACHED, SlaTarget.FIRST_RESPONSE, -120)
    # A first response that came late stays the breach shown, by how late it came.
    answered_late = Clock(frd, rd, first_responded_on=at(2026, 3, 9, 9, 30))
    reading = timer(answered_late, CAL, at(2026, 3, 9, 12), 15)
    assert (reading.target, reading.working_minutes_left) == (SlaTarget.FIRST_RESPONSE, -90)
    # ... unless the resolution is overdue now too: the breach still running is the one shown.
    reading = timer(answered_late, CAL, at(2026, 3, 10, 9, 30), 15)
    assert (reading.target, reading.working_minutes_left) == (SlaTarget.RESOLUTION, -90)


def test_timer_has_nothing_to_count_when_met_or_ungoverned():
    frd, rd = at(2026, 3, 2, 11), at(2026, 3, 2, 17)
    met = Clock(frd, rd, at(2026, 3, 2, 10, 30), resolved_on=at(2026, 3, 2, 16))
    assert timer(met, CAL, at(2026, 3, 3), 15).working_minutes_left is None
    assert timer(Clock(None, None), CAL, at(2026, 3, 3), 15).status is None


def test_checkpoints_follow_the_next_deadline():
    frd, rd = at(2026, 3, 2, 11), at(2026, 3, 2, 17)
    cp = checkpoints(Clock(frd, rd), SlaStatus.ON_TRACK, 15)
    assert (cp.warning_on, cp.breach_on) == (frd - timedelta(minutes=15), frd)
    cp = checkpoints(Clock(frd, rd, first_responded_on=at(2026, 3, 2, 10)), SlaStatus.ON_TRACK, 15)
    assert cp.breach_on == rd
    assert checkpoints(Clock(frd, rd, paused=True), SlaStatus.PAUSED, 15) == checkpoints(Clock(frd, rd), SlaStatus.BREACHED, 15)
    assert checkpoints(Clock(frd, rd), SlaStatus.PAUSED, 15).breach_on is None


def test_a_checkpoints_warning_is_never_after_its_breach():
    """The sweep finds due breaches on the warning moment's index (sla.sweep), so a lead below zero (which
    the policy form refuses) still warns at the breach, not after it."""
    frd, rd = at(2026, 3, 2, 11), at(2026, 3, 2, 17)
    cp = checkpoints(Clock(frd, rd), SlaStatus.ON_TRACK, -30)
    assert cp.warning_on == cp.breach_on == frd


def test_sweep_transitions_name_the_deadline_and_dedupe():
    rows = [
        SweepRow("TCK-1", at(2026, 3, 2, 11), at(2026, 3, 2, 17), None),
        SweepRow("TCK-2", at(2026, 3, 2, 11), at(2026, 3, 2, 17), at(2026, 3, 2, 10)),
    ]
    first, second = sweep_transitions(rows, SlaStatus.WARNING)
    assert first.target is SlaTarget.FIRST_RESPONSE and second.target is SlaTarget.RESOLUTION
    again = sweep_transitions(rows, SlaStatus.WARNING)
    assert [t.dedupe_key for t in again] == [first.dedupe_key, second.dedupe_key]
    assert first.dedupe_key != sweep_transitions(rows, SlaStatus.BREACHED)[0].dedupe_key


# ---------- properties ----------------------------------------------------------------------------

moments = st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2027, 12, 31)).map(
    lambda d: d.replace(tzinfo=MSK)
)


@settings(max_examples=300, deadline=None)
@given(moments, st.integers(1, 5000), st.timedeltas(timedelta(0), timedelta(days=20)), st.timedeltas(timedelta(0), timedelta(days=10)))
def test_pause_then_resume_shifts_due_by_paused_working_time(start, target, until_pause, pause_length):
    due = CAL.add_working_minutes(start, target)
    paused_since = start + until_pause
    resumed = paused_since + pause_length
    shifted = shift_for_pause(CAL, due, paused_since, resumed)
    if due <= paused_since:
        assert shifted == due
    else:
        paused = CAL.working_minutes_between(paused_since, resumed)
        assert CAL.working_minutes_between(due, shifted) == pytest.approx(paused, abs=1e-6)
        # the working time left when the pause began is still left after it
        left_before = CAL.working_minutes_between(paused_since, due)
        left_after = CAL.working_minutes_between(resumed, shifted)
        assert left_after == pytest.approx(left_before, abs=1e-6)


@settings(max_examples=300, deadline=None)
@given(moments, st.integers(1, 5000), st.integers(1, 5000), moments)
def test_status_never_improves_as_time_passes(start, fr, res, probe):
    frd = CAL.add_working_minutes(start, min(fr, res))
    rd = CAL.add_working_minutes(start, max(fr, res))
    order = [SlaStatus.ON_TRACK, SlaStatus.WARNING, SlaStatus.BREACHED]
    clock = Clock(frd, rd)
    earlier = evaluate(clock, probe, 15)
    later = evaluate(clock, probe + timedelta(minutes=7), 15)
    assert order.index(later) >= order.index(earlier)
