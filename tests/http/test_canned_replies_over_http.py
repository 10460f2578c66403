"""Canned replies over HTTP as a Support Agent: a Support Manager writes Email Templates for two teams over
REST; on a ticket of one team the agent searches them by word forms, gets one filled in with the ticket's and
the customer's fields, finds them through the composer's Email Template link search, and is refused another
team's template; Guest and a Website User get nothing; bad input is a clear 4xx."""

from __future__ import annotations

import json
import uuid

import pytest

CANNED = "support_hub.api.canned_replies"


@pytest.fixture(scope="module")
def world(admin, manager):
    tag = uuid.uuid4().hex[:6]
    returns, billing = f"Returns {tag}", f"Billing {tag}"
    for team in (returns, billing):
        admin.insert("Support Team", team_name=team)
    refund = manager.insert("Email Template", name=f"Возврат денег {tag}", subject="Возврат по {{ name }}",
                            response="<p>Здравствуйте, {{ customer_name }}! Возврат по «{{ doc.subject }}» оформлен "
                                     "({{ contact.email_id }}).</p>", support_team=returns)["name"]
    invoice = manager.insert("Email Template", name=f"Счёт {tag}", subject="Счёт",
                             response="<p>Счёт приложен</p>", support_team=billing)["name"]
    address = f"canned-{tag}@customer.example"
    contact = admin.insert("Contact", first_name="Мария", last_name=f"Иванова{tag}",
                           email_ids=[{"email_id": address, "is_primary": 1}])["name"]
    ticket = admin.insert("Ticket", subject=f"Верните деньги {tag}", channel="Email", raised_by=address, team=returns,
                          contact=contact)["name"]
    return {"tag": tag, "refund": refund, "invoice": invoice, "ticket": ticket, "address": address,
            "last_name": f"Иванова{tag}"}


def ok(response):
    assert response.status_code == 200, (response.status_code, response.text[:1000])
    return response.json()["message"]


def test_an_agent_finds_the_teams_replies_by_word_forms(agent, world):
    for query in ("возвраты ", "вернуть ", "возвр"):
        found = [r["name"] for r in ok(agent.call(f"{CANNED}.search", http="GET", ticket=world["ticket"], query=query))]
        assert world["refund"] in found, (query, found)
        assert world["invoice"] not in found
    everything = [r["name"] for r in ok(agent.call(f"{CANNED}.search", ticket=world["ticket"]))]
    assert world["refund"] in everything and world["invoice"] not in everything  # another team's is never offered


def test_the_reply_is_filled_in_with_the_tickets_and_customers_fields(agent, world):
    reply = ok(agent.call(f"{CANNED}.render", ticket=world["ticket"], template=world["refund"]))
    assert reply["subject"] == f"Возврат по {world['ticket']}"
    assert f"Здравствуйте, Мария {world['last_name']}!" in reply["message"]
    assert f"«Верните деньги {world['tag']}»" in reply["message"]
    assert world["address"] in reply["message"]
    assert "<p>" not in reply["text"] and f"Мария {world['last_name']}" in reply["text"]  # for Telegram


def test_the_composers_email_template_field_searches_the_tickets_team(agent, world):
    response = agent.get("/api/method/frappe.desk.search.search_link",
                         params={"doctype": "Email Template", "txt": "возврат", "query": f"{CANNED}.template_query",
                                 "filters": json.dumps({"ticket": world["ticket"]})})
    values = [row["value"] for row in ok(response)]
    assert world["refund"] in values and world["invoice"] not in values, values


def test_another_teams_reply_is_refused(agent, world):
    response = agent.call(f"{CANNED}.render", ticket=world["ticket"], template=world["invoice"])
    assert response.status_code == 403, response.text[:500]


def test_guests_and_website_users_get_nothing(guest, website_user, world):
    for client in (guest, website_user):
        for method, params in (("render", {"template": world["refund"]}), ("search", {"query": "возврат"})):
            response = client.call(f"{CANNED}.{method}", ticket=world["ticket"], **params)
            assert response.status_code == 403, (client.user, method, response.status_code, response.text[:300])
            assert "Здравствуйте" not in response.text


def test_bad_input_is_a_clear_4xx(agent, world):
    assert agent.call(f"{CANNED}.render", ticket=world["ticket"], template="No such reply").status_code == 404
    assert agent.call(f"{CANNED}.render", ticket="TCK-99999999", template=world["refund"]).status_code == 404
    for params in ({"ticket": world["ticket"]}, {"ticket": world["ticket"], "template": ["a", "b"]}, {}):
        response = agent.call(f"{CANNED}.render", **params)
        assert 400 <= response.status_code < 500, (params, response.status_code, response.text[:300])
