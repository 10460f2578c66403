"""A Support Agent switches a ticket's type over REST from one with a 1 h first-response target to one with
4 h: the policy is chosen anew, and the deadline that moved later is no longer silent — an SLA Event says who,
from → to and by how much, the managers' Telegram chat gets the alert (a fake Bot API on 127.0.0.1, sent by
the served site's worker) and each Support Manager a desk notification."""

import uuid

from public_endpoints import MANAGER_CHAT, configure_telegram
from public_endpoints import fake_telegram  # noqa: F401  (fixture)

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def make_type_with_policy(admin, first_response: int, resolution: int) -> tuple[str, str]:
    ticket_type = f"Moved {uuid.uuid4().hex[:8]}"
    admin.insert("Ticket Type", type_name=ticket_type)
    policy = f"HTTP moved {uuid.uuid4().hex[:8]}"
    # Around the clock, so working minutes are wall-clock minutes whenever the test runs.
    admin.insert("SLA Policy", policy_name=policy, enabled=1, ticket_type=ticket_type, channel="Internal",
                 time_zone="UTC", warning_minutes=15,
                 business_hours=[{"weekday": d, "start_time": "00:00:00", "end_time": "23:59:59"} for d in WEEKDAYS],
                 targets=[{"priority": "", "first_response_minutes": first_response, "resolution_minutes": resolution}])
    return ticket_type, policy


def test_an_agent_switching_the_type_over_rest_alerts_the_managers(site, admin, agent, manager, fake_telegram):
    fake = fake_telegram
    configure_telegram(admin, fake)
    support, _ = make_type_with_policy(admin, 60, 480)
    implementation, slower_policy = make_type_with_policy(admin, 240, 2400)
    manager_email, agent_email = "http-manager@support-test.example", "http-agent@support-test.example"  # the fixtures' users
    ticket = agent.insert("Ticket", subject=f"Switch {uuid.uuid4().hex[:8]}", ticket_type=support, channel="Internal",
                          raised_by=f"moved-{uuid.uuid4().hex[:8]}@customer.example")["name"]
    before = admin.doc("Ticket", ticket)

    response = agent.update("Ticket", ticket, ticket_type=implementation)
    assert response.status_code == 200, response.text[:1000]
    after = admin.doc("Ticket", ticket)
    assert after["sla_policy"] == slower_policy

    events = admin.rows("SLA Event", {"ticket": ticket, "event": "Changed"},
                        fields=["target", "changed_by", "from_value", "to_value", "later_by_minutes", "alert_managers"],
                        order_by="target asc")
    assert [(e["target"], e["changed_by"], e["alert_managers"]) for e in events] == [
        ("First Response", agent_email, 1), ("Resolution", agent_email, 1)], events
    assert events[0]["from_value"].startswith(before["first_response_due"][:16])
    assert events[0]["to_value"].startswith(after["first_response_due"][:16])
    assert 179 <= events[0]["later_by_minutes"] <= 181, events  # 1 h → 4 h
    assert 1919 <= events[1]["later_by_minutes"] <= 1921, events  # 8 h → 40 h

    texts = site.wait_for(lambda: [t for t in fake.texts(MANAGER_CHAT) if ticket in t], timeout=60,
                          what="the alert at the managers' chat")
    assert any("Deadline later by 3 h" in t for t in texts), texts

    notes = admin.rows("Notification Log", {"document_type": "Ticket", "document_name": ticket, "type": "Alert",
                                            "for_user": manager_email}, fields=["subject", "from_user"])
    assert len(notes) == 2 and all(n["from_user"] == agent_email for n in notes), notes
    # the manager reads their own notifications in the desk
    mine = manager.rows("Notification Log", {"document_name": ticket, "type": "Alert"}, fields=["subject"])
    assert len(mine) == 2, mine
