"""Connections on real ERPNext (imported into erp/test_erp.py): the Sales Order and Customer forms
list the tickets and claims about them; the ticket names its order."""

from __future__ import annotations

import uuid

import frappe
from frappe.desk.notifications import get_open_count

from support_hub.erp.testing import ERPTestCase
from support_hub.testing import AGENT, ensure_user, make_ticket


def connection_counts(doctype: str, name: str) -> dict:
    counts = get_open_count(doctype, name)["count"]["external_links_found"]
    return {row["doctype"]: row["count"] for row in counts}


class TestOrderAndCustomerConnections(ERPTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        from support_hub.erp.grocery import make_story

        cls.story = make_story(uuid.uuid4().hex[:8])
        frappe.db.commit()  # ERPNext commits while it posts stock: keep the story whole
        ensure_user(AGENT, "Support Agent")

    def tearDown(self):
        frappe.set_user("Administrator")

    def test_sales_order_and_customer_list_their_tickets_and_claims(self):
        from support_hub.claims.setup import ensure_claim_categories

        ensure_claim_categories()
        ticket = make_ticket(raised_by=self.story.email, subject=f"Заказ {self.story.orders['short']}: нет молока")
        other = make_ticket(raised_by=self.story.email, subject="Вопрос без номера заказа")
        self.assertEqual((ticket.order, other.order), (self.story.orders["short"], None))
        claim = frappe.get_doc({"doctype": "Claim", "ticket": ticket.name, "category": "Damaged"}).insert()
        self.assertEqual((claim.order_doctype, claim.order_link), ("Sales Order", self.story.orders["short"]))

        frappe.set_user(AGENT)
        order = connection_counts("Sales Order", self.story.orders["short"])
        self.assertEqual((order.get("Ticket"), order.get("Claim")), (1, 1))
        self.assertEqual(connection_counts("Sales Order", self.story.orders["open"]).get("Ticket"), 0)
        customer = connection_counts("Customer", self.story.customer)
        self.assertEqual((customer.get("Ticket"), customer.get("Claim")), (2, 1))

    def test_the_support_group_is_on_both_dashboards(self):
        for doctype in ("Sales Order", "Customer"):
            groups = {g["label"]: g["items"] for g in frappe.get_meta(doctype).get_dashboard_data().transactions}
            self.assertEqual(groups.get("Support", [])[-2:], ["Ticket", "Claim"], doctype)
