"""Bad input to the app's whitelisted methods, as strangers on the internet send it: a clear 4xx with a
message, no traceback or SQL in the answer, and nothing written."""

import json

import pytest

from public_endpoints import (
    assert_refused,
    call_event,
    configure_telegram,
    configure_telephony,
    fake_telegram,  # noqa: F401  (fixture)
    post_call_event,
    post_telegram_update,
    signed,
    unique,
)

CREATE_TICKET = "/api/method/support_hub.api.intake.create_ticket"


def tickets_from(admin, address: str) -> list[dict]:
    return admin.rows("Ticket", {"raised_by": address}, fields=["name", "subject"])


@pytest.mark.parametrize("payload, says", [
    ({"description": "no subject, no address"}, "subject"),
    ({"subject": "No description or address"}, "description"),
    ({"subject": "Address missing", "description": "x"}, "email"),
])
def test_create_ticket_with_a_field_missing_is_refused(admin, guest, payload, says):
    marker = unique("missing")
    payload = {**payload, "name": marker}
    response = guest.post(CREATE_TICKET, json=payload)
    assert_refused(response, says=says)
    assert not admin.rows("Ticket", {"subject": ["like", f"%{marker}%"]})


@pytest.mark.parametrize("field, value", [
    ("subject", ["Cannot", "log in"]),
    ("subject", {"$gt": ""}),
    ("email", {"address": "someone@shop.example"}),
    ("email", ["a@shop.example", "b@shop.example"]),
    ("description", {"html": "<b>hi</b>"}),
    ("name", ["Anna"]),
    ("topic", {"name": "Payroll"}),
    ("subject", None),
])
def test_create_ticket_with_the_wrong_kind_of_value_is_refused(admin, guest, field, value):
    address = f"{unique('kind')}@shop.example"
    payload = {"subject": "Wrong kind", "description": "x", "email": address, field: value}
    response = guest.post(CREATE_TICKET, json=payload)
    assert_refused(response, says=field)
    assert not tickets_from(admin, address)


def test_create_ticket_with_a_megabyte_description_is_refused(admin, guest):
    address = f"{unique('big')}@shop.example"
    response = guest.post(CREATE_TICKET, json={"subject": "Huge", "description": "x" * (1024 * 1024), "email": address})
    assert_refused(response, says="too long")
    assert not tickets_from(admin, address)


def test_create_ticket_with_a_megabyte_form_field_is_refused(admin, guest):
    # The web page posts a form; Werkzeug refuses a form field this big before Frappe reads it.
    address = f"{unique('bigform')}@shop.example"
    response = guest.post(CREATE_TICKET, data={"subject": "Huge", "description": "x" * (1024 * 1024), "email": address})
    assert 400 <= response.status_code < 500, (response.status_code, response.text[:500])
    assert "Traceback" not in response.text
    assert not tickets_from(admin, address)


def test_create_ticket_with_malformed_json_is_a_400(admin, guest):
    response = guest.post(CREATE_TICKET, data=b'{"subject": "broken', headers={"Content-Type": "application/json"})
    assert_refused(response, statuses=(400,), says="JSON")


def test_a_good_request_still_makes_a_ticket(admin, guest):
    address = f"{unique('good')}@shop.example"
    response = guest.post(CREATE_TICKET, json={"subject": "Fine", "description": "All fields right", "email": address})
    assert response.status_code == 200, response.text[:1000]
    assert [t["name"] for t in tickets_from(admin, address)] == [response.json()["message"]["ticket"]]


@pytest.mark.parametrize("method, params", [
    ("support_hub.api.ticket.customer_panel", {"ticket": {"name": "TCK-1"}}),
    ("support_hub.api.ticket.sla_summary", {}),
    ("support_hub.api.telegram.reply", {"ticket": "TCK-00001", "message": ["hi"]}),
    ("support_hub.claims.ticket_link.order_choices", {"ticket": {"x": 1}}),
    ("support_hub.claims.ticket_link.make_claim", {}),
    ("support_hub.support_hub.doctype.routing_rule.routing_rule.test_rule", {"rule": ["r"], "text": "t"}),
    ("support_hub.support_hub.doctype.tag_broadcast.tag_broadcast.plan", {"name": {"a": 1}}),
    ("support_hub.support_hub.doctype.sla_policy.sla_policy.import_holiday_list", {"policy": "p"}),
])
def test_desk_methods_refuse_bad_arguments_with_a_message(manager, method, params):
    # A logged-in user gets the same clear 4xx (Frappe may add a traceback for desk users; no SQL).
    response = manager.post(f"/api/method/{method}", json=params)
    assert response.status_code == 417, (method, response.status_code, response.text[:1500])
    assert "pymysql" not in response.text and "`tab" not in response.text, response.text[:3000]
    # Frappe's own check answers first where a hint is a real type (modules without postponed hints).
    assert response.json().get("exc_type") in ("InvalidArgument", "FrappeTypeError"), response.text[:500]


# ---- the webhooks -----------------------------------------------------------------------------------

@pytest.mark.parametrize("body, content_type", [
    (b'{"event": "call_started", ', "application/json"),
    (b'{"event": "call_started", ', "text/plain"),
    (b"[1, 2, 3]", "application/json"),
    (b'"just a string"', "application/json"),
    (b"\xff\xfe not utf-8", "application/octet-stream"),
])
def test_telephony_webhook_refuses_malformed_bodies(admin, guest, body, content_type):
    configure_telephony(admin)
    response = post_call_event(guest, body, content_type=content_type, signature=signed(body))
    # 417: Frappe itself refuses a JSON body that is neither an object nor a list, before the app runs.
    assert_refused(response, statuses=(400, 417))


def test_telephony_webhook_refuses_a_wrong_signature_before_reading(admin, guest):
    configure_telephony(admin)
    call_id = unique("sig")
    event = call_event("call_started", call_id, unique("e"))
    response = post_call_event(guest, event, signature="0" * 64)
    assert_refused(response, statuses=(403,))
    assert not admin.rows("Telephony Call", {"call_id": call_id})


@pytest.mark.parametrize("body, content_type", [
    (b'{"update_id": 5, "message": ', "application/json"),
    (b'{"update_id": 5, "message": ', "text/plain"),
    (b'{"message": {"text": "no update id"}}', "application/json"),
    (b"[]", "application/json"),
    (b"42", "application/json"),
])
def test_telegram_webhook_refuses_malformed_bodies(admin, guest, fake_telegram, body, content_type):
    configure_telegram(admin, fake_telegram)
    before = len(admin.rows("Telegram Update", limit=100000))
    response = post_telegram_update(guest, body, content_type=content_type)
    assert_refused(response, statuses=(400, 417))
    assert len(admin.rows("Telegram Update", limit=100000)) == before
