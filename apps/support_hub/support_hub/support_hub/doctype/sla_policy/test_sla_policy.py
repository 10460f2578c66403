# Copyright (c) 2026, support_hub developers. License: MIT.

import frappe
from frappe.tests.utils import FrappeTestCase

from support_hub.sla.policies import enabled_policies

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")


def policy(**overrides):
    values = {
        "doctype": "SLA Policy",
        "policy_name": "Bad Input Policy",
        "time_zone": "Europe/Moscow",
        "targets": [{"priority": "", "first_response_minutes": 60, "resolution_minutes": 480}],
        "business_hours": [{"weekday": d, "start_time": "09:00:00", "end_time": "18:00:00"} for d in WEEKDAYS],
    }
    values.update(overrides)
    return frappe.get_doc(values)


class TestSLAPolicy(FrappeTestCase):
    def assert_refused(self, doc, *fragments):
        with self.assertRaises(frappe.ValidationError) as caught:
            doc.insert(ignore_permissions=True)
        for fragment in fragments:
            self.assertIn(fragment, str(caught.exception))
        self.assertFalse(frappe.db.exists("SLA Policy", doc.policy_name))

    def test_overlapping_hours_are_refused_naming_the_row(self):
        hours = [
            {"weekday": "Monday", "start_time": "09:00:00", "end_time": "13:00:00"},
            {"weekday": "Monday", "start_time": "12:00:00", "end_time": "18:00:00"},
        ]
        self.assert_refused(policy(business_hours=hours), "row 2", "overlaps")

    def test_inverted_hours_are_refused_naming_the_row(self):
        hours = [
            {"weekday": "Monday", "start_time": "09:00:00", "end_time": "18:00:00"},
            {"weekday": "Tuesday", "start_time": "18:00:00", "end_time": "09:00:00"},
        ]
        self.assert_refused(policy(business_hours=hours), "row 2", "before it starts")

    def test_no_business_hours_is_refused(self):
        self.assert_refused(policy(business_hours=[]), "no business hours")

    def test_zero_or_negative_targets_are_refused_naming_the_row(self):
        targets = [
            {"priority": "Urgent", "first_response_minutes": 15, "resolution_minutes": 60},
            {"priority": "", "first_response_minutes": 0, "resolution_minutes": 60},
        ]
        self.assert_refused(policy(targets=targets), "row 2", "more than zero")
        targets[1]["first_response_minutes"] = 10
        targets[1]["resolution_minutes"] = -5
        self.assert_refused(policy(targets=targets), "row 2")

    def test_unknown_time_zone_is_refused(self):
        self.assert_refused(policy(time_zone="Mars/Olympus"), "Unknown time zone")

    def test_new_policy_pauses_on_waiting_and_postponed_by_default(self):
        doc = policy(policy_name="Pausing Policy").insert(ignore_permissions=True)
        self.assertEqual(sorted(p.status for p in doc.pause_statuses), ["Postponed", "Waiting for Customer"])
        loaded = enabled_policies()["Pausing Policy"]
        self.assertEqual(loaded.pause_statuses, frozenset({"Postponed", "Waiting for Customer"}))

    def test_saved_policy_is_seen_by_the_engine_after_a_change(self):
        doc = policy(policy_name="Changing Policy").insert(ignore_permissions=True)
        self.assertEqual(enabled_policies()["Changing Policy"].target_for(None).first_response_minutes, 60)
        doc.targets[0].first_response_minutes = 90
        doc.save()
        self.assertEqual(enabled_policies()["Changing Policy"].target_for(None).first_response_minutes, 90)
        doc.enabled = 0
        doc.save()
        self.assertNotIn("Changing Policy", enabled_policies())

    def test_only_one_default_policy(self):
        # the install made "Default" the default policy
        self.assertTrue(frappe.db.exists("SLA Policy", {"is_default": 1, "enabled": 1}))
        self.assert_refused(policy(policy_name="Second Default", is_default=1), "already the default")
