"""Connections on real ERPNext (imported into erp/test_erp.py): the Sales Order and Customer forms
list the tickets and claims about them; the ticket names its order."""

from __future__ import annotations

import frappe
from frappe.desk.notifications import get_open_count

from support_hub.erp.testing import ERPTestCase, shared_story
from support_hub.testing import AGENT, ensure_user, make_ticket


def connection_counts(doctype: str, name: str) -> dict:
    counts = get_open_count(doctype, name)["count"]["external_links_found"]
    return {row["doctype"]: row["count"] for row in counts}


class TestOrderAndCustomerConnections(ERPTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.story = shared_story()
        ensure_user(AGENT, "Support Agent")

    def tearDown(self):
        frappe.set_user("Administrator")

    def test_sales_order_and_customer_list_their_tickets_and_claims(self):
        from support_hub.claims.setup import ensure_claim_categories

        ensure_claim_categories()
        frappe.set_user(AGENT)
        # Counted from where the shared story stands: the other classes' tickets on it roll back with
        # them, but counting the difference does not depend on that.
        order_before = connection_counts("Sales Order", self.story.orders["short"])
        customer_before = connection_counts("Customer", self.story.customer)
        open_order_before = connection_counts("Sales Order", self.story.orders["open"])
        frappe.set_user("Administrator")
        ticket = make_ticket(raised_by=self.story.email, subject=f"Заказ {self.story.orders['short']}: нет молока")
        other = make_ticket(raised_by=self.story.email, subject="Вопрос без номера заказа")
        self.assertEqual((ticket.order, other.order), (self.story.orders["short"], None))
        claim = frappe.get_doc({"doctype": "Claim", "ticket": ticket.name, "category": "Damaged"}).insert()
        self.assertEqual((claim.order_doctype, claim.order_link), ("Sales Order", self.story.orders["short"]))

        frappe.set_user(AGENT)
        order = connection_counts("Sales Order", self.story.orders["short"])
        added = lambda now, before, doctype: (now.get(doctype) or 0) - (before.get(doctype) or 0)  # noqa: E731
        self.assertEqual((added(order, order_before, "Ticket"), added(order, order_before, "Claim")), (1, 1))
        self.assertEqual(added(connection_counts("Sales Order", self.story.orders["open"]), open_order_before, "Ticket"), 0)
        customer = connection_counts("Customer", self.story.customer)
        self.assertEqual((added(customer, customer_before, "Ticket"), added(customer, customer_before, "Claim")),
                         (2, 1))

    def test_the_support_group_is_on_both_dashboards(self):
        for doctype in ("Sales Order", "Customer"):
            groups = {g["label"]: g["items"] for g in frappe.get_meta(doctype).get_dashboard_data().transactions}
            self.assertEqual(groups.get("Support", [])[-2:], ["Ticket", "Claim"], doctype)
