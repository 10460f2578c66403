# Copyright (c) 2026, support_hub developers. License: MIT.

from datetime import datetime

import frappe
from frappe.tests.utils import FrappeTestCase

from support_hub.reports.testing import AGENT, run_report, setup_report_world, shaped_ticket, tag

DARK, XLSX = "wish: shr dark mode", "wish: shr xlsx export"
RANGE = {"from_date": "2025-01-06", "to_date": "2025-01-19", "team": "SHR Alpha", "tags": [DARK, XLSX]}


def customer_ticket(email, team="SHR Alpha"):
    return shaped_ticket(team=team, raised_by=email, customer=None, customer_type=None, contact=None,
                         opened_on=datetime(2025, 1, 6, 9))


class TestTagTrendsReport(FrappeTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        setup_report_world()
        k1 = customer_ticket("anna@customer-one.example")
        k2 = customer_ticket("boris@customer-two.example")
        k3 = customer_ticket("anna@customer-one.example")  # the same customer asks again
        k4 = customer_ticket("vera@customer-three.example")
        k5 = customer_ticket("gleb@customer-four.example", team="SHR Beta")
        tag(k1, DARK, datetime(2025, 1, 6, 10))
        tag(k1, "shr bug", datetime(2025, 1, 6, 10))
        tag(k2, DARK, datetime(2025, 1, 7, 10))
        tag(k2, DARK, datetime(2025, 1, 8, 10))  # tagged twice: once per week still
        tag(k2, XLSX, datetime(2025, 1, 14, 10))
        tag(k3, DARK, datetime(2025, 1, 15, 10))
        tag(k4, XLSX, datetime(2025, 1, 20, 10))  # after the range
        tag(k5, DARK, datetime(2025, 1, 9, 10))  # another team

    def tearDown(self):
        frappe.set_user("Administrator")

    def table(self, result):
        labels = {c["fieldname"]: c["label"] for c in result["columns"]}
        return [
            (str(row["period"]), {labels[k]: v for k, v in row.items() if k != "period"}) for row in result["result"]
        ]

    def test_tickets_per_tag_per_week(self):
        result = run_report("Tag Trends", RANGE)
        self.assertEqual(self.table(result), [("2025-01-06", {DARK: 2, XLSX: 0}), ("2025-01-13", {DARK: 1, XLSX: 1})])
        self.assertEqual({d["name"]: d["values"] for d in result["chart"]["data"]["datasets"]},
                         {DARK: [2, 1], XLSX: [0, 1]})

    def test_per_day_and_without_team_filter(self):
        days = run_report("Tag Trends", {**RANGE, "to_date": "2025-01-09", "period": "Day", "team": None})
        self.assertEqual(self.table(days), [
            ("2025-01-06", {DARK: 1, XLSX: 0}),
            ("2025-01-07", {DARK: 1, XLSX: 0}),
            ("2025-01-08", {DARK: 1, XLSX: 0}),
            ("2025-01-09", {DARK: 1, XLSX: 0}),
        ])

    def test_per_tag_counts_customers(self):
        result = run_report("Tag Trends", {**RANGE, "view": "Per Tag"})
        rows = [(r["tag"], r["customers"], r["tickets"], str(r["first_added"]), str(r["last_added"]))
                for r in result["result"]]
        self.assertEqual(rows, [
            (DARK, 2, 3, "2025-01-06 10:00:00", "2025-01-15 10:00:00"),
            (XLSX, 1, 1, "2025-01-14 10:00:00", "2025-01-14 10:00:00"),
        ])

    def test_default_set_is_the_wish_tags(self):
        result = run_report("Tag Trends", {**RANGE, "tags": None}, user=AGENT)  # agents may run it
        labels = [c["label"] for c in result["columns"][1:]]
        self.assertIn(DARK, labels)
        self.assertIn(XLSX, labels)
        self.assertNotIn("shr bug", labels)
        self.assertTrue(all(label.lower().startswith("wish") for label in labels))
        other = run_report("Tag Trends", {**RANGE, "tags": None, "tag_prefix": "shr b"})
        self.assertEqual([(str(r["period"]), r["tag_0"]) for r in other["result"]], [("2025-01-06", 1), ("2025-01-13", 0)])

    def test_a_prefix_nobody_used_opens_on_the_most_used_tags(self):
        # A site that does not tag wishes "wish…" still sees its tags: the most used in the range.
        result = run_report("Tag Trends", {**RANGE, "tags": None, "tag_prefix": "nobody-uses-this-"})
        labels = [c["label"] for c in result["columns"][1:]]
        self.assertIn(DARK, labels)
        self.assertTrue(any(row.get("tag_0") for row in result["result"]), result["result"])

