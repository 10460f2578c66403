"""A Support Manager adds a holiday to an SLA Policy over REST: the served site's worker re-plans the policy's
open ticket, and the manager finds the re-plan's record (SLA Replan: Done, who, how many) over REST, while a
Support Agent may not read it."""

import datetime
import uuid

from test_deadline_moved_later import make_type_with_policy


def test_a_policy_edit_over_rest_leaves_a_re_plan_record_for_the_managers(site, admin, agent, manager):
    ticket_type, policy = make_type_with_policy(admin, 60, 480)
    ticket = agent.insert("Ticket", subject=f"Replan {uuid.uuid4().hex[:8]}", ticket_type=ticket_type,
                          channel="Internal", raised_by=f"replan-{uuid.uuid4().hex[:8]}@customer.example")["name"]
    before = admin.doc("Ticket", ticket)
    assert before["sla_policy"] == policy
    due = datetime.datetime.fromisoformat(before["resolution_due"])
    # The days around the one the resolution falls due are holidays now (three, whatever the zones): the
    # deadline moves past them.
    holidays = [{"holiday_date": (due.date() + datetime.timedelta(days=d)).isoformat(), "description": "Closed"}
                for d in (-1, 0, 1)]
    response = manager.update("SLA Policy", policy, holidays=holidays)
    assert response.status_code == 200, response.text[:500]

    runs = site.wait_for(lambda: admin.rows("SLA Replan", {"policy": policy, "status": "Done"},
                                            fields=("name", "changed_by", "tickets_changed", "deadlines_moved")),
                         timeout=90, what="the re-plan job's record")
    (run,) = runs
    assert (run["changed_by"], run["tickets_changed"]) == ("http-manager@support-test.example", 1), run
    assert run["deadlines_moved"] >= 1
    assert datetime.datetime.fromisoformat(admin.doc("Ticket", ticket)["resolution_due"]) > due
    assert manager.get(f"/api/resource/SLA Replan/{run['name']}").status_code == 200
    assert agent.get(f"/api/resource/SLA Replan/{run['name']}").status_code == 403
