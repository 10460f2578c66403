# Copyright (c) 2026, support_hub developers. License: MIT.

import frappe
from frappe.tests.utils import FrappeTestCase

from support_hub.claims.testing import make_claim, set_status, setup_claims_world
from support_hub.support_hub.report.claims_summary.claims_summary import execute
from support_hub.testing import msk

DENTS, STAINS = "Test Report Dents", "Test Report Stains"


class TestClaimsSummary(FrappeTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        setup_claims_world()
        for name in (DENTS, STAINS):
            if not frappe.db.exists("Claim Category", name):
                frappe.get_doc({"doctype": "Claim Category", "category_name": name}).insert()

    def claim_on(self, moment, category, claimed):
        with self.freeze_time(msk(*moment)):
            return make_claim(category=category, amount_claimed=claimed)

    def decide(self, claim, moment, status, **values):
        with self.freeze_time(msk(*moment)):
            if status != "Rejected":
                set_status(claim, "In Review")
            return set_status(claim, status, **values)

    def test_counts_amounts_and_on_time_share_by_category_and_month(self):
        # January 2025, Monday the 13th: due Thursday the 16th, 18:00 Moscow time
        on_time = self.claim_on((2025, 1, 13, 10, 0), DENTS, 1000)
        self.decide(on_time, (2025, 1, 15, 12, 0), "Approved", resolution="Refund", amount_approved=800)
        late = self.claim_on((2025, 1, 13, 11, 0), DENTS, 500)
        self.decide(late, (2025, 1, 17, 9, 0), "Rejected")
        self.claim_on((2025, 1, 14, 10, 0), STAINS, 200)  # still open
        # February 2025
        february = self.claim_on((2025, 2, 3, 10, 0), DENTS, 300)
        self.decide(february, (2025, 2, 6, 17, 59), "Approved", resolution="Compensation", amount_approved=300)

        columns, data, _message, chart, summary = execute({"from_date": "2025-01-01", "to_date": "2025-02-28"})
        rows = {(r["month"], r["category"]): r for r in data if r["category"] in (DENTS, STAINS)}
        self.assertEqual(set(rows), {("2025-01", DENTS), ("2025-01", STAINS), ("2025-02", DENTS)})

        jan = rows[("2025-01", DENTS)]
        self.assertEqual((jan["claims"], jan["amount_claimed"], jan["amount_approved"]), (2, 1500, 800))
        self.assertEqual((jan["decided"], jan["on_time"], jan["on_time_share"]), (2, 1, 50.0))
        stains = rows[("2025-01", STAINS)]
        self.assertEqual((stains["claims"], stains["amount_claimed"], stains["decided"]), (1, 200, 0))
        self.assertIsNone(stains["on_time_share"])
        feb = rows[("2025-02", DENTS)]
        self.assertEqual((feb["claims"], feb["amount_approved"], feb["on_time_share"]), (1, 300, 100.0))

        self.assertIn("on_time_share", [c["fieldname"] for c in columns])
        self.assertEqual(chart["data"]["labels"][:2], ["2025-01", "2025-02"])
        dents = next(d for d in chart["data"]["datasets"] if d["name"] == DENTS)
        self.assertEqual(dents["values"], [2, 1])
        self.assertTrue(summary)

        only_stains = execute({"from_date": "2025-01-01", "to_date": "2025-02-28", "category": STAINS})[1]
        self.assertEqual([(r["month"], r["claims"]) for r in only_stains], [("2025-01", 1)])
