"""Which deadlines a person's change moved later, by how much, and whether the managers hear of it."""

from datetime import datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from support_hub.engine.alerts import sla_changed
from support_hub.engine.sla import SlaTarget, alert_sla_change, postponements

FR, RES = SlaTarget.FIRST_RESPONSE, SlaTarget.RESOLUTION
T0 = datetime(2026, 3, 2, 10, 0)


def test_support_to_implementation_moves_both_deadlines_later_by_the_difference():
    before = {FR: T0 + timedelta(hours=1), RES: T0 + timedelta(hours=8)}
    after = {FR: T0 + timedelta(hours=4), RES: T0 + timedelta(hours=40)}
    moved = postponements(before, after)
    assert [(p.target, p.later_by_minutes) for p in moved] == [(FR, 180), (RES, 32 * 60)]


def test_earlier_unchanged_new_and_met_deadlines_are_not_postponements():
    before = {FR: T0 + timedelta(hours=4), RES: T0 + timedelta(hours=8)}
    assert postponements(before, {FR: T0 + timedelta(hours=1), RES: T0 + timedelta(hours=8)}) == []
    assert postponements({FR: None, RES: None}, {FR: T0, RES: T0}) == []  # no deadline before: nothing promised
    later = {FR: T0 + timedelta(hours=5), RES: T0 + timedelta(hours=9)}
    assert [p.target for p in postponements(before, later, met=[FR])] == [RES]


def test_a_deadline_taken_away_is_a_postponement_without_minutes():
    (moved,) = postponements({FR: None, RES: T0}, {FR: None, RES: None})
    assert moved.target is RES and moved.new is None and moved.later_by_minutes is None


def test_a_started_minute_counts():
    (moved,) = postponements({RES: T0}, {RES: T0 + timedelta(seconds=61)})
    assert moved.later_by_minutes == 2


moments = st.one_of(st.none(), st.datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2027, 1, 1)))


@given(moments, moments, moments, moments)
def test_postponed_exactly_when_later_or_gone(fr_before, fr_after, res_before, res_after):
    moved = {p.target: p for p in postponements({FR: fr_before, RES: res_before}, {FR: fr_after, RES: res_after})}
    for target, old, new in ((FR, fr_before, fr_after), (RES, res_before, res_after)):
        expected = old is not None and (new is None or new > old)
        assert (target in moved) == expected
        if expected and new is not None:
            assert moved[target].later_by_minutes >= 1
            assert timedelta(minutes=moved[target].later_by_minutes - 1) < new - old <= timedelta(
                minutes=moved[target].later_by_minutes)


def test_who_is_alerted():
    # hand edits of the SLA are always reported
    assert alert_sla_change(by_hand=True, postponed=False, by_manager=True, managers_exempt=True)
    # an agent's type change that moved a deadline later is
    assert alert_sla_change(by_hand=False, postponed=True, by_manager=False, managers_exempt=True)
    # a manager's own is not, unless managers are not exempt
    assert not alert_sla_change(by_hand=False, postponed=True, by_manager=True, managers_exempt=True)
    assert alert_sla_change(by_hand=False, postponed=True, by_manager=True, managers_exempt=False)
    # a change that moved nothing later is no alert
    assert not alert_sla_change(by_hand=False, postponed=False, by_manager=False, managers_exempt=False)


def test_the_alert_says_how_much_later():
    text = sla_changed(lang="en", ticket="TCK-1", subject="S", target="First Response", changed_by="Ann",
                       changed_on=T0, old="2026-03-02 11:00:00", new="2026-03-02 14:00:00",
                       reason="Ticket Type changed", postponed=True, later_by_minutes=180)
    assert "first response: 2026-03-02 11:00 → 2026-03-02 14:00" in text
    assert "Deadline later by 3 h" in text and "Reason: Ticket Type changed" in text
    gone = sla_changed(lang="ru", ticket="TCK-1", subject="S", target="Resolution", changed_by="Аня",
                       changed_on=T0, old="2026-03-02 11:00:00", new="", postponed=True)
    assert "Срока больше нет" in gone
