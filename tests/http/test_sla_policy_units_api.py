"""The SLA Policy over REST as a Support Manager: targets in minutes, hours and working days are kept as
the working minutes the clock counts; business hours from 00:00 save (and save again); the time zone
defaults to the system's; a catch-all policy that would outrank the default one is warned about."""

from __future__ import annotations

import json
import uuid

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")


def _policy(**values) -> dict:
    tag = uuid.uuid4().hex[:8]
    type_name = values.pop("type_name", None)
    policy = {"policy_name": f"Units {tag}", "enabled": 0, "warning_minutes": 0,
              "business_hours": [{"weekday": d, "start_time": "00:00", "end_time": "08:00:00"} for d in WEEKDAYS],
              "targets": [{"first_response_amount": 2, "first_response_unit": "Hours",
                           "resolution_amount": 1.5, "resolution_unit": "Working Days"}]}
    if type_name:
        policy["ticket_type"] = type_name
    policy.update(values)
    return policy


def _messages(response) -> str:
    return " ".join(json.loads(m).get("message", "") for m in json.loads(response.json().get("_server_messages") or "[]"))


def test_targets_in_hours_and_working_days_from_midnight(admin, manager):
    made = manager.insert("SLA Policy", **_policy())
    stored = admin.doc("SLA Policy", made["name"])
    assert [(t["first_response_minutes"], t["resolution_minutes"]) for t in stored["targets"]] == [(120, 720)]
    assert [h["start_time"] for h in stored["business_hours"]] == ["0:00:00"] * 5 or \
        [h["start_time"] for h in stored["business_hours"]] == ["00:00:00"] * 5, stored["business_hours"]
    assert stored["time_zone"] == admin.call("frappe.client.get_value", http="GET", doctype="System Settings",
                                             fieldname="time_zone").json()["message"]["time_zone"]
    # Saved again as read back (the 00:00 starts come back from the database as zero): still fine.
    response = manager.update("SLA Policy", made["name"], warning_minutes=10)
    assert response.status_code == 200, response.text[:500]
    # A client that changes only the minutes keeps its minutes; the row then reads as minutes.
    target = dict(stored["targets"][0], first_response_minutes=45)
    response = manager.update("SLA Policy", made["name"], targets=[target])
    assert response.status_code == 200, response.text[:500]
    row = admin.doc("SLA Policy", made["name"])["targets"][0]
    assert (row["first_response_minutes"], row["first_response_amount"], row["first_response_unit"]) == (45, 45, "Minutes")
    assert row["resolution_minutes"] == 720


def test_minutes_only_and_bad_values(admin, manager):
    made = manager.insert("SLA Policy", **_policy(targets=[{"first_response_minutes": 30, "resolution_minutes": 240}]))
    row = admin.doc("SLA Policy", made["name"])["targets"][0]
    assert (row["first_response_amount"], row["first_response_unit"], row["resolution_minutes"]) == (30, "Minutes", 240)
    name = f"Bad hours {uuid.uuid4().hex[:6]}"
    bad = manager.post("/api/resource/SLA Policy", json=_policy(policy_name=name, business_hours=[
        {"weekday": "Monday", "start_time": "nine", "end_time": "18:00"}]))
    assert 400 <= bad.status_code < 500, (bad.status_code, bad.text[:300])
    no_hours = manager.post("/api/resource/SLA Policy", json=_policy(policy_name=name + "x", business_hours=[]))
    assert 400 <= no_hours.status_code < 500, (no_hours.status_code, no_hours.text[:300])
    assert not admin.rows("SLA Policy", {"policy_name": ["like", name + "%"]})


def test_a_catch_all_policy_is_warned_about(admin, manager):
    default = admin.rows("SLA Policy", {"is_default": 1, "enabled": 1}, fields=["name"])
    assert default, "the test site has a default policy"
    # With a criterion: no warning.
    type_name = f"Units {uuid.uuid4().hex[:6]}"
    admin.insert("Ticket Type", type_name=type_name)
    response = manager.post("/api/resource/SLA Policy", json=_policy(enabled=1, type_name=type_name))
    assert response.status_code == 200, response.text[:300]
    assert "never be used" not in _messages(response)
    manager.update("SLA Policy", response.json()["data"]["name"], enabled=0)
    # Without any: saved, with the warning naming the default it would shadow. Disabled again at once.
    response = manager.post("/api/resource/SLA Policy", json=_policy(enabled=1))
    assert response.status_code == 200, response.text[:300]
    name = response.json()["data"]["name"]
    try:
        text = _messages(response)
        assert "never be used" in text and default[0]["name"] in text, text
    finally:
        assert manager.update("SLA Policy", name, enabled=0).status_code == 200
