"""The in-process ERP tests, in one module because `bench run-tests --module` takes one: scripts/test.sh
runs it on the test site that has ERPNext. ERP test cases live next to the code they prove and are
imported here; every one skips on a site without ERPNext (run-tests --app runs them there too)."""

from __future__ import annotations

import frappe

from support_hub.erp.testing import ERPTestCase
from support_hub.erp.test_claims_on_orders import TestClaimsOnOrderLines, TestSupportRolesOnERPRecords  # noqa: F401
from support_hub.erp.test_connections import TestOrderAndCustomerConnections  # noqa: F401
from support_hub.erp.test_grocery import TestGroceryStory  # noqa: F401
from support_hub.erp.test_order_panel import TestOrderPanel  # noqa: F401
from support_hub.erp.test_ticket_order import TestBotOrders, TestTicketOrder, TestWebFormOrders  # noqa: F401

if "erpnext" in frappe.get_installed_apps():
    # Run here too, under ERPNext's document hooks: the set-based intake writes what the documents write.
    # (On a site without ERPNext they run once, from their own module.)
    from support_hub.support_hub.doctype.ticket.test_intake_set_based import (  # noqa: F401
        TestIntakeSetBased,
        TestSetBasedTeams,
    )


class TestTheERPSite(ERPTestCase):
    def test_the_setup_wizard_made_a_russian_company_in_roubles_with_its_fiscal_year(self):
        company = frappe.get_all("Company", fields=["name", "country", "default_currency"])
        self.assertEqual([(c.country, c.default_currency) for c in company], [("Russian Federation", "RUB")])
        year = frappe.utils.nowdate()[:4]
        self.assertTrue(frappe.db.exists("Fiscal Year", {"year_start_date": f"{year}-01-01"}))

    def test_support_roles_are_not_system_managers(self):
        for role in ("Support Agent", "Support Manager", "Claims Officer"):
            users = frappe.get_all("Has Role", filters={"role": role, "parenttype": "User"}, pluck="parent")
            managers = [u for u in users if u != "Administrator" and "System Manager" in frappe.get_roles(u)]
            self.assertEqual(managers, [], f"{role} users who are System Managers")


class TestERPLookupIndexes(ERPTestCase):
    def test_a_customers_latest_orders_have_a_customer_then_date_index(self):
        from support_hub.setup.test_lookup_indexes import index_columns

        self.assertEqual(index_columns("Sales Order", "support_hub_customer_date"), ["customer", "transaction_date"])
