"""The Ticket form's SLA timer, as a Support Agent's browser asks for it: the form calls
support_hub.api.ticket.sla_summary (GET) and shows the working time it answers. Checked against
policies whose hours are known, so the right figure is known too."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta, timezone

import pytest

SUMMARY = "support_hub.api.ticket.sla_summary"
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def summary(session, ticket: str) -> dict:
    response = session.call(SUMMARY, http="GET", ticket=ticket)
    assert response.status_code == 200, (response.status_code, response.text[:800])
    return response.json()["message"]


def make_policy(admin, ticket_type: str, hours: list[dict]) -> str:
    name = f"HTTP timer {uuid.uuid4().hex[:8]}"
    admin.insert("SLA Policy", policy_name=name, enabled=1, ticket_type=ticket_type, channel="Internal",
                 time_zone="UTC", warning_minutes=15, business_hours=hours,
                 targets=[{"priority": "", "first_response_minutes": 60, "resolution_minutes": 480}])
    return name


def make_ticket(session, ticket_type: str) -> dict:
    return session.insert("Ticket", subject=f"Timer {uuid.uuid4().hex[:8]}", ticket_type=ticket_type,
                          channel="Internal", raised_by=f"timer-{uuid.uuid4().hex[:8]}@customer.example")


@pytest.fixture(scope="module")
def closed_now(admin) -> tuple[str, str]:
    """A ticket type whose policy works only on the weekday three days from now (UTC): whenever the
    test runs, a ticket opened now is outside business hours."""
    ticket_type = f"Timer Closed {uuid.uuid4().hex[:8]}"
    admin.insert("Ticket Type", type_name=ticket_type)
    workday = WEEKDAYS[(datetime.now(timezone.utc).weekday() + 3) % 7]
    policy = make_policy(admin, ticket_type, [{"weekday": workday, "start_time": "09:00:00", "end_time": "18:00:00"}])
    return ticket_type, policy


@pytest.fixture(scope="module")
def always_open(admin) -> tuple[str, str]:
    """A ticket type whose policy works around the clock: working time is (nearly) wall-clock time."""
    ticket_type = f"Timer Open {uuid.uuid4().hex[:8]}"
    admin.insert("Ticket Type", type_name=ticket_type)
    hours = [{"weekday": day, "start_time": "00:00:00", "end_time": "23:59:59"} for day in WEEKDAYS]
    return ticket_type, make_policy(admin, ticket_type, hours)


def test_a_ticket_opened_outside_business_hours_has_the_full_target_left(agent, admin, closed_now):
    ticket_type, policy = closed_now
    ticket = make_ticket(agent, ticket_type)
    stored = admin.doc("Ticket", ticket["name"])
    assert stored["sla_policy"] == policy
    shown = summary(agent, ticket["name"])
    assert (shown["status"], shown["target"], shown["paused"]) == ("On Track", "First Response", False)
    # The due moment is days away on the clock, but only the hour of working time the policy allows.
    assert shown["working_minutes_left"] == 60
    assert shown["due"] == stored["first_response_due"]
    wall_clock = datetime.fromisoformat(stored["first_response_due"]) - datetime.fromisoformat(stored["opened_on"])
    assert wall_clock > timedelta(days=1)


def test_waiting_for_the_customer_pauses_the_timer(agent, admin, closed_now):
    ticket_type, _policy = closed_now
    ticket = make_ticket(agent, ticket_type)
    response = agent.update("Ticket", ticket["name"], status="Waiting for Customer")
    assert response.status_code == 200, response.text[:800]
    assert admin.doc("Ticket", ticket["name"])["sla_paused_since"]
    shown = summary(agent, ticket["name"])
    assert (shown["status"], shown["paused"], shown["working_minutes_left"]) == ("Paused", True, 60)


def test_a_breach_shows_by_how_much_in_working_time(agent, manager, admin, always_open):
    ticket_type, _policy = always_open
    ticket = make_ticket(agent, ticket_type)
    opened = datetime.fromisoformat(admin.doc("Ticket", ticket["name"])["opened_on"])
    # Only a Support Manager may move a due date; two hours ago the first response was due.
    due = (opened - timedelta(hours=2)).strftime("%Y-%m-%d %H:%M:%S")
    response = manager.update("Ticket", ticket["name"], first_response_due=due)
    assert response.status_code == 200, response.text[:800]
    shown = summary(agent, ticket["name"])
    assert (shown["status"], shown["target"], shown["paused"]) == ("Breached", "First Response", False)
    assert -125 < shown["working_minutes_left"] <= -119.9, shown


@pytest.mark.parametrize("role", ["website_user", "guest"])
def test_only_those_who_may_read_the_ticket_see_its_timer(request, agent, closed_now, role):
    ticket = make_ticket(agent, closed_now[0])
    response = request.getfixturevalue(role).call(SUMMARY, http="GET", ticket=ticket["name"])
    assert response.status_code == 403, (response.status_code, response.text[:500])
