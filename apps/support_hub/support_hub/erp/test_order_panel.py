"""The panel's goods and money of an order on real ERPNext (imported into erp/test_erp.py): shortfall,
return, unpaid invoice, credit note and refund as the grocery story made them; read with the caller's
permissions, contacts included."""

from __future__ import annotations

import frappe
from frappe.permissions import add_permission

from support_hub.erp.testing import ERPTestCase, shared_story
from support_hub.testing import AGENT, ensure_user

READER_ROLE = "SH Ticket Reader"
READER = "sh-ticket-reader@example.com"


def ensure_support_reads() -> None:
    """The ERP reads the app grants the support roles (support_hub.setup.grants where present)."""
    try:
        from support_hub.setup.grants import grant_erp_permissions
    except ImportError:
        for doctype in ("Customer", "Contact", "Sales Order", "Delivery Note", "Sales Invoice", "Payment Entry"):
            if not frappe.db.exists("Custom DocPerm", {"parent": doctype, "role": "Support Agent", "permlevel": 0}):
                add_permission(doctype, "Support Agent", 0)
    else:
        grant_erp_permissions()


class TestOrderPanel(ERPTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.story = shared_story()
        ensure_user(AGENT, "Support Agent")
        ensure_support_reads()
        if not frappe.db.exists("Role", READER_ROLE):
            frappe.get_doc({"doctype": "Role", "role_name": READER_ROLE, "desk_access": 1}).insert()
        if not frappe.db.exists("Custom DocPerm", {"parent": "Ticket", "role": READER_ROLE}):
            add_permission("Ticket", READER_ROLE, 0)
        ensure_user(READER, READER_ROLE)
        frappe.db.commit()  # ERPNext commits while it posts stock: keep the story whole

    def tearDown(self):
        frappe.set_user("Administrator")

    def detail(self, role):
        from support_hub.crm.order_detail import get_order_detail

        frappe.set_user(AGENT)
        return get_order_detail(self.story.orders[role])

    def lines(self, detail):
        return {l["item_code"]: l for l in detail["lines"]}

    def test_a_short_delivery_shows_what_is_missing_on_that_line(self):
        detail = self.detail("short")
        milk, eggs = self.lines(detail)["GROC-MILK"], self.lines(detail)["GROC-EGGS"]
        self.assertEqual((milk["ordered"], milk["delivered"], milk["missing"], milk["state"]), (3, 2, 1, "short"))
        self.assertEqual((eggs["state"], eggs["missing"]), ("delivered", 0))
        self.assertEqual([d["name"] for d in detail["deliveries"]], [self.story.delivery_notes["short"]])
        self.assertEqual(detail["header"]["po_no"], self.story.po_no)
        self.assertEqual([(i["name"], i["status"]) for i in detail["invoices"]], [(self.story.invoices["short"], "Paid")])
        self.assertEqual(detail["money"]["outstanding"], 0)

    def test_a_returned_item_is_delivered_and_returned_not_missing(self):
        detail = self.detail("returned")
        milk = self.lines(detail)["GROC-MILK"]
        self.assertEqual((milk["delivered"], milk["returned"], milk["missing"], milk["state"]), (2, 1, 0, "delivered"))
        self.assertEqual({(d["name"], d["is_return"]) for d in detail["deliveries"]},
                         {(self.story.delivery_notes["returned"], 0), (self.story.return_delivery, 1)})
        self.assertEqual({(i["name"], i["is_return"]) for i in detail["invoices"]},
                         {(self.story.invoices["returned"], 0), (self.story.credit_note, 1)})
        payments = {p["name"]: (p["payment_type"], p["amount"]) for p in detail["payments"]}
        self.assertEqual(payments[self.story.refund], ("Pay", 95))
        self.assertEqual(payments[self.story.payments["returned"]][0], "Receive")
        self.assertEqual((detail["money"]["credited"], detail["money"]["refunded"]), (95, 95))

    def test_the_unpaid_invoice_shows_its_outstanding_amount(self):
        detail = self.detail("unpaid")
        (invoice,) = detail["invoices"]
        self.assertEqual((invoice["name"], invoice["status"], invoice["outstanding"]),
                         (self.story.invoices["unpaid"], "Unpaid", 497))
        self.assertEqual((detail["money"]["outstanding"], detail["money"]["paid"], detail["payments"]), (497, 0, []))

    def test_an_order_not_yet_delivered_is_pending_not_short(self):
        detail = self.detail("open")
        self.assertEqual({l["state"] for l in detail["lines"]}, {"pending"})
        self.assertEqual(detail["deliveries"], [])

    def test_the_panel_shows_the_linked_orders_detail_and_the_contacts(self):
        from support_hub.api.ticket import customer_panel
        from support_hub.testing import make_ticket

        ticket = make_ticket(raised_by=self.story.email, subject=f"Заказ {self.story.orders['short']}: нет молока")
        self.assertEqual(ticket.order, self.story.orders["short"])
        frappe.set_user(AGENT)
        data = customer_panel(ticket.name)
        self.assertEqual(data["order_detail"]["name"], self.story.orders["short"])
        self.assertEqual(data["orders"]["linked"], self.story.orders["short"])
        self.assertEqual([(c["email_id"], c["mobile_no"]) for c in data["customer"]["contacts"]],
                         [(self.story.email, self.story.phone)])

    def test_a_role_that_reads_tickets_but_not_customers_sees_no_emails_or_phones(self):
        from support_hub.api.ticket import customer_panel
        from support_hub.testing import make_ticket

        ticket = make_ticket(raised_by=self.story.email)
        frappe.set_user(READER)
        data = customer_panel(ticket.name)
        self.assertEqual(data["customer"]["contacts"], [])
        self.assertEqual(data["customer"]["title"], self.story.customer)  # the name only, no fields
        self.assertNotIn(self.story.email, frappe.as_json(data))
        self.assertNotIn(self.story.phone, frappe.as_json(data))
        self.assertIsNone(data["order_detail"])

    def test_an_order_the_caller_may_not_read_is_refused(self):
        from support_hub.crm.order_detail import get_order_detail

        frappe.set_user(READER)
        with self.assertRaises(frappe.PermissionError):
            get_order_detail(self.story.orders["short"])
