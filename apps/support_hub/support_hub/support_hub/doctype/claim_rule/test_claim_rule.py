# Copyright (c) 2026, support_hub developers. License: MIT.

import frappe
from frappe.tests.utils import FrappeTestCase

from support_hub.claims.assignment import enabled_rules
from support_hub.claims.testing import OFFICER, setup_claims_world
from support_hub.testing import ensure_user


def rule(**values):
    values.setdefault("rule_name", "Test claim rule")
    values.setdefault("assign_to", OFFICER)
    return frappe.get_doc({"doctype": "Claim Rule", **values})


class TestClaimRule(FrappeTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        setup_claims_world()

    def tearDown(self):
        frappe.db.delete("Claim Rule")

    def test_minimum_above_maximum_is_refused(self):
        with self.assertRaises(frappe.ValidationError) as caught:
            rule(min_amount=5000, max_amount=1000).insert()
        self.assertIn("Minimum Amount", str(caught.exception))
        self.assertIn("Maximum Amount", str(caught.exception))

    def test_negative_limit_is_refused(self):
        with self.assertRaises(frappe.ValidationError) as caught:
            rule(min_amount=-1).insert()
        self.assertIn("Minimum Amount cannot be negative", str(caught.exception))

    def test_a_sensible_rule_is_saved_and_loaded_for_the_engine(self):
        rule(category="Damaged", min_amount=100, max_amount=1000, sequence=5).insert()
        rule(rule_name="Disabled", enabled=0).insert()
        loaded = enabled_rules()
        self.assertEqual([r.name for r in loaded], ["Test claim rule"])
        self.assertEqual(
            (loaded[0].category, loaded[0].min_amount, loaded[0].max_amount, loaded[0].order), ("Damaged", 100, 1000, 5)
        )

    def test_rules_of_disabled_users_are_skipped(self):
        ensure_user("sh-test-claims-gone@example.com", "Claims Officer")
        frappe.db.set_value("User", "sh-test-claims-gone@example.com", "enabled", 0)
        rule(assign_to="sh-test-claims-gone@example.com").insert()
        self.assertEqual(enabled_rules(), [])
