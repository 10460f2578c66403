# Copyright (c) 2026, support_hub developers. License: MIT.

import frappe
from frappe.tests.utils import FrappeTestCase

from support_hub.claims import ensure_claim_categories
from support_hub.claims.setup import DEFAULT_CATEGORIES


class TestClaimCategory(FrappeTestCase):
    def test_seeding_creates_the_six_categories_once_and_keeps_edits(self):
        ensure_claim_categories()
        for name in DEFAULT_CATEGORIES:
            self.assertTrue(frappe.db.exists("Claim Category", name), name)
        frappe.db.set_value("Claim Category", "Other", "enabled", 0)
        frappe.delete_doc("Claim Category", "Quality", force=True)
        self.assertEqual(ensure_claim_categories(), ["Quality"])
        self.assertEqual(ensure_claim_categories(), [])
        self.assertEqual(frappe.db.get_value("Claim Category", "Other", "enabled"), 0)

    def test_the_list_is_editable(self):
        frappe.get_doc({"doctype": "Claim Category", "category_name": "Wrong Colour"}).insert()
        self.assertTrue(frappe.db.get_value("Claim Category", "Wrong Colour", "enabled"))
