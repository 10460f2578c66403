from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from support_hub.engine.calendar import BusinessCalendar, CalendarError, weekly_hours
from support_hub.engine.claims import (
    APPROVED,
    CLAIM_STATUSES,
    CLOSED,
    COMPENSATED,
    IN_REVIEW,
    NEW,
    REJECTED,
    WAITING_FOR_CUSTOMER,
    ClaimFacts,
    ClaimRule,
    check_claim_rule,
    claim_deadline,
    claim_status_transitions,
    on_time,
    pick_claim_rule,
    reminder_moments,
    validate_amounts,
    validate_transition,
)

UTC = timezone.utc
MSK = ZoneInfo("Europe/Moscow")
BERLIN = ZoneInfo("Europe/Berlin")
NINE_TO_SIX = weekly_hours(range(5), time(9), time(18))
# Russian New Year holidays 2026, and 9 March (8 March falls on a Sunday and moves to Monday).
RU_HOLIDAYS_2026 = [date(2026, 1, d) for d in range(1, 9)] + [date(2026, 3, 9)]


@pytest.fixture
def moscow():
    return BusinessCalendar(MSK, NINE_TO_SIX, holidays=RU_HOLIDAYS_2026)


@pytest.fixture
def berlin():
    return BusinessCalendar(BERLIN, NINE_TO_SIX)


def at(tz, *args):
    return datetime(*args, tzinfo=tz)


# --- deadline --------------------------------------------------------------------------------


def test_three_working_days_end_on_the_third_evening(moscow):
    created = at(MSK, 2026, 2, 2, 10, 15)  # Monday
    assert claim_deadline(created, moscow) == at(MSK, 2026, 2, 5, 18, 0)  # Thursday evening
    assert claim_deadline(created, moscow).tzinfo == UTC


def test_the_hour_of_arrival_does_not_matter(moscow):
    morning = claim_deadline(at(MSK, 2026, 2, 2, 0, 5), moscow)
    evening = claim_deadline(at(MSK, 2026, 2, 2, 23, 55), moscow)
    after_hours = claim_deadline(at(MSK, 2026, 2, 2, 17, 59), moscow)
    assert morning == evening == after_hours == at(MSK, 2026, 2, 5, 18, 0)


def test_weekend_arrival_counts_from_monday(moscow):
    assert claim_deadline(at(MSK, 2026, 2, 7, 12, 0), moscow) == at(MSK, 2026, 2, 11, 18, 0)  # Sat → Wed
    assert claim_deadline(at(MSK, 2026, 2, 6, 12, 0), moscow) == at(MSK, 2026, 2, 11, 18, 0)  # Fri → Wed


def test_new_year_holidays_are_skipped(moscow):
    # 31 Dec 2025 (Wed): 1-8 January are off, so the days are Fri 9, Mon 12, Tue 13 January.
    assert claim_deadline(at(MSK, 2025, 12, 31, 15, 0), moscow) == at(MSK, 2026, 1, 13, 18, 0)
    assert claim_deadline(at(MSK, 2025, 12, 31, 15, 0), moscow, working_days=1) == at(MSK, 2026, 1, 9, 18, 0)


def test_a_moved_holiday_is_skipped(moscow):
    # Fri 6 March: Mon 9 March is a holiday, so Tue 10, Wed 11, Thu 12.
    assert claim_deadline(at(MSK, 2026, 3, 6, 11, 0), moscow) == at(MSK, 2026, 3, 12, 18, 0)


def test_the_local_date_decides_not_the_utc_one(moscow):
    created = datetime(2026, 3, 2, 22, 30, tzinfo=UTC)  # Monday in UTC, already Tuesday 01:30 in Moscow
    assert claim_deadline(created, moscow, working_days=1) == at(MSK, 2026, 3, 4, 18, 0)  # Wednesday


def test_spring_forward_keeps_the_local_closing_time(berlin):
    # Europe/Berlin moves to summer time on Sunday 29 March 2026.
    created = at(BERLIN, 2026, 3, 26, 10, 0)  # Thursday, CET (UTC+1)
    deadline = claim_deadline(created, berlin)  # Fri 27, Mon 30, Tue 31
    assert deadline == at(BERLIN, 2026, 3, 31, 18, 0)
    assert deadline == datetime(2026, 3, 31, 16, 0, tzinfo=UTC)  # CEST (UTC+2)
    # The same claim one week earlier closes at 18:00 CET, which is an hour later in UTC.
    assert claim_deadline(created - timedelta(days=7), berlin) == datetime(2026, 3, 24, 17, 0, tzinfo=UTC)


def test_fall_back_keeps_the_local_closing_time(berlin):
    # Back to winter time on Sunday 25 October 2026.
    deadline = claim_deadline(at(BERLIN, 2026, 10, 23, 9, 0), berlin, working_days=1)  # Friday
    assert deadline == at(BERLIN, 2026, 10, 26, 18, 0) == datetime(2026, 10, 26, 17, 0, tzinfo=UTC)


def test_why_not_working_minutes(berlin):
    """N × a working day of working time ends at the arrival's hour, not at closing time: not what
    'within 3 working days' means to anyone."""
    created = at(BERLIN, 2026, 3, 26, 10, 0)
    minutes_version = berlin.add_working_minutes(created, 3 * 9 * 60)
    assert minutes_version == at(BERLIN, 2026, 3, 31, 10, 0)
    assert claim_deadline(created, berlin) == at(BERLIN, 2026, 3, 31, 18, 0)


def test_a_day_cut_short_by_dst_still_ends_at_its_closing_time():
    # A night shift on Sundays, 01:00-04:00; on 29 March 2026 02:00-03:00 does not exist.
    night = BusinessCalendar(BERLIN, weekly_hours([6], time(1), time(4)))
    deadline = claim_deadline(at(BERLIN, 2026, 3, 25, 12, 0), night, working_days=1)
    assert deadline == at(BERLIN, 2026, 3, 29, 4, 0) == datetime(2026, 3, 29, 2, 0, tzinfo=UTC)


def test_split_days_end_at_the_last_interval():
    lunch = BusinessCalendar(
        MSK, weekly_hours(range(5), time(9), time(13)) + weekly_hours(range(5), time(14), time(18))
    )
    assert claim_deadline(at(MSK, 2026, 2, 2, 10, 0), lunch, working_days=1) == at(MSK, 2026, 2, 3, 18, 0)


def test_bad_arguments(moscow):
    with pytest.raises(ValueError):
        claim_deadline(at(MSK, 2026, 2, 2, 10, 0), moscow, working_days=0)
    with pytest.raises(ValueError):
        claim_deadline(datetime(2026, 2, 2, 10, 0), moscow)
    every_day_off = BusinessCalendar(
        MSK, NINE_TO_SIX, holidays=[date(2026, 1, 1) + timedelta(days=i) for i in range(800)]
    )
    with pytest.raises(CalendarError):
        claim_deadline(at(MSK, 2026, 1, 1, 10, 0), every_day_off)


ZONES = [ZoneInfo(z) for z in ("Europe/Moscow", "Europe/Berlin", "America/New_York", "Australia/Sydney")]
FIRST_DAY, LAST_DAY = date(2025, 1, 1), date(2027, 12, 31)


@st.composite
def calendars(draw):
    tz = draw(st.sampled_from(ZONES))
    weekdays = draw(st.sets(st.integers(0, 6), min_size=1))
    start = draw(st.integers(0, 22))
    end = draw(st.integers(start + 1, 23))
    hours = weekly_hours(weekdays, time(start), time(end))
    holidays = draw(st.sets(st.dates(FIRST_DAY, LAST_DAY), max_size=80))
    # Whole holiday seasons too: the walk must cross long runs of days off.
    season = draw(st.dates(FIRST_DAY, LAST_DAY))
    holidays |= {season + timedelta(days=i) for i in range(draw(st.integers(0, 20)))}
    return BusinessCalendar(tz, hours, holidays=holidays)


moments = st.datetimes(datetime(2025, 1, 1), datetime(2027, 12, 31), timezones=st.just(UTC))


@given(calendars(), moments, st.integers(1, 10))
def test_deadline_is_the_close_of_a_working_day(calendar, created, working_days):
    deadline = claim_deadline(created, calendar, working_days)
    local = deadline.astimezone(calendar.tz)
    day = local.date()
    assert day not in calendar.holidays
    intervals = calendar.working_intervals_on(day)
    assert intervals and intervals[-1][1] == deadline  # the day's closing time, never a weekend or holiday
    assert deadline > created
    created_day = created.astimezone(calendar.tz).date()
    # The day of arrival never counts; exactly N working days follow it up to and including the deadline's.
    following = [created_day + timedelta(days=n) for n in range(1, (day - created_day).days + 1)]
    assert sum(bool(calendar.working_intervals_on(d)) for d in following) == working_days


@given(calendars(), moments, moments, st.integers(1, 5))
def test_deadline_is_monotonic_in_creation_time(calendar, a, b, working_days):
    earlier, later = sorted((a, b))
    assert claim_deadline(earlier, calendar, working_days) <= claim_deadline(later, calendar, working_days)


@given(calendars(), moments, st.integers(1, 5))
def test_one_more_day_is_a_later_deadline(calendar, created, working_days):
    assert claim_deadline(created, calendar, working_days) < claim_deadline(created, calendar, working_days + 1)


# --- reminders and on time -------------------------------------------------------------------


def test_reminders_default_to_a_day_and_two_hours_before():
    deadline = at(MSK, 2026, 2, 5, 18, 0)
    assert reminder_moments(deadline) == [at(MSK, 2026, 2, 4, 18, 0), at(MSK, 2026, 2, 5, 16, 0)]


def test_reminders_are_real_hours_across_dst():
    deadline = at(BERLIN, 2026, 3, 29, 12, 0)  # Sunday, the first hours of summer time
    (day_before,) = reminder_moments(deadline, lead_hours=(24,))
    assert deadline - day_before == timedelta(hours=24)
    assert day_before == at(BERLIN, 2026, 3, 28, 11, 0)  # 11:00 CET: the wall clock moved


def test_late_reminders_are_dropped_and_duplicates_merged():
    deadline = at(MSK, 2026, 2, 5, 18, 0)
    created = at(MSK, 2026, 2, 5, 9, 0)
    assert reminder_moments(deadline, after=created) == [at(MSK, 2026, 2, 5, 16, 0)]
    assert reminder_moments(deadline, lead_hours=(2, 2, 24)) == [at(MSK, 2026, 2, 4, 18), at(MSK, 2026, 2, 5, 16)]
    assert reminder_moments(deadline, lead_hours=()) == []
    with pytest.raises(ValueError):
        reminder_moments(deadline, lead_hours=(-1,))
    with pytest.raises(ValueError):
        reminder_moments(datetime(2026, 2, 5, 18, 0))


def test_on_time():
    deadline = at(MSK, 2026, 2, 5, 18, 0)
    assert on_time(deadline, at(MSK, 2026, 2, 5, 17, 59))
    assert on_time(deadline, deadline)  # closing at the deadline itself is in time
    assert on_time(deadline, datetime(2026, 2, 5, 15, 0, tzinfo=UTC))  # 18:00 MSK
    assert not on_time(deadline, at(MSK, 2026, 2, 5, 18, 1))
    assert not on_time(deadline, None)
    with pytest.raises(ValueError):
        on_time(deadline, datetime(2026, 2, 5, 17, 0))


# --- rules -----------------------------------------------------------------------------------

RULES = [
    ClaimRule("Big money", assign_to="head@firm.ru", min_amount=100_000, order=10),
    ClaimRule("Delivery", assign_to="logistics@firm.ru", category="Delivery", order=20),
    ClaimRule("Small", assign_to="clerk@firm.ru", max_amount=10_000, order=30),
    ClaimRule("Medium", assign_to="senior@firm.ru", min_amount=10_000, max_amount=100_000, order=40),
    ClaimRule("Catch-all", assign_to="claims@firm.ru", order=100),
]
NOW = at(MSK, 2026, 2, 2, 10, 0)


def rule_for(category, amount, rules=RULES):
    rule = pick_claim_rule(rules, ClaimFacts(category, amount, NOW))
    return rule.name if rule else None


def test_first_rule_by_order_wins():
    assert rule_for("Delivery", 500_000) == "Big money"
    assert rule_for("Delivery", 500) == "Delivery"
    assert rule_for("Quality", 500) == "Small"
    assert rule_for("Quality", 50_000) == "Medium"
    assert rule_for("Quality", None) == "Catch-all"  # an unknown sum satisfies no amount bound


def test_bounds_are_inclusive_and_ties_go_by_order():
    assert rule_for("Quality", 10_000) == "Small"  # both Small (max) and Medium (min) hold: order 30 first
    assert rule_for("Quality", Decimal("100000.00")) == "Big money"
    assert rule_for("Quality", Decimal("99999.99")) == "Medium"


def test_input_order_does_not_matter_and_equal_orders_go_by_name():
    assert rule_for("Quality", 500, list(reversed(RULES))) == "Small"
    twins = [ClaimRule("b", assign_to="x", order=1), ClaimRule("a", assign_to="y", order=1)]
    assert rule_for(None, 1, twins) == "a"
    assert rule_for(None, 1, list(reversed(twins))) == "a"


def test_category_matching_forgives_case_and_spaces():
    rules = [ClaimRule("Delivery", assign_to="x", category=" delivery ")]
    assert rule_for("Delivery", None, rules) == "Delivery"
    assert rule_for(None, None, rules) is None


def test_disabled_rules_and_no_rules():
    rules = [ClaimRule("Off", assign_to="x", enabled=False), ClaimRule("On", assign_to="y", order=5)]
    assert rule_for("Quality", 1, rules) == "On"
    assert rule_for("Quality", 1, []) is None


def test_check_claim_rule():
    assert check_claim_rule(RULES[3]) == []
    problems = check_claim_rule(ClaimRule("Bad", assign_to="", min_amount=5, max_amount=-1))
    assert len(problems) == 3


@given(
    st.lists(
        st.builds(
            ClaimRule,
            name=st.text(min_size=1, max_size=3),
            assign_to=st.just("x"),
            category=st.sampled_from([None, "A", "B"]),
            min_amount=st.one_of(st.none(), st.integers(0, 100)),
            max_amount=st.one_of(st.none(), st.integers(0, 100)),
            order=st.integers(0, 5),
            enabled=st.booleans(),
        ),
        max_size=8,
    ),
    st.sampled_from([None, "A", "B"]),
    st.one_of(st.none(), st.integers(0, 100)),
)
def test_picked_rule_matches_and_no_earlier_one_does(rules, category, amount):
    facts = ClaimFacts(category, amount, NOW)
    picked = pick_claim_rule(rules, facts)
    matching = [r for r in rules if r.matches(facts)]
    if picked is None:
        assert matching == []
    else:
        assert picked.matches(facts)
        assert all((picked.order, picked.name) <= (r.order, r.name) for r in matching)


# --- statuses --------------------------------------------------------------------------------


def test_the_usual_life_of_a_claim():
    path = [NEW, IN_REVIEW, WAITING_FOR_CUSTOMER, IN_REVIEW, APPROVED, COMPENSATED, CLOSED]
    for old, new in pairwise(path):
        assert validate_transition(old, new) is None, (old, new)
    for old, new in [
        (NEW, REJECTED),
        (REJECTED, IN_REVIEW),
        (REJECTED, CLOSED),
        (APPROVED, CLOSED),
        (CLOSED, IN_REVIEW),
    ]:
        assert validate_transition(old, new) is None, (old, new)


@pytest.mark.parametrize(
    "old, new",
    [
        (NEW, APPROVED),  # no decision without a review
        (NEW, COMPENSATED),
        (IN_REVIEW, COMPENSATED),  # money only after approval
        (WAITING_FOR_CUSTOMER, APPROVED),
        (REJECTED, COMPENSATED),
        (COMPENSATED, IN_REVIEW),  # paid is paid
        (COMPENSATED, REJECTED),
        (CLOSED, APPROVED),  # reopening goes through review
    ],
)
def test_forbidden_transitions_explain_themselves(old, new):
    message = validate_transition(old, new)
    assert message and old in message and new in message


def test_creation_staying_put_and_unknown_statuses():
    assert validate_transition(None, NEW) is None
    assert validate_transition("", NEW) is None
    assert "starts as New" in validate_transition(None, APPROVED)
    for status in CLAIM_STATUSES:
        assert validate_transition(status, status) is None
    assert "Unknown" in validate_transition(NEW, "Lost")
    assert "Unknown" in validate_transition("Lost", NEW)


def _reachable(start):
    seen, todo = {start}, [start]
    while todo:
        for nxt in claim_status_transitions[todo.pop()]:
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen


def test_every_status_is_reachable_and_every_claim_can_close():
    assert set(claim_status_transitions) == set(CLAIM_STATUSES)
    assert _reachable(NEW) == set(CLAIM_STATUSES)
    for status in CLAIM_STATUSES:
        assert CLOSED in _reachable(status) or status == CLOSED


# --- amounts ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "claimed, approved, resolution",
    [
        (1000, 1000, "Refund"),
        (1000, 400, "Compensation"),
        (Decimal("1000.50"), Decimal("1000.50"), "Refund"),
        (1000, 0, "Rejected"),
        (1000, None, "Rejected"),
        (1000, 0, "Replacement"),
        (None, 500, "Compensation"),  # no sum named: nothing to exceed
        (None, None, None),
        (0, 0, "Repair"),
    ],
)
def test_consistent_amounts(claimed, approved, resolution):
    assert validate_amounts(claimed, approved, resolution) == []


@pytest.mark.parametrize(
    "claimed, approved, resolution, fragment",
    [
        (1000, 1500, "Refund", "exceeds the claimed amount (1,000.00)"),
        (-5, 0, None, "Claimed amount cannot be negative"),
        (1000, -5, None, "Approved amount cannot be negative"),
        (1000, 200, "Rejected", "rejected claim cannot have an approved amount"),
        (1000, 0, "Refund", "refund needs an approved amount above zero"),
        (1000, None, "Compensation", "compensation needs an approved amount above zero"),
        (0, 10, "Compensation", "exceeds"),
    ],
)
def test_inconsistent_amounts(claimed, approved, resolution, fragment):
    problems = validate_amounts(claimed, approved, resolution)
    assert any(fragment in p for p in problems), problems


def test_every_problem_is_reported_at_once():
    assert len(validate_amounts(-1, -2, "Refund")) == 3


@given(
    st.one_of(st.none(), st.decimals(-10, 10_000, places=2)),
    st.one_of(st.none(), st.decimals(-10, 10_000, places=2)),
    st.sampled_from([None, "Refund", "Compensation", "Replacement", "Repair", "Rejected"]),
)
def test_amounts_pass_exactly_when_all_rules_hold(claimed, approved, resolution):
    a = approved or 0
    ok = (
        (claimed is None or claimed >= 0)
        and a >= 0
        and (claimed is None or a <= claimed)
        and (resolution != "Rejected" or a == 0)
        and (resolution not in ("Refund", "Compensation") or a > 0)
    )
    assert (validate_amounts(claimed, approved, resolution) == []) == ok
