# Copyright (c) 2026, support_hub developers. License: MIT.
"""Claims follow-through on a real site: an overdue claim escalates to the claims lead once (notification and
e-mail), and the customer is told each decision once on the ticket's channel."""

import frappe
from frappe.tests.utils import FrappeTestCase
from frappe.utils import get_datetime

from support_hub.claims import escalation
from support_hub.claims.testing import OFFICER, make_claim, set_claim_settings, set_status, setup_claims_world
from support_hub.testing import ensure_user, make_ticket, msk

LEAD = "sh-test-claims-lead@example.com"


def lead_notifications(claim) -> list[frappe._dict]:
    return frappe.get_all("Notification Log", filters={"document_type": "Claim", "document_name": claim,
                                                       "for_user": LEAD}, fields=["subject", "type"])


def mails_about(claim: str, address: str) -> list[str]:
    rows = frappe.get_all("Email Queue", filters={"reference_doctype": "Claim", "reference_name": claim},
                          fields=["name", "message"])
    return [r.message for r in rows
            if address in frappe.get_all("Email Queue Recipient", filters={"parent": r.name}, pluck="recipient")]


def told(ticket: str) -> list[str]:
    return frappe.get_all("Communication", filters={"reference_doctype": "Ticket", "reference_name": ticket,
                                                    "communication_type": "Automated Message",
                                                    "content": ["like", "%Your claim%"]}, pluck="content")


class TestOverdueEscalation(FrappeTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        setup_claims_world()
        ensure_user(LEAD, "Claims Officer")
        set_claim_settings(claims_lead=LEAD)

    def claim(self, **values):
        with self.freeze_time(msk(2026, 3, 2, 10, 0)):
            claim = make_claim(responsible=OFFICER, **values)
        self.assertEqual(get_datetime(claim.deadline), msk(2026, 3, 5, 18, 0))  # Thursday 18:00
        return claim

    def run_job(self, *moment):
        return escalation.escalate_overdue(now=msk(*moment), commit=False)

    def test_an_overdue_claim_reaches_the_lead_once_by_notification_and_email(self):
        claim = self.claim()
        self.assertNotIn(claim.name, self.run_job(2026, 3, 5, 17, 59))
        self.assertIsNone(frappe.db.get_value("Claim", claim.name, "escalated_on"))
        self.assertIn(claim.name, self.run_job(2026, 3, 5, 18, 5))
        for later in ((2026, 3, 5, 18, 20), (2026, 3, 9, 10, 0)):
            self.assertNotIn(claim.name, self.run_job(*later))
        notes = lead_notifications(claim.name)
        self.assertEqual(len(notes), 1, notes)
        self.assertEqual(notes[0].type, "Alert")
        self.assertIn("overdue", notes[0].subject)
        self.assertEqual(len(mails_about(claim.name, LEAD)), 1)
        self.assertEqual(get_datetime(frappe.db.get_value("Claim", claim.name, "escalated_on")), msk(2026, 3, 5, 18, 5))
        self.assertEqual(frappe.db.count("Claim Reminder Log", {"claim": claim.name, "dedupe_key": f"{claim.name}|overdue"}), 1)
        # a second escalation even after the mark was lost (a race) is refused by the log's key
        frappe.db.set_value("Claim", claim.name, "escalated_on", None)
        self.assertNotIn(claim.name, self.run_job(2026, 3, 5, 18, 30))
        self.assertEqual(len(lead_notifications(claim.name)), 1)

    def test_decided_and_postponed_claims_are_not_escalated(self):
        decided = self.claim()
        set_status(decided, "Rejected")
        postponed = self.claim(postponed_until=msk(2026, 3, 6, 12, 0))
        sent = self.run_job(2026, 3, 5, 18, 5)
        self.assertNotIn(decided.name, sent)
        self.assertNotIn(postponed.name, sent)
        self.assertIn(postponed.name, self.run_job(2026, 3, 6, 12, 5))  # back from postponement, still undecided

    def test_without_a_claims_lead_nothing_is_escalated_or_marked(self):
        claim = self.claim()
        set_claim_settings(claims_lead=None)
        try:
            self.assertEqual(self.run_job(2026, 3, 5, 18, 5), [])
            self.assertIsNone(frappe.db.get_value("Claim", claim.name, "escalated_on"))
        finally:
            set_claim_settings(claims_lead=LEAD)
        self.assertIn(claim.name, self.run_job(2026, 3, 5, 18, 10))  # a lead named later catches up


class TestCustomerToldTheOutcome(FrappeTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        setup_claims_world()

    def test_an_email_ticket_gets_each_decision_once_by_email(self):
        address = f"claim-{frappe.generate_hash(length=8)}@example.com"
        ticket = make_ticket(raised_by=address, subject="Сломанный стул")
        claim = make_claim(ticket=ticket.name)
        set_status(claim, "In Review")
        self.assertEqual(told(ticket.name), [])
        set_status(claim, "Approved", resolution="Compensation", amount_approved=800)
        set_status(claim, "Approved", amount_approved=700)  # saved again: nothing new to tell
        messages = told(ticket.name)
        self.assertEqual(len(messages), 1, messages)
        self.assertIn(f"Your claim {claim.name} has been approved: we will pay you compensation", messages[0])
        set_status(claim, "Compensated")
        set_status(claim, "Closed")
        messages = told(ticket.name)
        self.assertEqual(len(messages), 2, messages)
        self.assertTrue(any("has been paid" in m for m in messages))
        recipients = frappe.get_all("Communication", filters={"reference_name": ticket.name,
                                                              "content": ["like", "%Your claim%"]}, pluck="recipients")
        self.assertEqual(set(recipients), {address})
        self.assertEqual(frappe.db.count("Support Automation Log", {"ticket": ticket.name, "action": "claim outcome"}), 2)

    def test_a_telegram_ticket_is_told_in_telegram(self):
        ticket = make_ticket(channel="Telegram", telegram_chat_id="70099", raised_by="tg:70099")
        claim = make_claim(ticket=ticket.name)
        set_status(claim, "Rejected")
        rows = frappe.get_all("Telegram Outbox", filters={"reference_name": ticket.name, "purpose": "Customer Message"},
                              fields=["chat_id", "text"])
        self.assertEqual(len(rows), 1, rows)
        self.assertEqual(rows[0].chat_id, "70099")
        self.assertIn("rejected", rows[0].text)

    def test_a_phone_ticket_is_told_at_its_contacts_address_and_one_without_an_address_is_not(self):
        address = f"claim-{frappe.generate_hash(length=8)}@example.com"
        contact = frappe.get_doc({"doctype": "Contact", "first_name": "Phone claimant",
                                  "email_ids": [{"email_id": address, "is_primary": 1}]}).insert(ignore_permissions=True)
        phone = make_ticket(channel="Phone", raised_by="+79160003344", contact=contact.name)
        claim = make_claim(ticket=phone.name)
        set_status(claim, "In Review")
        set_status(claim, "Approved", resolution="Replacement")
        self.assertEqual(len(told(phone.name)), 1)
        self.assertIn("replace the goods", told(phone.name)[0])
        silent = make_ticket(channel="Phone", raised_by="+79160005566")
        claim = make_claim(ticket=silent.name)
        set_status(claim, "Rejected")
        self.assertEqual(told(silent.name), [])
