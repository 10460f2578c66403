from datetime import datetime, timedelta

import pytest

from support_hub.engine.reopening import reply_reopens

NOW = datetime(2026, 3, 10, 12, 0)


@pytest.mark.parametrize("status", ["Waiting for Customer", "Solution Proposed", "Resolved"])
def test_a_reply_reopens_a_ticket_waiting_answered_or_resolved(status):
    assert reply_reopens(status, None, NOW, 0)


@pytest.mark.parametrize("status", ["Open", "In Progress", "In Development", "Postponed", None])
def test_a_reply_to_a_ticket_being_worked_on_just_joins_it(status):
    assert not reply_reopens(status, NOW - timedelta(days=1), NOW, 7)


def test_a_closed_ticket_reopens_only_within_the_window():
    assert reply_reopens("Closed", NOW - timedelta(days=7), NOW, 7)
    assert not reply_reopens("Closed", NOW - timedelta(days=7, seconds=1), NOW, 7)
    assert not reply_reopens("Closed", NOW - timedelta(hours=1), NOW, 0) and reply_reopens("Closed", NOW, NOW, 0)
    assert not reply_reopens("Closed", None, NOW, 30)  # closed without ever being resolved: no date to count from
