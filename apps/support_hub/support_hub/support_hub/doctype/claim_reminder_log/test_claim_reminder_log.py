# Copyright (c) 2026, support_hub developers. License: MIT.

import frappe
from frappe.tests.utils import FrappeTestCase
from frappe.utils import get_datetime

from support_hub.claims import reminders
from support_hub.claims.testing import OFFICER, make_claim, set_claim_settings, setup_claims_world
from support_hub.testing import msk


def notifications(claim) -> list[str]:
    """The reminders (the assignment itself also notifies the officer, once)."""
    return frappe.get_all(
        "Notification Log",
        filters={
            "document_type": "Claim",
            "document_name": claim.name,
            "for_user": OFFICER,
            "subject": ["like", "%is due by%"],
        },
        pluck="subject",
    )


class TestClaimReminders(FrappeTestCase):
    """A claim created Monday 10:00 (Moscow) is due Thursday 18:00; reminders at Wednesday 18:00 (24 h
    before) and Thursday 16:00 (2 h before)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        setup_claims_world()

    def claim(self, **values):
        with self.freeze_time(msk(2026, 3, 2, 10, 0)):
            claim = make_claim(responsible=OFFICER, **values)
        self.assertEqual(get_datetime(claim.deadline), msk(2026, 3, 5, 18, 0))
        return claim

    def run_job(self, *moment):
        return reminders.send_due(now=msk(*moment), commit=False)

    def test_each_moment_is_sent_once_even_when_the_job_runs_twice(self):
        claim = self.claim()
        self.assertNotIn(claim.name, self.run_job(2026, 3, 4, 17, 50))
        self.assertEqual(notifications(claim), [])

        self.assertIn(claim.name, self.run_job(2026, 3, 4, 18, 5))
        self.assertNotIn(claim.name, self.run_job(2026, 3, 4, 18, 20))
        self.assertEqual(len(notifications(claim)), 1)
        self.assertIn(claim.name, notifications(claim)[0])

        self.assertIn(claim.name, self.run_job(2026, 3, 5, 16, 5))
        self.assertNotIn(claim.name, self.run_job(2026, 3, 5, 16, 5))
        self.assertNotIn(claim.name, self.run_job(2026, 3, 5, 17, 30))
        self.assertEqual(len(notifications(claim)), 2)
        self.assertEqual(frappe.db.count("Claim Reminder Log", {"claim": claim.name}), 2)

        self.assertNotIn(claim.name, self.run_job(2026, 3, 5, 18, 30))  # past the deadline: the overdue list's job
        self.assertEqual(len(notifications(claim)), 2)

    def test_postponed_claim_is_reminded_only_after_postponed_until(self):
        claim = self.claim(postponed_until=msk(2026, 3, 5, 17, 0))
        self.assertNotIn(claim.name, self.run_job(2026, 3, 4, 18, 5))
        self.assertNotIn(claim.name, self.run_job(2026, 3, 5, 16, 5))
        self.assertEqual(notifications(claim), [])
        # back from postponement with two moments missed: one reminder, the latest
        self.assertIn(claim.name, self.run_job(2026, 3, 5, 17, 5))
        self.assertNotIn(claim.name, self.run_job(2026, 3, 5, 17, 20))
        self.assertEqual(len(notifications(claim)), 1)

    def test_decided_claims_get_no_reminders(self):
        claim = self.claim()
        doc = frappe.get_doc("Claim", claim.name)
        doc.status = "Rejected"
        doc.save()
        self.assertNotIn(claim.name, self.run_job(2026, 3, 5, 16, 5))
        self.assertEqual(notifications(claim), [])

    def test_reminder_hours_come_from_claim_settings(self):
        try:
            set_claim_settings(reminder_hours="4")
            claim = self.claim()
            self.assertNotIn(claim.name, self.run_job(2026, 3, 4, 18, 5))
            self.assertIn(claim.name, self.run_job(2026, 3, 5, 14, 5))
            self.assertEqual(len(notifications(claim)), 1)
        finally:
            set_claim_settings(reminder_hours="24, 2")
