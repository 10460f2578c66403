"""Claims follow-through rules (support_hub.engine.claims): an overdue claim escalates once; the customer is
told each decision once."""

from datetime import datetime, timedelta, timezone

from hypothesis import given
from hypothesis import strategies as st

from support_hub.engine.claims import (
    APPROVED, CLAIM_STATUSES, CLOSED, COMPENSATED, COMPENSATION, IN_REVIEW, NEW, REFUND, REJECTED, REPLACEMENT,
    TELL_APPROVED_COMPENSATION, TELL_APPROVED_REFUND, TELL_APPROVED_REPLACEMENT, TELL_COMPENSATED, TELL_REJECTED,
    UNDECIDED, WAITING_FOR_CUSTOMER, needs_escalation, outcome_to_tell,
)

NOW = datetime(2026, 5, 18, 12, 0, tzinfo=timezone.utc)
PAST, FUTURE = NOW - timedelta(minutes=1), NOW + timedelta(minutes=1)


def test_an_undecided_claim_past_its_deadline_escalates_once():
    for status in (NEW, IN_REVIEW, WAITING_FOR_CUSTOMER):
        assert needs_escalation(status, PAST, NOW, escalated=False)
        assert not needs_escalation(status, PAST, NOW, escalated=True)


def test_nothing_escalates_before_the_deadline_or_once_decided():
    assert not needs_escalation(NEW, FUTURE, NOW, escalated=False)
    assert not needs_escalation(NEW, NOW, NOW, escalated=False)  # due at this very moment: not late yet
    assert not needs_escalation(NEW, None, NOW, escalated=False)
    for status in (APPROVED, REJECTED, COMPENSATED, CLOSED):
        assert not needs_escalation(status, PAST, NOW, escalated=False)


def test_a_postponed_claim_waits_for_its_date():
    assert not needs_escalation(IN_REVIEW, PAST, NOW, escalated=False, postponed_until=FUTURE)
    assert needs_escalation(IN_REVIEW, PAST, NOW, escalated=False, postponed_until=PAST)


def test_each_decision_is_told_once_with_what_it_means():
    assert outcome_to_tell(IN_REVIEW, APPROVED, REFUND) == TELL_APPROVED_REFUND
    assert outcome_to_tell(IN_REVIEW, APPROVED, REPLACEMENT) == TELL_APPROVED_REPLACEMENT
    assert outcome_to_tell(IN_REVIEW, APPROVED, COMPENSATION) == TELL_APPROVED_COMPENSATION
    assert outcome_to_tell(APPROVED, COMPENSATED, COMPENSATION) == TELL_COMPENSATED
    assert outcome_to_tell(NEW, REJECTED, "Rejected") == TELL_REJECTED
    assert outcome_to_tell(APPROVED, APPROVED, REFUND) is None  # saving again tells nothing
    assert outcome_to_tell(COMPENSATED, CLOSED, COMPENSATION) is None
    assert outcome_to_tell(NEW, IN_REVIEW, None) is None


@given(st.sampled_from(CLAIM_STATUSES), st.sampled_from(CLAIM_STATUSES), st.sampled_from([None, REFUND, REPLACEMENT]),
       st.booleans(), st.integers(-600, 600))
def test_the_rules_hold_for_any_claim(old, new, resolution, escalated, minutes):
    told = outcome_to_tell(old, new, resolution)
    assert told is None or (new != old and new in (APPROVED, REJECTED, COMPENSATED))
    deadline = NOW + timedelta(minutes=minutes)
    if needs_escalation(new, deadline, NOW, escalated):
        assert new in UNDECIDED and not escalated and deadline < NOW
