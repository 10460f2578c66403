from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from support_hub.engine.calendar import BusinessCalendar, weekly_hours
from support_hub.engine.sla import (
    Clock, Policy, SlaStatus, SlaTarget, Target, checkpoints, deadlines, evaluate, next_deadline,
)
from support_hub.engine.sla_replan import OpenTicket, replan, replan_one

MSK = ZoneInfo("Europe/Moscow")
HOURS = weekly_hours(range(5), time(9), time(18))


def at(*args):
    return datetime(*args, tzinfo=MSK).timestamp()


def policy(holidays=(), first=60, resolution=480, warning=15):
    return Policy("Support", BusinessCalendar(MSK, HOURS, holidays), (Target("", first, resolution),),
                  warning_minutes=warning)


def _ts(moment):
    return moment.timestamp() if moment else None


def _dt(ts):
    return datetime.fromtimestamp(ts, timezone.utc) if ts is not None else None


def as_saved(pol, name, opened, now, first_responded_on=None):
    """A ticket as the clock (engine.sla) leaves it after a save at `now` under `pol`."""
    due = deadlines(pol, None, _dt(opened))
    clock = Clock(due.first_response_due, due.resolution_due, _dt(first_responded_on))
    status = evaluate(clock, _dt(now), pol.warning_minutes)
    points = checkpoints(clock, status, pol.warning_minutes)
    pending = next_deadline(clock)
    return OpenTicket(name, None, opened, _ts(due.first_response_due), _ts(due.resolution_due), first_responded_on,
                      status=status.value, warning_on=_ts(points.warning_on), breach_on=_ts(points.breach_on),
                      next_due=_ts(pending[1]) if pending else None)


def test_a_holiday_moves_the_deadlines_still_ahead():
    ticket = as_saved(policy(), "T1", at(2026, 3, 5, 17), at(2026, 3, 5, 17, 10))  # Thursday 17:00
    assert ticket.resolution_due == at(2026, 3, 6, 16)  # Friday 16:00
    (result,) = replan(policy(holidays=[date(2026, 3, 6)]), [ticket], at(2026, 3, 5, 17, 10))  # Friday off
    assert result.first_response_due == at(2026, 3, 5, 18)  # Thursday 18:00: before the holiday, unmoved
    assert result.resolution_due == at(2026, 3, 9, 16)  # Friday is skipped: Monday 16:00
    assert (result.first_response_moved, result.resolution_moved) == (False, True)
    assert result.status == "On Track" and result.transition is None


def test_an_unchanged_policy_changes_nothing():
    pol = policy()
    tickets = [as_saved(pol, f"T{i}", at(2026, 3, 2, 9) + 5 * 3600 * i, at(2026, 3, 4, 12)) for i in range(12)]
    assert replan(pol, tickets, at(2026, 3, 4, 12)) == []


def test_a_passed_deadline_stays_breached_and_a_met_one_stays():
    late = as_saved(policy(), "late", at(2026, 3, 2, 10), at(2026, 3, 2, 12))  # first response due 11:00, missed
    answered = as_saved(policy(), "answered", at(2026, 3, 2, 10), at(2026, 3, 2, 10, 30),
                        first_responded_on=at(2026, 3, 2, 10, 20))
    results = {r.name: r for r in replan(policy(first=240, resolution=2400), [late, answered], at(2026, 3, 2, 12))}
    assert results["late"].first_response_due == at(2026, 3, 2, 11)  # the breach is history
    assert results["late"].resolution_due == at(2026, 3, 6, 14)  # 2400 working minutes: 4 days 4 h
    assert results["late"].status == "Breached" and results["late"].transition is None  # already was
    assert results["answered"].first_response_due == at(2026, 3, 2, 11)
    assert (results["answered"].first_response_moved, results["answered"].resolution_moved) == (False, True)


def test_a_shorter_target_breaches_now_and_says_which_deadline():
    ticket = as_saved(policy(), "T", at(2026, 3, 2, 10), at(2026, 3, 2, 10, 40))
    (result,) = replan(policy(first=30, resolution=480), [ticket], at(2026, 3, 2, 10, 40))
    assert result.first_response_due == at(2026, 3, 2, 10, 30)
    assert result.status == "Breached"
    transition = result.transition
    assert (transition.status, transition.target, transition.due.timestamp()) == (
        SlaStatus.BREACHED, SlaTarget.FIRST_RESPONSE, at(2026, 3, 2, 10, 30))
    assert result.breach_on is None and result.warning_on is None


def test_a_longer_warning_lead_moves_the_checkpoint_only():
    ticket = as_saved(policy(), "T", at(2026, 3, 2, 10), at(2026, 3, 2, 10, 5))
    (result,) = replan(policy(warning=50), [ticket], at(2026, 3, 2, 10, 5))
    assert not (result.first_response_moved or result.resolution_moved)
    assert result.warning_on == at(2026, 3, 2, 10, 10) and result.transition is None
    (result,) = replan(policy(warning=58), [ticket], at(2026, 3, 2, 10, 5))
    assert result.status == "Warning" and result.transition.status is SlaStatus.WARNING


def test_a_paused_ticket_stays_paused_and_counts_its_earlier_pauses():
    ticket = OpenTicket("P", None, at(2026, 3, 2, 10), at(2026, 3, 3, 11), at(2026, 3, 3, 18),
                        paused_since=at(2026, 3, 3, 10), response_paused_minutes=540, paused_minutes=540,
                        status="Paused", next_due=at(2026, 3, 3, 11))
    assert replan_one(policy(), ticket, at(2026, 3, 4, 12)) is None  # consistent as stored
    (result,) = replan(policy(holidays=[date(2026, 3, 3)]), [ticket], at(2026, 3, 4, 12))
    # Tuesday is now a holiday: 60 + 540 working minutes from Monday 10:00 end on Wednesday 11:00.
    assert result.first_response_due == at(2026, 3, 4, 11) and result.status == "Paused"


def test_no_target_for_the_priority_leaves_the_ticket_alone():
    only_urgent = Policy("Urgent", BusinessCalendar(MSK, HOURS), (Target("Urgent", 15, 60),))
    ticket = OpenTicket("T", "Low", at(2026, 3, 2, 10), at(2026, 3, 2, 11), at(2026, 3, 2, 18), status="On Track")
    assert replan_one(only_urgent, ticket, at(2026, 3, 2, 10, 5)) is None


moments = st.integers(min_value=int(at(2026, 1, 5)), max_value=int(at(2026, 11, 30))).map(lambda s: float(s - s % 60))


@settings(max_examples=200, deadline=None)
@given(moments, st.integers(0, 20 * 24 * 60), st.lists(st.integers(0, 60), max_size=6))
def test_a_re_plan_never_rewrites_the_past_and_agrees_with_a_fresh_save(opened, elapsed, holiday_offsets):
    now = opened + 60 * elapsed
    ticket = as_saved(policy(), "T", opened, now)
    day = datetime.fromtimestamp(opened, MSK).date()
    after = policy(holidays=[day + timedelta(days=d) for d in holiday_offsets])
    result = replan_one(after, ticket, now)
    if result is None:
        return
    fresh = deadlines(after, None, _dt(opened))
    for moved, old, new, expected in (
        (result.first_response_moved, ticket.first_response_due, result.first_response_due, fresh.first_response_due),
        (result.resolution_moved, ticket.resolution_due, result.resolution_due, fresh.resolution_due),
    ):
        if old <= now:
            assert new == old and not moved  # a passed deadline is history
        else:
            assert new == expected.timestamp()  # one still ahead is what a save would give now


@settings(max_examples=400, deadline=None)
@given(moments, st.integers(0, 10 * 24 * 60), st.booleans(), st.integers(0, 600), st.booleans(), st.integers(0, 600),
       st.integers(0, 90))
def test_status_rules_on_floats_are_engine_sla_s(opened, elapsed, responded, respond_after, paused, pause_after, warning):
    """The float copy of evaluate / checkpoints / next_deadline gives what engine.sla gives."""
    now = opened + 60 * elapsed
    pol = policy(warning=warning)
    first_responded_on = min(now, opened + 60 * respond_after) if responded else None
    paused_since = min(now, opened + 60 * pause_after) if paused else None
    stale = OpenTicket("T", None, opened, None, None, first_responded_on, paused_since, status="?")
    result = replan_one(pol, stale, now)
    clock = Clock(_dt(result.first_response_due), _dt(result.resolution_due), _dt(first_responded_on), None,
                  paused, _dt(paused_since))
    status = evaluate(clock, _dt(now), warning)
    points = checkpoints(clock, status, warning)
    assert result.status == status.value
    assert (result.warning_on, result.breach_on) == (_ts(points.warning_on), _ts(points.breach_on))
    pending = next_deadline(clock)
    assert result.next_due == _ts(pending[1])
