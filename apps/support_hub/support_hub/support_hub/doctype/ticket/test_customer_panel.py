# Copyright (c) 2026, support_hub developers. License: MIT.

import frappe
from frappe.tests.utils import FrappeTestCase

from support_hub.api.ticket import customer_panel
from support_hub.testing import AGENT, MANAGER, make_ticket, setup_support_world

CUSTOMER_DT = "SH Test Customer"
ORDER_DT = "SH Test Order"


def make_doctype(name, fields, readers):
    if frappe.db.exists("DocType", name):
        return
    frappe.get_doc(
        {
            "doctype": "DocType", "name": name, "module": "Support Hub", "custom": 1, "autoname": "hash",
            "fields": fields,
            "permissions": [{"role": "System Manager", "read": 1, "write": 1, "create": 1, "delete": 1}]
            + [{"role": role, "read": 1} for role in readers],
        }
    ).insert(ignore_permissions=True)


class TestCustomerIdentificationAndPanel(FrappeTestCase):
    """On a site with its own customer and order doctypes (as Support Hub Settings allows)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        setup_support_world()
        # Creating doctypes is DDL and commits; tearDownClass removes them again.
        make_doctype(CUSTOMER_DT, [
            {"fieldname": "customer_name", "fieldtype": "Data", "label": "Customer Name"},
            {"fieldname": "customer_group", "fieldtype": "Data", "label": "Customer Group"},
        ], ["Support Agent", "Support Manager"])
        make_doctype(ORDER_DT, [
            {"fieldname": "customer", "fieldtype": "Link", "options": CUSTOMER_DT, "label": "Customer", "search_index": 1},
            {"fieldname": "transaction_date", "fieldtype": "Date", "label": "Date"},
            {"fieldname": "status", "fieldtype": "Data", "label": "Status"},
            {"fieldname": "grand_total", "fieldtype": "Currency", "label": "Total"},
            {"fieldname": "per_delivered", "fieldtype": "Percent", "label": "Delivered"},
            {"fieldname": "per_billed", "fieldtype": "Percent", "label": "Billed"},
        ], ["Support Manager"])  # agents may not read orders here
        frappe.db.commit()
        settings = frappe.get_single("Support Hub Settings")
        settings.customer_doctype = CUSTOMER_DT
        settings.order_doctype = ORDER_DT
        settings.save(ignore_permissions=True)
        cls.customer = frappe.get_doc({"doctype": CUSTOMER_DT, "customer_name": "ООО Ромашка", "customer_group": "Retail"}).insert()
        contact = frappe.get_doc({"doctype": "Contact", "first_name": "Anna", "links": [
            {"link_doctype": CUSTOMER_DT, "link_name": cls.customer.name}]})
        contact.append("email_ids", {"email_id": "anna@romashka.example", "is_primary": 1})
        contact.append("phone_nos", {"phone": "+7 912 345 6701", "is_primary_phone": 1})
        cls.contact = contact.insert(ignore_permissions=True)
        for day in range(1, 13):
            frappe.get_doc({"doctype": ORDER_DT, "customer": cls.customer.name, "transaction_date": f"2026-03-{day:02d}",
                            "status": "To Deliver", "grand_total": 1000 * day, "per_delivered": 50, "per_billed": 100}
                           ).insert(ignore_permissions=True)

    @classmethod
    def tearDownClass(cls):
        frappe.db.rollback()
        for doctype in (ORDER_DT, CUSTOMER_DT):
            frappe.delete_doc("DocType", doctype, force=True, ignore_permissions=True)
        frappe.db.commit()
        super().tearDownClass()

    def tearDown(self):
        frappe.set_user("Administrator")

    def test_email_and_phone_find_the_contact_and_its_customer(self):
        by_email = make_ticket(raised_by="Anna <ANNA@romashka.example>")
        self.assertEqual((by_email.contact, by_email.customer_type, by_email.customer),
                         (self.contact.name, CUSTOMER_DT, self.customer.name))
        self.assertEqual(by_email.raised_by, "anna@romashka.example")
        by_phone = make_ticket(raised_by="8 (912) 345-67-01", channel="Phone")
        self.assertEqual((by_phone.contact, by_phone.customer), (self.contact.name, self.customer.name))

    def test_a_contact_tied_to_a_customer_wins_over_an_older_orphan_duplicate(self):
        # The engine's rule (identity.match_contact), on stored rows: a shared mailbox or an earlier
        # intake left an orphan contact first; the one linked to the customer is who wrote.
        customer = frappe.get_doc({"doctype": CUSTOMER_DT, "customer_name": "ООО Лютик"}).insert()
        orphan = frappe.get_doc({"doctype": "Contact", "first_name": "Desk"})
        orphan.append("email_ids", {"email_id": "Office@Romashka.example", "is_primary": 1})
        orphan.append("phone_nos", {"phone": "8 912 345-67-02", "is_primary_phone": 1})
        orphan.insert(ignore_permissions=True)
        frappe.db.set_value("Contact", orphan.name, "creation", "2020-01-01 00:00:00")  # the older one
        linked = frappe.get_doc({"doctype": "Contact", "first_name": "Office", "links": [
            {"link_doctype": CUSTOMER_DT, "link_name": customer.name}]})
        linked.append("email_ids", {"email_id": "office@romashka.example", "is_primary": 1})
        linked.append("phone_nos", {"phone": "+79123456702", "is_primary_phone": 1})
        linked.insert(ignore_permissions=True)
        for sender in ("office@romashka.example", "+7 (912) 345-67-02"):
            ticket = make_ticket(raised_by=sender)
            self.assertEqual((ticket.contact, ticket.customer_type, ticket.customer),
                             (linked.name, CUSTOMER_DT, customer.name), sender)
        # Without a linked one, the oldest holder of the address is the sender.
        frappe.db.delete("Dynamic Link", {"parenttype": "Contact", "parent": linked.name})
        ticket = make_ticket(raised_by="OFFICE@romashka.example")
        self.assertEqual((ticket.contact, ticket.customer), (orphan.name, None))

    def test_a_telegram_sender_finds_the_contact_holding_its_id(self):
        customer = frappe.get_doc({"doctype": CUSTOMER_DT, "customer_name": "ООО Василёк"}).insert()
        contact = frappe.get_doc({"doctype": "Contact", "first_name": "Telegram Vera", "support_telegram_id": "tg:700100200",
                                  "links": [{"link_doctype": CUSTOMER_DT, "link_name": customer.name}]})
        contact.insert(ignore_permissions=True)
        ticket = make_ticket(raised_by="tg:700100200", channel="Telegram")
        self.assertEqual((ticket.contact, ticket.customer), (contact.name, customer.name))

    def test_unknown_sender_gets_a_new_contact_once(self):
        first = frappe.get_doc("Ticket", make_ticket(raised_by="newcomer@example.org").name)  # contact made by the intake job
        second = frappe.get_doc("Ticket", make_ticket(raised_by="newcomer@example.org").name)
        self.assertTrue(first.contact)
        self.assertEqual(first.contact, second.contact)
        self.assertEqual(frappe.db.get_value("Contact Email", {"parent": first.contact}, "email_id"), "newcomer@example.org")
        self.assertFalse(first.customer)

    def test_panel_shows_customer_latest_orders_and_earlier_tickets(self):
        earlier = make_ticket(raised_by="anna@romashka.example", subject="Old question")
        current = make_ticket(raised_by="anna@romashka.example")
        frappe.set_user(MANAGER)
        data = customer_panel(current.name)
        self.assertEqual((data["customer"]["title"], data["customer"]["customer_group"]), ("ООО Ромашка", "Retail"))
        self.assertEqual([c["name"] for c in data["customer"]["contacts"]], [self.contact.name])
        orders = data["orders"]["rows"]
        self.assertEqual(len(orders), 10)
        self.assertEqual(str(orders[0]["date"]), "2026-03-12")  # newest first
        self.assertEqual((orders[0]["amount"], orders[0]["delivered"], orders[0]["billed"]), (12000, 50, 100))
        self.assertIn(earlier.name, [t["name"] for t in data["tickets"]])
        self.assertNotIn(current.name, [t["name"] for t in data["tickets"]])
        self.assertIsNone(data["contact"])  # the customer card lists the contacts

    def test_earlier_tickets_are_those_created_before_this_one_newest_first(self):
        sender = f"history-{frappe.generate_hash(length=8)}@example.org"  # no other test's tickets
        first, second, current, later = (make_ticket(raised_by=sender, subject=f"Question {n}") for n in range(4))
        frappe.set_user(AGENT)
        shown = [t["name"] for t in customer_panel(current.name)["tickets"]]
        self.assertEqual(shown, [second.name, first.name])
        self.assertEqual([t["name"] for t in customer_panel(later.name)["tickets"]], [current.name, second.name, first.name])
        self.assertEqual(customer_panel(first.name)["tickets"], [])

    def test_without_a_customer_the_panel_shows_the_contact(self):
        contact = frappe.get_doc({"doctype": "Contact", "first_name": "Pavel", "last_name": "Orlov",
                                  "support_telegram_id": "tg:700100999"})
        contact.append("email_ids", {"email_id": f"pavel-{frappe.generate_hash(length=8)}@example.org", "is_primary": 1})
        contact.append("phone_nos", {"phone": "+7 912 000 1122", "is_primary_mobile_no": 1})
        contact.insert(ignore_permissions=True)
        ticket = make_ticket(raised_by=contact.email_id)
        self.assertEqual((ticket.contact, ticket.customer), (contact.name, None))
        frappe.set_user(AGENT)
        data = customer_panel(ticket.name)
        self.assertIsNone(data["customer"])
        self.assertEqual(data["contact"], {"name": contact.name, "full_name": "Pavel Orlov", "email_id": contact.email_id,
                                           "phone": "+7 912 000 1122", "telegram": "tg:700100999"})

    def test_panel_respects_permissions(self):
        ticket = make_ticket(raised_by="anna@romashka.example")
        frappe.set_user(AGENT)
        data = customer_panel(ticket.name)
        self.assertTrue(data["orders"]["restricted"])  # this site lets agents see customers, not orders
        self.assertEqual(data["orders"]["rows"], [])
        frappe.set_user("Guest")
        with self.assertRaises(frappe.PermissionError):
            customer_panel(ticket.name)
