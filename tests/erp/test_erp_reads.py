"""The served ERP site: the support roles read the ERP records a ticket is about; a shopper does not."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize("doctype", ["Customer", "Sales Order"])
def test_a_support_agent_lists_erp_records_and_a_website_user_is_refused(agent, website_user, doctype):
    assert agent.get(f"/api/resource/{doctype}", params={"limit_page_length": 1}).status_code == 200
    assert website_user.get(f"/api/resource/{doctype}", params={"limit_page_length": 1}).status_code == 403
