# Copyright (c) 2026, support_hub developers. License: MIT.

import frappe
from frappe.tests.utils import FrappeTestCase

from support_hub.claims import settings


class TestClaimSettings(FrappeTestCase):
    def test_reminder_hours_are_parsed_and_bad_values_refused(self):
        self.assertEqual(settings.parse_lead_hours("24, 2"), (24.0, 2.0))
        self.assertEqual(settings.parse_lead_hours("2; 48; 2"), (48.0, 2.0))
        self.assertEqual(settings.parse_lead_hours(""), settings.DEFAULT_LEAD_HOURS)
        doc = frappe.get_single("Claim Settings")
        doc.reminder_hours = "tomorrow"
        with self.assertRaises(frappe.ValidationError):
            doc.save()

    def test_working_days_must_be_positive(self):
        doc = frappe.get_single("Claim Settings")
        doc.working_days = 0
        doc.reminder_hours = "24, 2"
        with self.assertRaises(frappe.ValidationError):
            doc.save()
