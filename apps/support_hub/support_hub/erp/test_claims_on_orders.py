"""In-process ERP tests (imported by erp/test_erp.py): claims on an order's lines, their outcome as draft
ERPNext documents, and what the support roles may do with the ERP's records. On a real ERPNext v15
site, with a grocery story made through ERPNext's own APIs (support_hub.erp.grocery)."""

from __future__ import annotations

import uuid

import frappe
from frappe.utils import flt, fmt_money

from support_hub.claims.testing import OFFICER, setup_claims_world
from support_hub.erp.testing import ERPTestCase, shared_story
from support_hub.testing import AGENT, MANAGER, make_ticket


def _line(order: str, item_code: str) -> str:
    return frappe.db.get_value("Sales Order Item", {"parent": order, "item_code": item_code}, "name")


class TestClaimsOnOrderLines(ERPTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        frappe.set_user("Administrator")
        setup_claims_world()
        cls.story = shared_story()
        cls.ticket = make_ticket(subject="Молоко не привезли", customer_type="Customer", customer=cls.story.customer)

    def tearDown(self):
        frappe.set_user("Administrator")

    def claim(self, order_role: str, lines, user=OFFICER, **values):
        frappe.set_user(user)
        order = self.story.orders[order_role]
        doc = frappe.get_doc({
            "doctype": "Claim",
            "ticket": self.ticket.name,
            "customer_type": "Customer",
            "customer": self.story.customer,
            "order_link": order,
            "items": [
                {"order_item": _line(order, code), "item": code, "quantity": qty, "category": category, **extra}
                for code, qty, category, *rest in lines
                for extra in [rest[0] if rest else {}]
            ],
            **values,
        })
        return doc.insert()

    def decide(self, claim, resolution: str, amount: float = 0, user=OFFICER):
        frappe.set_user(user)
        doc = frappe.get_doc("Claim", claim.name)
        doc.status = "In Review"
        doc.save()
        doc.update({"status": "Approved", "resolution": resolution, "amount_approved": amount})
        doc.save()
        return frappe.get_doc("Claim", claim.name)

    # --- lines and amounts ---------------------------------------------------------------------
    def test_a_claim_is_priced_from_the_order_not_from_what_the_client_sent(self):
        claim = self.claim("short", [("GROC-MILK", 1, "Missing", {"rate": 1000, "amount": 1000})],
                           user=AGENT, amount_claimed=99999)
        self.assertEqual(claim.order_doctype, "Sales Order")
        row = claim.items[0]
        self.assertEqual((row.item, flt(row.rate), flt(row.amount), row.category), ("GROC-MILK", 95, 95, "Missing"))
        self.assertEqual(flt(claim.amount_claimed), 95)
        self.assertEqual(claim.category, "Missing Item")

    def test_quantities_already_returned_or_claimed_are_refused_and_nothing_is_written(self):
        # The "returned" order: 2 milk, 1 of them returned with a credit note.
        before = frappe.db.count("Claim")
        with self.assertRaises(frappe.ValidationError) as caught:
            self.claim("returned", [("GROC-MILK", 2, "Damaged")])
        self.assertIn("returned already: 1", str(caught.exception))
        self.assertEqual(frappe.db.count("Claim"), before)
        first = self.claim("returned", [("GROC-BREAD", 1, "Damaged")])
        with self.assertRaises(frappe.ValidationError) as caught:
            self.claim("returned", [("GROC-BREAD", 1, "Expired")])
        self.assertIn("in other claims: 1", str(caught.exception))
        self.assertTrue(first.name)

    def test_a_line_from_another_order_or_without_category_is_refused(self):
        other_line = _line(self.story.other_order, "GROC-BREAD")
        frappe.set_user(OFFICER)
        doc = frappe.get_doc({"doctype": "Claim", "order_link": self.story.orders["unpaid"],
                              "items": [{"order_item": other_line, "item": "x", "quantity": 1, "category": "Missing"}]})
        with self.assertRaises(frappe.ValidationError) as caught:
            doc.insert()
        self.assertIn("not on the order", str(caught.exception))
        with self.assertRaises(frappe.ValidationError):
            self.claim("unpaid", [("GROC-BREAD", 1, "")])

    # --- the outcome in the books --------------------------------------------------------------
    def test_a_refund_makes_a_draft_credit_note_and_payment_linked_back_and_on_the_ticket(self):
        claim = self.claim("short", [("GROC-EGGS", 1, "Damaged")])
        decided = self.decide(claim, "Refund", 119)
        self.assertTrue(decided.credit_note and decided.refund_entry, decided.as_dict())
        note = frappe.get_doc("Sales Invoice", decided.credit_note)
        self.assertEqual((note.docstatus, note.is_return, note.return_against),
                         (0, 1, self.story.invoices["short"]))
        self.assertEqual([(r.item_code, flt(r.qty)) for r in note.items], [("GROC-EGGS", -1)])
        self.assertEqual(flt(note.grand_total), -119)
        entry = frappe.get_doc("Payment Entry", decided.refund_entry)
        self.assertEqual((entry.docstatus, entry.payment_type, entry.party_type, entry.party, flt(entry.paid_amount)),
                         (0, "Pay", "Customer", self.story.customer, 119))
        timeline = frappe.get_all("Comment", filters={"reference_doctype": "Ticket", "reference_name": self.ticket.name,
                                                     "content": ["like", f"%{claim.name}%drafts for the accountants%"]},
                                  pluck="content")
        self.assertEqual(len(timeline), 1, timeline)
        self.assertIn(note.name, timeline[0])
        self.assertIn(entry.name, timeline[0])
        # The drafts stay drafts for the accountants: a Claims Officer cannot post them.
        frappe.set_user(OFFICER)
        with self.assertRaises(frappe.PermissionError):
            frappe.get_doc("Sales Invoice", note.name).submit()
        with self.assertRaises(frappe.PermissionError):
            frappe.get_doc("Payment Entry", entry.name).submit()

    def test_refunding_more_than_was_paid_is_refused_and_nothing_is_written(self):
        # The "returned" order: paid in full (418.80), 95.00 of it refunded with the return: 323.80 left.
        # A claim on the whole order (the courier was late) names 400.00, and it is approved in full.
        order = self.story.orders["returned"]
        frappe.set_user(OFFICER)
        claim = frappe.get_doc({"doctype": "Claim", "ticket": self.ticket.name, "order_link": order,
                                "amount_claimed": 400}).insert()
        entries_before = frappe.db.count("Payment Entry")
        with self.assertRaises(frappe.ValidationError) as caught:
            self.decide(claim, "Compensation", 400)
        message = str(caught.exception)
        self.assertIn("more than the customer paid for order " + order, message)
        paid = flt(frappe.db.get_value("Sales Invoice", self.story.invoices["returned"], "rounded_total")) or flt(
            frappe.db.get_value("Sales Invoice", self.story.invoices["returned"], "grand_total"))
        refunded = flt(frappe.db.get_value("Payment Entry", self.story.refund, "paid_amount"))
        self.assertIn(f"at most {fmt_money(paid - refunded)} can be refunded", message)
        # Refused in validate, before anything was written.
        status, resolution = frappe.db.get_value("Claim", claim.name, ["status", "resolution"])
        self.assertEqual((status, resolution or None), ("In Review", None))
        self.assertEqual(frappe.db.count("Payment Entry"), entries_before)

    def test_an_unpaid_order_cannot_be_refunded(self):
        claim = self.claim("unpaid", [("GROC-BREAD", 1, "Damaged")])
        with self.assertRaises(frappe.ValidationError) as caught:
            self.decide(claim, "Refund", 62)
        self.assertIn("paid 0", str(caught.exception).replace("₽", "").replace(" 0.00", " 0"))

    def test_a_replacement_makes_a_free_draft_order_of_the_claimed_lines(self):
        claim = self.claim("short", [("GROC-CHEESE", 1, "Wrong Item")])
        decided = self.decide(claim, "Replacement")
        order = frappe.get_doc("Sales Order", decided.replacement_order)
        self.assertEqual(order.docstatus, 0)
        self.assertEqual(order.customer, self.story.customer)
        self.assertEqual([(r.item_code, flt(r.qty)) for r in order.items], [("GROC-CHEESE", 1)])
        self.assertEqual(flt(order.grand_total), 0)

    def test_a_manager_without_create_rights_gets_a_note_not_an_error(self):
        claim = self.claim("short", [("GROC-MILK", 1, "Late")])
        decided = self.decide(claim, "Replacement", user=MANAGER)
        self.assertFalse(decided.replacement_order)
        notes = frappe.get_all("Comment", filters={"reference_doctype": "Claim", "reference_name": claim.name,
                                                  "content": ["like", "%Claims Officer%"]})
        self.assertTrue(notes)
        from support_hub.claims.erp_documents import create_documents

        frappe.set_user(OFFICER)
        made = create_documents(claim.name)
        self.assertTrue(made["replacement_order"])

    def test_document_links_cannot_be_set_by_hand(self):
        claim = self.claim("short", [("GROC-MILK", 1, "Missing")])
        frappe.set_user(OFFICER)
        doc = frappe.get_doc("Claim", claim.name)
        doc.credit_note = self.story.credit_note
        with self.assertRaises(frappe.PermissionError):
            doc.save()


class TestSupportRolesOnERPRecords(ERPTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        frappe.set_user("Administrator")
        setup_claims_world()

    def tearDown(self):
        frappe.set_user("Administrator")

    def test_the_app_grants_read_without_export_or_print(self):
        from support_hub.setup.grants import ERP_READS, SUPPORT_ROLES

        rules = frappe.get_all("Custom DocPerm", filters={"role": ["in", SUPPORT_ROLES], "permlevel": 0},
                               fields=["parent", "role", "read", "export", "print", "write", "submit", "create"])
        by_key = {(r.parent, r.role): r for r in rules}
        for doctype in ERP_READS:
            for role in SUPPORT_ROLES:
                rule = by_key[(doctype, role)]
                self.assertEqual((rule.read, rule.export, rule.print, rule.write, rule.submit), (1, 0, 0, 0, 0),
                                 (doctype, role))
                creates = role == "Claims Officer" and doctype in ("Sales Invoice", "Payment Entry", "Sales Order")
                self.assertEqual(rule.create, int(creates), (doctype, role))
        # The app's other grant (the Email Account the desk's composer reads) is made the same way.
        granted = (*ERP_READS, "Email Account")
        self.assertFalse([r for r in rules if r.parent in granted and (r.export or r.print)],
                         "a support grant with export or print")

    def someone_elses_contact(self):
        return frappe.get_doc({"doctype": "Contact", "first_name": "Пётр", "last_name": uuid.uuid4().hex[:6]}).insert(
            ignore_permissions=True)

    def test_agents_read_the_records_but_not_prices_stock_or_writes(self):
        contact = self.someone_elses_contact()
        self.someone_elses_contact = lambda: contact
        frappe.set_user(AGENT)
        for doctype in ("Customer", "Contact", "Sales Order", "Delivery Note", "Sales Invoice", "Payment Entry"):
            self.assertTrue(frappe.has_permission(doctype, "read"), doctype)
            for ptype in ("write", "create", "export", "print", "submit", "delete"):
                if doctype == "Contact" and ptype in ("write", "create", "delete"):
                    continue  # Frappe's own rule for everyone: a contact one made oneself (if_owner)
                self.assertFalse(frappe.has_permission(doctype, ptype), (doctype, ptype))
        for ptype in ("write", "delete"):
            self.assertFalse(frappe.has_permission("Contact", ptype, doc=self.someone_elses_contact()), ptype)
        for doctype in ("Item Price", "Bin", "Price List"):
            self.assertFalse(frappe.has_permission(doctype, "read"), doctype)

    def test_the_guarded_methods_are_the_hooked_ones(self):
        from support_hub.setup import erp_guard

        hooked = {m: h[-1] for m, h in frappe.get_hooks("override_whitelisted_methods").items()
                  if h[-1].startswith("support_hub.")}
        self.assertEqual(hooked, erp_guard.OVERRIDES)
        for original in erp_guard.OVERRIDES:
            self.assertIn(frappe.get_attr(original), frappe.whitelisted, original)

    def test_the_price_guard_refuses_support_staff_and_passes_everyone_else(self):
        from support_hub.setup import erp_guard

        from support_hub.erp.grocery import ensure_catalog

        ensure_catalog()
        for user in (AGENT, OFFICER, MANAGER):
            frappe.set_user(user)
            with self.assertRaises(frappe.PermissionError):
                erp_guard.get_stock_balance(item_code="GROC-MILK", warehouse=None)
        frappe.set_user("Administrator")
        self.assertEqual(flt(erp_guard.item_record_details(item_code="GROC-MILK")["item_code"] == "GROC-MILK"), 1)

    def test_an_agent_changes_a_contacts_phone_and_email_and_nothing_else(self):
        from support_hub.crm.contact_details import update_contact

        contact = frappe.get_doc({"doctype": "Contact", "first_name": "Ольга", "last_name": uuid.uuid4().hex[:6],
                                  "email_ids": [{"email_id": f"old-{uuid.uuid4().hex[:6]}@grocery.example", "is_primary": 1}],
                                  "phone_nos": [{"phone": "+7 916 000-00-01", "is_primary_mobile_no": 1}]}).insert()
        frappe.set_user(AGENT)
        new_email = f"new-{uuid.uuid4().hex[:6]}@grocery.example"
        update_contact(contact.name, email_id=new_email, phone="+7 916 000-00-02")
        stored = frappe.get_doc("Contact", contact.name)
        self.assertEqual((stored.email_id, stored.mobile_no), (new_email, "+7 916 000-00-02"))
        self.assertEqual([r.email_id for r in stored.email_ids], [new_email])
        with self.assertRaises(frappe.ValidationError):
            update_contact(contact.name, email_id="not an address")
        stored.first_name = "Changed"
        with self.assertRaises(frappe.PermissionError):
            stored.save()

    def test_the_demo_takes_system_manager_back_from_support_staff(self):
        # A demo site made when the manager came first had Frappe promote her; the demo's set-up undoes it.
        from support_hub import demo

        email = demo.MANAGER[0]
        demo._user(*demo.SITE_ADMIN)
        demo._user(*demo.MANAGER)
        frappe.get_doc("User", email).add_roles("System Manager")
        self.assertIn("System Manager", frappe.get_roles(email))
        demo._demote_support_staff()
        self.assertNotIn("System Manager", frappe.get_roles(email))
        self.assertIn("Support Manager", frappe.get_roles(email))
        self.assertIn("System Manager", frappe.get_roles(demo.SITE_ADMIN[0]))
