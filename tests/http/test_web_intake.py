"""Web intake as a Guest meets it: the ticket is routed, tagged, assigned and answered by the
background worker (which runs the work as the automation user, not as Guest), and the auto-reply
really leaves through the site's mail account."""

import json
import random
import string
import uuid

from served import body_text


def made_up_word() -> str:
    return "zor" + "".join(random.choices(string.ascii_lowercase, k=8))


def test_guest_web_ticket_is_routed_tagged_assigned_and_answered(site, admin, guest):
    word, tag = made_up_word(), f"web-{uuid.uuid4().hex[:6]}"
    agent_email, _agent = site.new_user("Support Agent", prefix="web-intake")
    admin.insert("Routing Rule", rule_name=f"Web {word}", keywords=word, channel="Web", sequence=1,
                 assign_to_user=agent_email, add_tags=tag, enabled=1)
    admin.insert("Auto Reply", reply_name=f"Web reply {word}", enabled=1, channel="Web", send_when="Any",
                 language="en", subject="We got it: {{ doc.subject }}", template="Your request {{ doc.name }} is with us.")
    customer = f"shopper-{uuid.uuid4().hex[:8]}@shop.example"

    response = guest.post("/api/method/support_hub.api.intake.create_ticket",
                          data={"subject": f"My {word} does not work", "description": "It stopped <b>today</b>.",
                                "email": customer, "name": "Web Shopper"})
    assert response.status_code == 200, response.text[:1000]
    ticket = response.json()["message"]["ticket"]

    done = site.wait_for(lambda: (doc := admin.doc("Ticket", ticket))["intake_done"] and doc,
                         timeout=60, what=f"{ticket} processed by the worker")
    assert tag in (done.get("_user_tags") or ""), done.get("_user_tags")
    listed = admin.rows("Ticket", {"name": ticket}, fields=["name", "_assign"])[0]
    assert agent_email in json.loads(listed["_assign"] or "[]"), listed
    todo = admin.rows("ToDo", {"reference_type": "Ticket", "reference_name": ticket}, fields=["allocated_to", "status"])
    assert todo == [{"allocated_to": agent_email, "status": "Open"}], todo
    assert done["contact"], "the new sender got a contact"
    reply = admin.rows("Communication", {"reference_doctype": "Ticket", "reference_name": ticket,
                                         "sent_or_received": "Sent"}, fields=["name", "subject", "owner"])
    assert reply and reply[0]["subject"].startswith("We got it"), reply
    routing_log = admin.rows("Support Automation Log", {"ticket": ticket, "automation": "Routing"}, fields=["owner"])
    assert routing_log and routing_log[0]["owner"] == "automation@support-hub.local", routing_log
    # the drain wrote it set-based (bulk_intake): no chunk of it went back to documents
    fell_back = admin.rows("Error Log", {"method": "Ticket intake: a chunk went ticket by ticket",
                                         "creation": [">=", done["creation"]]}, fields=["name", "error"])
    assert not fell_back, fell_back[0]["error"][-600:]

    site.flush_mail()
    mails = site.wait_for(lambda: site.mails_to(customer), timeout=30, what="the auto-reply in the mail sink")
    assert ticket in body_text(mails[0]) or ticket in (mails[0]["Subject"] or "")


def test_guest_sees_nothing_of_the_ticket_it_created(site, guest):
    response = guest.post("/api/method/support_hub.api.intake.create_ticket",
                          data={"subject": "Where is my parcel", "description": "Order 1",
                                "email": f"curious-{uuid.uuid4().hex[:8]}@shop.example"})
    assert response.status_code == 200, response.text[:500]
    ticket = response.json()["message"]["ticket"]
    assert guest.get(f"/api/resource/Ticket/{ticket}").status_code == 403
