"""A Claims Officer reads the tickets claims were raised from, and no others: the list over REST
holds only those, a ticket without a claim is a 403 and one with a claim opens, with its timeline."""

from __future__ import annotations

import json
import uuid

import pytest


@pytest.fixture(scope="module")
def two_tickets(admin):
    """(ticket without a claim, ticket with one), made by Administrator."""
    tag = uuid.uuid4().hex[:8]
    plain = admin.insert("Ticket", subject=f"No claim here {tag}", channel="Internal",
                         raised_by=f"scope-{tag}@customer.example")
    claimed = admin.insert("Ticket", subject=f"Broken chair {tag}", channel="Internal",
                           raised_by=f"scope-{tag}@customer.example")
    admin.insert("Claim", ticket=claimed["name"], amount_claimed=500,
                 items=[{"item": "Office chair", "quantity": 1, "problem": "Broken leg"}])
    return plain["name"], claimed["name"]


def test_claims_officer_lists_only_tickets_with_a_claim(admin, claims_officer, two_tickets):
    plain, claimed = two_tickets
    response = claims_officer.get("/api/resource/Ticket", params={
        "filters": json.dumps({"name": ["in", [plain, claimed]]}), "limit_page_length": 10})
    assert response.status_code == 200, response.text[:500]
    assert [row["name"] for row in response.json()["data"]] == [claimed]

    # The whole list, not just these two: every ticket the officer sees has a claim.
    seen = {row["name"] for row in claims_officer.rows("Ticket", limit=0)}
    with_claims = {row["ticket"] for row in admin.rows("Claim", {"ticket": ["is", "set"]}, fields=["ticket"], limit=0)}
    assert claimed in seen and plain not in seen
    assert seen <= with_claims, seen - with_claims
    # The count the list view shows follows the same rule.
    counted = claims_officer.call("frappe.desk.reportview.get_count", http="GET", doctype="Ticket",
                                  filters=json.dumps({"name": ["in", [plain, claimed]]}))
    assert counted.status_code == 200 and counted.json()["message"] == 1, counted.text[:300]


def test_claims_officer_opens_a_claimed_ticket_and_not_another(claims_officer, two_tickets):
    plain, claimed = two_tickets
    refused = claims_officer.get(f"/api/resource/Ticket/{plain}")
    assert refused.status_code == 403, (refused.status_code, refused.text[:300])
    opened = claims_officer.get(f"/api/resource/Ticket/{claimed}")
    assert opened.status_code == 200, opened.text[:300]
    assert opened.json()["data"]["name"] == claimed
    # The desk form loads the ticket with its timeline (conversation, attachments) the same way.
    form = claims_officer.call("frappe.desk.form.load.getdoc", http="GET", doctype="Ticket", name=claimed)
    assert form.status_code == 200, form.text[:300]
    assert "docinfo" in form.json()
    hidden = claims_officer.call("frappe.desk.form.load.getdoc", http="GET", doctype="Ticket", name=plain)
    assert hidden.status_code == 403, (hidden.status_code, hidden.text[:300])


def test_agents_still_read_every_ticket(agent, two_tickets):
    plain, claimed = two_tickets
    for name in (plain, claimed):
        response = agent.get(f"/api/resource/Ticket/{name}")
        assert response.status_code == 200, (name, response.status_code, response.text[:300])
