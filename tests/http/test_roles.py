"""Each role logs in over HTTP and reaches exactly what its work needs."""

import pytest


@pytest.mark.parametrize("role_fixture, can_list_tickets", [
    # a claims officer lists tickets too, only those with a claim (test_claims_officer_scope.py)
    ("agent", True), ("manager", True), ("claims_officer", True), ("website_user", False), ("guest", False),
])
def test_ticket_list_by_role(request, role_fixture, can_list_tickets):
    session = request.getfixturevalue(role_fixture)
    response = session.get("/api/resource/Ticket", params={"limit_page_length": 1})
    if can_list_tickets:
        assert response.status_code == 200, response.text[:500]
        assert isinstance(response.json()["data"], list)
    else:
        assert response.status_code == 403, (role_fixture, response.status_code, response.text[:300])


def test_logged_in_user_is_who_logged_in(agent):
    response = agent.call("frappe.auth.get_logged_user", http="GET")
    assert response.status_code == 200
    assert response.json()["message"] == agent.user
