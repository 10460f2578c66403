"""A routing rule with no keywords, only a condition: every web ticket a Guest sends through the REST
intake is tagged and assigned by a channel-only rule, with the condition as the reason on the timeline;
a rule with neither keywords nor conditions is refused over REST and nothing is written."""

import json
import uuid


def test_guest_web_ticket_is_routed_by_a_channel_only_rule(site, admin, guest):
    tag = f"web-any-{uuid.uuid4().hex[:6]}"
    agent_email, _agent = site.new_user("Support Agent", prefix="web-any")
    rule_name = f"Every web ticket {uuid.uuid4().hex[:6]}"
    # Last in order, so the keyword rules other tests make still come first on this shared site.
    rule = admin.insert("Routing Rule", rule_name=rule_name, channel="Web", sequence=999999,
                        assign_to_user=agent_email, add_tags=tag, enabled=1)
    try:
        assert not rule.get("keywords")
        response = guest.post("/api/method/support_hub.api.intake.create_ticket",
                              data={"subject": "Hello there", "description": "Nothing a keyword would catch.",
                                    "email": f"plain-{uuid.uuid4().hex[:8]}@shop.example"})
        assert response.status_code == 200, response.text[:1000]
        ticket = response.json()["message"]["ticket"]
        done = site.wait_for(lambda: (doc := admin.doc("Ticket", ticket))["intake_done"] and doc,
                             timeout=60, what=f"{ticket} processed by the worker")
        assert tag in (done.get("_user_tags") or ""), done.get("_user_tags")
        listed = admin.rows("Ticket", {"name": ticket}, fields=["name", "_assign"])[0]
        assert json.loads(listed["_assign"] or "[]") == [agent_email], listed
        log = admin.rows("Support Automation Log", {"ticket": ticket, "automation": "Routing"}, fields=["rule"])
        assert log == [{"rule": rule_name}], log
        timeline = admin.rows("Comment", {"reference_doctype": "Ticket", "reference_name": ticket,
                                          "comment_type": "Info"}, fields=["content"])
        assert any(f"«{rule_name}» (channel = Web)" in row["content"] for row in timeline), timeline
        # the Test button explains the match by the condition
        explained = admin.call("support_hub.support_hub.doctype.routing_rule.routing_rule.test_rule",
                               rule=rule_name, text="")
        assert explained.status_code == 200, explained.text[:500]
        assert explained.json()["message"] == {"matched": True, "why": "channel = Web"}
    finally:
        assert admin.delete(f"/api/resource/Routing Rule/{rule_name}").status_code == 202


def test_a_rule_with_neither_keywords_nor_conditions_is_refused(admin):
    name = f"Catch all {uuid.uuid4().hex[:6]}"
    response = admin.post("/api/resource/Routing Rule",
                          json={"rule_name": name, "add_tags": "everything", "enabled": 1})
    assert response.status_code == 417, response.text[:500]
    assert "no keywords and no conditions" in response.text
    assert admin.get(f"/api/resource/Routing Rule/{name}").status_code == 404
