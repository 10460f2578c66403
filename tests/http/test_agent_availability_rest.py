"""Agent Availability over REST: a Support Manager sets an agent's 2/2 shift and leave; a shift that cannot be
worked out (no first working day, no weekday, an unknown time zone, leave ending before it starts) is a 417
with the reason and nothing is written; an agent may read availability but not set it."""

import datetime


def test_a_manager_sets_availability_and_bad_shifts_are_refused(site, admin, manager, agent):
    person, _client = site.new_user("Support Agent", prefix="shift")
    today = datetime.date.today()
    bad = [
        ({"shift_pattern": "Days On / Days Off", "days_on": 2, "days_off": 2}, "first working day"),
        ({"shift_pattern": "Custom Weekdays"}, "weekday"),
        ({"shift_pattern": "Every Day", "time_zone": "Mars/Olympus"}, "Mars/Olympus"),
        ({"leaves": [{"from_date": str(today), "to_date": str(today - datetime.timedelta(days=2))}]}, "ends before"),
    ]
    for values, reason in bad:
        response = manager.post("/api/resource/Agent Availability", json={"user": person, **values})
        assert response.status_code == 417, (values, response.status_code, response.text[:300])
        assert reason in response.text, (reason, response.text[:500])
        assert admin.get(f"/api/resource/Agent Availability/{person}").status_code == 404

    response = agent.post("/api/resource/Agent Availability", json={"user": person, "away": 1})
    assert response.status_code == 403, response.text[:300]
    assert admin.get(f"/api/resource/Agent Availability/{person}").status_code == 404

    two_two = {"shift_pattern": "Days On / Days Off", "days_on": 2, "days_off": 2, "anchor_date": str(today),
               "time_zone": "UTC",  # all day: "All Day" is ticked by default
               "leaves": [{"from_date": str(today + datetime.timedelta(days=10)),
                           "to_date": str(today + datetime.timedelta(days=12)), "note": "vacation"}]}
    response = manager.post("/api/resource/Agent Availability", json={"user": person, **two_two})
    assert response.status_code == 200, response.text[:500]
    stored = admin.doc("Agent Availability", person)
    assert stored["shift_pattern"] == "Days On / Days Off" and stored["anchor_date"] == str(today)
    assert [(r["from_date"], r["note"]) for r in stored["leaves"]] == [(str(today + datetime.timedelta(days=10)),
                                                                         "vacation")]
    # the agent reads it, with the state of this moment (today is a first working day, all day long in UTC)
    seen = agent.doc("Agent Availability", person)
    assert seen["current_status"] == "On Shift", seen

    response = manager.update("Agent Availability", person, away=1)
    assert response.status_code == 200, response.text[:500]
    marked = admin.doc("Agent Availability", person)
    assert marked["away_since"] and admin.doc("Agent Availability", person)["current_status"] == "Away"
    assert admin.delete(f"/api/resource/Agent Availability/{person}").status_code == 202


def test_an_agent_marks_themselves_away_but_sets_no_shift_and_touches_no_one_else(site, admin, manager):
    me, client = site.new_user("Support Agent", prefix="self")
    colleague, _colleague_client = site.new_user("Support Agent", prefix="colleague")

    response = client.post("/api/resource/Agent Availability", json={"user": me, "away": 1})
    assert response.status_code == 200, response.text[:500]
    assert admin.doc("Agent Availability", me)["current_status"] == "Away"
    response = client.update("Agent Availability", me, away=0)
    assert response.status_code == 200, response.text[:500]
    back = admin.doc("Agent Availability", me)
    assert back["away"] == 0 and not back.get("away_since") and back["current_status"] == "On Shift"

    # the shift and the leave are the manager's: a clear 403 naming the field, nothing written
    response = client.update("Agent Availability", me, shift_pattern="Weekdays")
    assert response.status_code == 403, response.text[:500]
    assert "Shift Pattern" in response.text, response.text[:500]
    assert not admin.doc("Agent Availability", me).get("shift_pattern")
    today = str(datetime.date.today())
    response = client.update("Agent Availability", me, leaves=[{"from_date": today, "to_date": today}])
    assert response.status_code == 403 and "Leave" in response.text, response.text[:500]
    assert admin.doc("Agent Availability", me)["leaves"] == []
    response = client.post("/api/resource/Agent Availability",
                           json={"user": colleague, "away": 1})
    assert response.status_code == 403, response.text[:500]
    # another agent's row: not theirs to change
    assert manager.post("/api/resource/Agent Availability", json={"user": colleague}).status_code == 200
    response = client.update("Agent Availability", colleague, away=1)
    assert response.status_code == 403, response.text[:500]
    assert admin.doc("Agent Availability", colleague)["away"] == 0
    # a manager sets the shift
    response = manager.update("Agent Availability", me, shift_pattern="Every Day")
    assert response.status_code == 200, response.text[:500]
    for person in (me, colleague):
        assert admin.delete(f"/api/resource/Agent Availability/{person}").status_code == 202
