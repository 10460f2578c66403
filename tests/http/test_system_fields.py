"""Fields only the system writes (SLA bookkeeping, rating, the bot's chat, the channel) as people reach
them over HTTP: REST PUT and POST, frappe.client.set_value and the desk form's save are refused with a
4xx, and the value read back as Administrator is what it was; ordinary edits still go through."""

from __future__ import annotations

import json
import uuid

import pytest

# A value for each field that differs from what a new ticket has.
ATTEMPTS = {
    "sla_paused_minutes": 350_000,  # due dates eight months later
    "opened_on": "2025-01-06 09:00:00",
    "first_responded_on": "2025-01-06 09:05:00",
    "resolved_on": "2025-01-06 10:00:00",
    "sla_status": "Met",
    "sla_paused_since": "2025-01-06 09:00:00",
    "sla_warning_on": "2027-01-01 00:00:00",
    "sla_breach_on": "2027-01-01 00:00:00",
    "intake_done": 0,
    "waiting_since": "2025-01-06 09:00:00",
    "ladder_steps_done": '["1:Remind"]',
    "close_reason": "No reply",
    "rating": "great",
    "rating_comment": "Perfect support",
    "rated_on": "2025-01-06 10:00:00",
    "telegram_chat_id": "424242",
    "call_recording": "https://evil.example/rec.mp3",
    "call_duration": 999,
    "channel": "Telegram",
}
ROLES = ["agent", "manager"]


def refused(response) -> None:
    assert 400 <= response.status_code < 500, (response.status_code, response.text[:800])
    assert response.status_code == 403, (response.status_code, response.text[:800])


def snapshot(admin, ticket: str) -> dict:
    doc = admin.doc("Ticket", ticket)
    return {field: doc.get(field) for field in ATTEMPTS}


@pytest.fixture(scope="module")
def ticket(site, admin) -> str:
    made = admin.insert("Ticket", subject=f"System fields {uuid.uuid4().hex[:8]}", channel="Email",
                        raised_by=f"sys-{uuid.uuid4().hex[:8]}@customer.example")
    # the intake job (the worker) sets intake_done: wait, so the values compared below stand still
    site.wait_for(lambda: admin.doc("Ticket", made["name"])["intake_done"], timeout=60, what="intake done")
    return made["name"]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("field", list(ATTEMPTS))
def test_rest_put_is_refused(request, admin, ticket, role, field):
    session = request.getfixturevalue(role)
    before = snapshot(admin, ticket)
    refused(session.update("Ticket", ticket, **{field: ATTEMPTS[field]}))
    assert snapshot(admin, ticket) == before


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("field", list(ATTEMPTS))
def test_client_set_value_is_refused(request, admin, ticket, role, field):
    session = request.getfixturevalue(role)
    before = snapshot(admin, ticket)
    refused(session.call("frappe.client.set_value", doctype="Ticket", name=ticket, fieldname=field,
                         value=ATTEMPTS[field]))
    assert snapshot(admin, ticket) == before


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("field", ["sla_paused_minutes", "opened_on", "first_responded_on", "rating", "rated_on",
                                   "rating_comment", "telegram_chat_id", "channel", "sla_breach_on", "intake_done"])
def test_the_desk_form_save_is_refused(request, admin, ticket, role, field):
    session = request.getfixturevalue(role)
    session.csrf()
    loaded = session.call("frappe.desk.form.load.getdoc", http="GET", doctype="Ticket", name=ticket)
    assert loaded.status_code == 200, loaded.text[:500]
    form = loaded.json()["docs"][0]
    before = snapshot(admin, ticket)
    form[field] = ATTEMPTS[field]
    response = session.post("/api/method/frappe.desk.form.save.savedocs",
                            data={"doc": json.dumps(form), "action": "Save"})
    refused(response)
    assert snapshot(admin, ticket) == before


def test_administrator_over_http_is_a_person_too(admin, ticket):
    before = snapshot(admin, ticket)
    for field in ("sla_paused_minutes", "rating", "telegram_chat_id"):
        refused(admin.update("Ticket", ticket, **{field: ATTEMPTS[field]}))
    assert snapshot(admin, ticket) == before


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("field", [f for f in ATTEMPTS if f != "channel"])
def test_a_new_ticket_cannot_come_with_them(request, admin, role, field):
    session = request.getfixturevalue(role)
    subject = f"Preset {field} {uuid.uuid4().hex[:8]}"
    value = 1 if field == "intake_done" else ATTEMPTS[field]
    refused(session.post("/api/resource/Ticket", json={"subject": subject, "raised_by": "p@customer.example",
                                                        field: value}))
    assert admin.rows("Ticket", {"subject": subject}) == []


@pytest.mark.parametrize("role", ROLES)
def test_the_channel_is_chosen_once_among_a_persons_own(request, admin, role):
    session = request.getfixturevalue(role)
    for channel in ("Telegram", "Web"):
        subject = f"Fake {channel} {uuid.uuid4().hex[:8]}"
        refused(session.post("/api/resource/Ticket", json={"subject": subject, "channel": channel}))
        assert admin.rows("Ticket", {"subject": subject}) == []
    logged = session.insert("Ticket", subject=f"Call logged by hand {uuid.uuid4().hex[:8]}", channel="Phone",
                            raised_by="+79160000000")
    stored = admin.doc("Ticket", logged["name"])
    assert stored["channel"] == "Phone" and stored["opened_on"]  # opened_on is the system's
    refused(session.update("Ticket", logged["name"], channel="Email"))
    assert admin.doc("Ticket", logged["name"])["channel"] == "Phone"


@pytest.mark.parametrize("role", ROLES)
def test_ordinary_edits_still_work(request, admin, ticket, role):
    session = request.getfixturevalue(role)
    before = snapshot(admin, ticket)
    status = "In Progress" if role == "agent" else "Open"
    response = session.update("Ticket", ticket, status=status, description=f"<p>Checked by {role}</p>")
    assert response.status_code == 200, response.text[:800]
    assert admin.doc("Ticket", ticket)["status"] == status
    comment = session.call("frappe.desk.form.utils.add_comment", reference_doctype="Ticket", reference_name=ticket,
                           content=f"<p>Note from the {role}</p>", comment_email=session.user, comment_by=session.user)
    assert comment.status_code == 200, comment.text[:800]
    after = snapshot(admin, ticket)
    assert {f: after[f] for f in ("rating", "telegram_chat_id", "sla_paused_minutes", "opened_on", "channel")} == \
        {f: before[f] for f in ("rating", "telegram_chat_id", "sla_paused_minutes", "opened_on", "channel")}
