"""Figures from manager-only reports stay with managers on the workspace too: the CSAT number card (its
method, its document, the workspace's card list) and the SLA Compliance chart, asked for the way the
desk asks for them, as an agent, a claims officer and a manager."""

import json

import pytest

CSAT_CARD = "CSAT Great This Month"
CSAT_METHOD = "support_hub.reports.cards.csat_great_share_this_month"
SLA_CHART = "SLA Compliance per Week"


def workspace(session) -> dict:
    response = session.post("/api/method/frappe.desk.desktop.get_desktop_page",
                            data={"page": json.dumps({"name": "Support", "title": "Support", "public": 1})})
    assert response.status_code == 200, response.text[:1000]
    return response.json()["message"]


def card_names(page) -> set[str]:
    return {card["number_card_name"] for card in page["number_cards"]["items"]}


def chart_names(page) -> set[str]:
    return {chart["chart_name"] for chart in page["charts"]["items"]}


@pytest.mark.parametrize("role_fixture", ["agent", "claims_officer"])
def test_the_csat_card_is_closed_to_others(request, role_fixture):
    session = request.getfixturevalue(role_fixture)
    response = session.post(f"/api/method/{CSAT_METHOD}", json={"filters": None})  # what the card widget calls
    assert response.status_code == 403, (role_fixture, response.status_code, response.text[:500])
    assert "value" not in response.text
    assert session.get(f"/api/resource/Number Card/{CSAT_CARD}").status_code == 403


def test_the_agent_workspace_shows_neither_the_card_nor_the_chart(agent):
    page = workspace(agent)
    assert CSAT_CARD not in card_names(page) and "Open Tickets" in card_names(page), card_names(page)
    assert SLA_CHART not in chart_names(page), chart_names(page)


@pytest.mark.parametrize("role_fixture", ["agent", "claims_officer"])
def test_the_sla_compliance_chart_data_is_closed_to_others(request, role_fixture):
    session = request.getfixturevalue(role_fixture)
    # A Report chart's data comes from the report itself (query_report.run), as the chart widget asks.
    response = session.post("/api/method/frappe.desk.query_report.run",
                            json={"report_name": "SLA Compliance", "filters": {}})
    assert response.status_code == 403, (role_fixture, response.status_code, response.text[:300])
    assert session.get(f"/api/resource/Dashboard Chart/{SLA_CHART}").status_code == 403


def test_a_manager_gets_the_number_and_sees_both(manager):
    response = manager.post(f"/api/method/{CSAT_METHOD}", json={"filters": None})
    assert response.status_code == 200, response.text[:500]
    figure = response.json()["message"]
    assert figure["fieldtype"] == "Percent" and 0 <= figure["value"] <= 100, figure
    assert manager.get(f"/api/resource/Number Card/{CSAT_CARD}").status_code == 200
    page = workspace(manager)
    assert CSAT_CARD in card_names(page) and SLA_CHART in chart_names(page)
    report = manager.post("/api/method/frappe.desk.query_report.run", json={"report_name": "SLA Compliance", "filters": {}})
    assert report.status_code == 200, report.text[:300]
