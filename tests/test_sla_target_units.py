"""SLA targets in minutes, hours or the policy's working days, kept as working minutes for the clock."""

from datetime import time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from support_hub.engine.calendar import WorkingHours
from support_hub.engine.sla_targets import target_minutes, working_day_minutes, written_as

OFFICE = [WorkingHours(d, time(9), time(18)) for d in range(5)]
ROUND_THE_CLOCK = [WorkingHours(d, time(0), time(23, 59, 59)) for d in range(7)]


def test_a_working_day_is_the_policys_own():
    assert working_day_minutes(OFFICE) == 540
    assert working_day_minutes(ROUND_THE_CLOCK) == 1440
    # A short Saturday lowers the average day; a lunch break is not working time.
    split = [WorkingHours(0, time(9), time(13)), WorkingHours(0, time(14), time(18))]
    assert working_day_minutes(split) == 480
    assert working_day_minutes(OFFICE + [WorkingHours(5, time(10), time(16))]) == round((540 * 5 + 360) / 6)
    assert working_day_minutes([]) == 0


def test_units_become_working_minutes():
    assert target_minutes(45, "Minutes", 540) == 45
    assert target_minutes(1.5, "Hours", 540) == 90
    assert target_minutes(2, "Working Days", 540) == 1080
    with pytest.raises(ValueError):
        target_minutes(1, "Working Days", 0)
    with pytest.raises(ValueError):
        target_minutes(1, "Weeks", 540)


@given(st.integers(min_value=1, max_value=100_000), st.sampled_from([0, 480, 540, 1440]))
def test_stored_minutes_read_back_unchanged(minutes, day):
    amount, unit = written_as(minutes, day)
    assert target_minutes(amount, unit, day) == minutes
