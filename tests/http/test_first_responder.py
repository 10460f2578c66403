"""First responder becomes assignee: a Support Agent answers an unassigned ticket of a team that has the option
on by e-mail from the desk (Frappe's communication.email.make over HTTP) and becomes its assignee, with a
timeline line saying why; a second agent's later reply changes nothing; a team without the option leaves its
ticket unassigned; an agent's reply to someone else's ticket does not take it."""

import json
import uuid

MAKE = "frappe.core.doctype.communication.email.make"


def make_team(admin, first_responder: bool) -> str:
    team = f"First {uuid.uuid4().hex[:8]}"
    # No members: intake's round robin finds nobody, so the ticket arrives unassigned.
    admin.insert("Support Team", team_name=team, first_responder_assignee=int(first_responder))
    return team


def make_unassigned_ticket(site, admin, team: str) -> tuple[str, str]:
    customer = f"first-{uuid.uuid4().hex[:8]}@customer.example"
    ticket = admin.insert("Ticket", subject=f"Where is my parcel {uuid.uuid4().hex[:6]}", channel="Email",
                          raised_by=customer, team=team)["name"]
    site.wait_for(lambda: admin.doc("Ticket", ticket).get("intake_done"), timeout=60, what=f"intake of {ticket}")
    assert assignees(admin, ticket) == []
    return ticket, customer


def assignees(admin, ticket: str) -> list[str]:
    row = admin.rows("Ticket", {"name": ticket}, fields=["_assign"])[0]
    return json.loads(row["_assign"] or "[]")


def reply(client, ticket: str, customer: str, text: str):
    response = client.call(MAKE, doctype="Ticket", name=ticket, recipients=customer, subject=f"Re: {ticket}",
                           content=f"<p>{text}</p>", send_email=1, communication_medium="Email",
                           sent_or_received="Sent")
    assert response.status_code == 200, response.text[:1000]
    return response


def timeline(admin, ticket: str) -> list[str]:
    return [row["content"] for row in admin.rows("Comment", {"reference_doctype": "Ticket", "reference_name": ticket,
                                                             "comment_type": "Info"}, fields=["content"])]


def test_the_first_agent_to_answer_an_unassigned_ticket_becomes_its_assignee(site, admin):
    team = make_team(admin, first_responder=True)
    ticket, customer = make_unassigned_ticket(site, admin, team)
    first_email, first = site.new_user("Support Agent", prefix="first")
    second_email, second = site.new_user("Support Agent", prefix="second")

    reply(first, ticket, customer, "We are looking at your parcel.")
    assert assignees(admin, ticket) == [first_email]
    todo = admin.rows("ToDo", {"reference_type": "Ticket", "reference_name": ticket, "status": "Open"},
                      fields=["allocated_to"])
    assert todo == [{"allocated_to": first_email}], todo
    lines = [t for t in timeline(admin, ticket) if "answered the customer first" in t]
    assert len(lines) == 1 and team in lines[0], timeline(admin, ticket)
    log = admin.rows("Support Automation Log", {"ticket": ticket, "automation": "First Responder"}, fields=["action"])
    assert log == [{"action": f"assign {first_email}"}], log

    # a colleague's later reply neither takes the ticket nor adds a second assignee
    reply(second, ticket, customer, "Adding a detail.")
    assert assignees(admin, ticket) == [first_email]
    assert len([t for t in timeline(admin, ticket) if "answered the customer first" in t]) == 1


def test_without_the_option_or_with_an_assignee_a_reply_assigns_nobody(site, admin):
    agent_email, agent = site.new_user("Support Agent", prefix="noopt")
    plain_team = make_team(admin, first_responder=False)
    ticket, customer = make_unassigned_ticket(site, admin, plain_team)
    reply(agent, ticket, customer, "Hello from a team without the option.")
    assert assignees(admin, ticket) == []

    team = make_team(admin, first_responder=True)
    owner_email, _owner = site.new_user("Support Agent", prefix="owner")
    ticket, customer = make_unassigned_ticket(site, admin, team)
    response = admin.call("frappe.desk.form.assign_to.add", doctype="Ticket", name=ticket,
                          assign_to=json.dumps([owner_email]))
    assert response.status_code == 200, response.text[:500]
    reply(agent, ticket, customer, "Answering for my colleague.")
    assert assignees(admin, ticket) == [owner_email]
    assert not admin.rows("Support Automation Log", {"ticket": ticket, "automation": "First Responder"})
