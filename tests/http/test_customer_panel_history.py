"""The customer panel as a Support Agent's form asks for it: earlier tickets are the ones created
before this one, newest first; with no customer linked (no ERPNext here) it shows the contact."""

from __future__ import annotations

import uuid

PANEL = "support_hub.api.ticket.customer_panel"


def panel(session, ticket: str) -> dict:
    response = session.call(PANEL, http="GET", ticket=ticket)
    assert response.status_code == 200, (response.status_code, response.text[:800])
    return response.json()["message"]


def test_earlier_tickets_and_the_contact_as_an_agent(site, admin, agent):
    sender = f"panel-{uuid.uuid4().hex[:8]}@customer.example"
    made = [admin.insert("Ticket", subject=f"Question {n} {uuid.uuid4().hex[:6]}", channel="Email",
                         raised_by=sender)["name"] for n in range(4)]
    # The intake job (the real worker) finds or makes the sender's contact.
    site.wait_for(lambda: all(admin.doc("Ticket", name)["intake_done"] for name in made), timeout=90,
                  what="intake done")
    contacts = {admin.doc("Ticket", name)["contact"] for name in made}
    assert len(contacts) == 1 and None not in contacts, contacts
    first, second, current, later = made

    data = panel(agent, current)
    assert [t["name"] for t in data["tickets"]] == [second, first]  # not `later`, newest first
    assert [t["name"] for t in panel(agent, later)["tickets"]] == [current, second, first]
    assert panel(agent, first)["tickets"] == []

    assert data["customer"] is None
    assert data["contact"]["name"] == contacts.pop()
    assert data["contact"]["email_id"] == sender


def test_the_panel_is_for_those_who_may_read_the_ticket(admin, guest, website_user):
    ticket = admin.insert("Ticket", subject=f"Private {uuid.uuid4().hex[:6]}", channel="Email",
                          raised_by=f"panel-{uuid.uuid4().hex[:8]}@customer.example")["name"]
    for session in (guest, website_user):
        response = session.call(PANEL, http="GET", ticket=ticket)
        assert response.status_code == 403, (session.user, response.status_code, response.text[:300])
