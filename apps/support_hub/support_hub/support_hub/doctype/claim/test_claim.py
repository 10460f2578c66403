# Copyright (c) 2026, support_hub developers. License: MIT.

from datetime import datetime, timedelta

import frappe
from frappe.desk.form.assign_to import add as assign
from frappe.desk.form.assign_to import clear as clear_assignments
from frappe.tests.utils import FrappeTestCase
from frappe.utils import get_datetime

from support_hub.claims import ticket_link
from support_hub.claims.testing import (
    AGENT_2,
    OFFICER,
    OFFICER_2,
    make_claim,
    set_claim_settings,
    set_status,
    setup_claims_world,
    use_claims_policy,
)
from support_hub.support_hub.doctype.claim.claim import ClaimAmountError, ClaimStatusError
from support_hub.testing import AGENT, MANAGER, make_ticket, msk

MONDAY_10 = (2026, 3, 2, 10, 0)


def reload(doc):
    return frappe.get_doc(doc.doctype, doc.name)


def ticket_comments(ticket) -> list[str]:
    return frappe.get_all(
        "Comment",
        filters={"reference_doctype": "Ticket", "reference_name": ticket.name, "comment_type": "Info"},
        pluck="content",
    )


def open_assignees(claim) -> list[str]:
    return frappe.get_all(
        "ToDo",
        filters={"reference_type": "Claim", "reference_name": claim.name, "status": "Open"},
        pluck="allocated_to",
    )


def ensure_contact(first_name: str) -> str:
    existing = frappe.db.get_value("Contact", {"first_name": first_name}, "name")
    if existing:
        return existing
    return frappe.get_doc({"doctype": "Contact", "first_name": first_name}).insert(ignore_permissions=True).name


class TestClaim(FrappeTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        setup_claims_world()

    def tearDown(self):
        frappe.set_user("Administrator")
        frappe.db.delete("Claim Rule")

    def ticket_assigned_to(self, user, **values):
        with self.freeze_time(msk(*MONDAY_10)):
            ticket = make_ticket(**values)
        clear_assignments("Ticket", ticket.name, ignore_permissions=True)  # whatever routing did
        if user:
            assign({"doctype": "Ticket", "name": ticket.name, "assign_to": [user]}, ignore_permissions=True)
        return reload(ticket)

    def add_rule(self, name, assign_to, sequence, category=None, min_amount=0, max_amount=0):
        return frappe.get_doc(
            {
                "doctype": "Claim Rule",
                "rule_name": name,
                "assign_to": assign_to,
                "sequence": sequence,
                "category": category,
                "min_amount": min_amount,
                "max_amount": max_amount,
            }
        ).insert()

    # --- from a ticket -----------------------------------------------------------------------------
    def test_create_claim_from_ticket_fills_customer_contact_order_and_agent(self):
        contact = ensure_contact("Claimant Ivanov")
        ticket = self.ticket_assigned_to(AGENT, customer_type="Contact", customer=contact, contact=contact)
        frappe.set_user(AGENT)
        claim = ticket_link.make_claim(ticket.name, order="SO-00042")
        self.assertEqual(claim.ticket, ticket.name)
        self.assertEqual((claim.customer_type, claim.customer, claim.contact), ("Contact", contact, contact))
        self.assertEqual(claim.order_reference, "SO-00042")
        self.assertEqual(claim.raised_by_agent, AGENT)
        self.assertEqual(claim.status, "New")
        claim.category = "Damaged"
        claim.amount_claimed = 2500
        claim.append("items", {"item": "Desk lamp", "quantity": 2, "problem": "Cracked shade"})
        with self.freeze_time(msk(2026, 3, 2, 11, 0)):
            claim.insert()
        stored = reload(claim)
        self.assertEqual((stored.customer, stored.contact, stored.order_reference), (contact, contact, "SO-00042"))
        self.assertEqual(stored.items[0].item, "Desk lamp")
        self.assertEqual(get_datetime(stored.deadline), msk(2026, 3, 5, 18, 0))
        self.assertTrue(any(claim.name in c and "raised from this ticket" in c for c in ticket_comments(ticket)))

    def test_create_claim_button_goes_through_frappes_mapper_with_the_chosen_order(self):
        from frappe.model.mapper import make_mapped_doc

        ticket = self.ticket_assigned_to(AGENT)
        frappe.set_user(AGENT)
        claim = make_mapped_doc("support_hub.claims.ticket_link.make_claim", ticket.name, args='{"order": "SO-7"}')
        self.assertEqual((claim.doctype, claim.ticket, claim.order_reference), ("Claim", ticket.name, "SO-7"))
        self.assertTrue(claim.get("__islocal"))

    def test_order_links_to_the_order_doctype_named_in_support_hub_settings(self):
        if not frappe.get_meta("Support Hub Settings").has_field("order_doctype"):
            self.skipTest("Support Hub Settings has no Order DocType on this site")
        contact = ensure_contact("Order Stand-in")
        before = frappe.db.get_single_value("Support Hub Settings", "order_doctype")
        try:
            frappe.db.set_single_value("Support Hub Settings", "order_doctype", "Contact")  # any doctype will do
            ticket = self.ticket_assigned_to(AGENT)
            claim = ticket_link.make_claim(ticket.name, order=contact)
            self.assertEqual(
                (claim.order_doctype, claim.order_link, claim.order_reference), ("Contact", contact, contact)
            )
            claim.insert()
            self.assertEqual(reload(claim).order_link, contact)
        finally:
            frappe.db.set_single_value("Support Hub Settings", "order_doctype", before)

    def test_a_claim_saved_with_only_a_ticket_takes_the_rest_from_it(self):
        contact = ensure_contact("Claimant Petrova")
        ticket = self.ticket_assigned_to(AGENT, contact=contact)
        claim = make_claim(ticket=ticket.name)
        self.assertEqual(claim.contact, contact)

    def test_raised_by_agent_defaults_to_the_session_user(self):
        frappe.set_user(AGENT)
        claim = make_claim()
        self.assertEqual(claim.raised_by_agent, AGENT)

    # --- rules -------------------------------------------------------------------------------------
    def test_rules_assign_by_category_and_amount(self):
        self.add_rule("Damage up to 10k", OFFICER, 10, category="Damaged", max_amount=10000)
        self.add_rule("Damage above 10k", OFFICER_2, 20, category="Damaged", min_amount=10000)
        self.add_rule("Everything else", MANAGER, 90)
        cases = [
            ("Damaged", 5000, OFFICER),
            ("Damaged", 10000, OFFICER),
            ("Damaged", 50000, OFFICER_2),
            ("Quality", 100, MANAGER),
            ("Damaged", 0, MANAGER),
        ]
        for category, amount, expected in cases:
            with self.subTest(category=category, amount=amount):
                claim = make_claim(category=category, amount_claimed=amount)
                self.assertEqual(claim.responsible, expected)
                self.assertEqual(open_assignees(claim), [expected])
        info = frappe.get_all(
            "Comment",
            filters={"reference_doctype": "Claim", "reference_name": claim.name, "comment_type": "Info"},
            pluck="content",
        )
        self.assertTrue(any("Everything else" in c for c in info), info)

    def test_responsible_set_by_hand_wins_and_reassign_moves_the_assignment(self):
        self.add_rule("Everything", OFFICER, 10)
        claim = make_claim(responsible=OFFICER_2)
        self.assertEqual(open_assignees(claim), [OFFICER_2])
        claim = reload(claim)
        claim.responsible = OFFICER
        claim.save()
        self.assertEqual(open_assignees(claim), [OFFICER])
        self.assertTrue(
            frappe.db.exists(
                "ToDo",
                {
                    "reference_type": "Claim",
                    "reference_name": claim.name,
                    "allocated_to": OFFICER_2,
                    "status": "Cancelled",
                },
            )
        )

    def test_no_matching_rule_leaves_the_claim_unassigned(self):
        self.add_rule("Only quality", OFFICER, 10, category="Quality")
        claim = make_claim(category="Damaged")
        self.assertFalse(claim.responsible)
        self.assertEqual(open_assignees(claim), [])

    # --- deadline ----------------------------------------------------------------------------------
    def test_deadline_is_end_of_the_third_working_day(self):
        with self.freeze_time(msk(*MONDAY_10)):
            self.assertEqual(get_datetime(make_claim().deadline), msk(2026, 3, 5, 18, 0))  # Thursday 18:00
        with self.freeze_time(msk(2026, 3, 2, 17, 55)):  # late Monday: the same deadline
            self.assertEqual(get_datetime(make_claim().deadline), msk(2026, 3, 5, 18, 0))
        with self.freeze_time(msk(2026, 3, 6, 12, 0)):  # Friday: Mon, Tue, Wed
            self.assertEqual(get_datetime(make_claim().deadline), msk(2026, 3, 11, 18, 0))

    def test_deadline_follows_the_claims_policy_holidays_and_working_days_setting(self):
        try:
            use_claims_policy("Test Claims Holidays", holidays=[{"holiday_date": "2026-03-04"}])
            with self.freeze_time(msk(*MONDAY_10)):
                self.assertEqual(get_datetime(make_claim().deadline), msk(2026, 3, 6, 18, 0))
            set_claim_settings(working_days=1)
            with self.freeze_time(msk(*MONDAY_10)):
                self.assertEqual(get_datetime(make_claim().deadline), msk(2026, 3, 3, 18, 0))
        finally:
            set_claim_settings(working_days=3)
            use_claims_policy()

    def test_without_a_claims_policy_deadline_uses_weekdays_9_to_18_in_system_time(self):
        try:
            set_claim_settings(sla_policy=None)
            with self.freeze_time(msk(*MONDAY_10)):
                deadline = get_datetime(make_claim().deadline)
        finally:
            use_claims_policy()
        day = msk(*MONDAY_10).date()  # already the system time zone's wall clock
        counted = 0
        while counted < 3:
            day += timedelta(days=1)
            counted += day.weekday() < 5
        self.assertEqual(deadline, datetime.combine(day, datetime.min.time()).replace(hour=18))

    # --- status and amounts ------------------------------------------------------------------------
    def test_invalid_status_transitions_are_refused(self):
        with self.assertRaises(ClaimStatusError):
            make_claim(status="Approved")
        claim = make_claim()
        with self.assertRaises(ClaimStatusError) as caught:
            set_status(claim, "Approved", resolution="Refund", amount_approved=100)
        self.assertIn("New", str(caught.exception))
        self.assertIn("Approved", str(caught.exception))
        set_status(claim, "In Review")
        with self.assertRaises(ClaimStatusError):
            set_status(claim, "Compensated", resolution="Refund", amount_approved=100)
        self.assertEqual(reload(claim).status, "In Review")

    def test_approved_above_claimed_is_refused_naming_the_field(self):
        claim = make_claim(amount_claimed=1000)
        set_status(claim, "In Review")
        with self.assertRaises(ClaimAmountError) as caught:
            set_status(claim, "Approved", resolution="Refund", amount_approved=1500)
        self.assertIn("Approved Amount", str(caught.exception))
        self.assertIn("Claimed Amount", str(caught.exception))
        with self.assertRaises(ClaimAmountError):
            make_claim(amount_claimed=-5)
        self.assertEqual(set_status(claim, "Approved", resolution="Refund", amount_approved=800).status, "Approved")

    def test_outcome_lands_on_the_ticket_timeline(self):
        ticket = self.ticket_assigned_to(AGENT)
        with self.freeze_time(msk(*MONDAY_10)):
            claim = make_claim(ticket=ticket.name, amount_claimed=1000)
        with self.freeze_time(msk(2026, 3, 3, 12, 0)):
            set_status(claim, "In Review")
            set_status(claim, "Approved", resolution="Refund", amount_approved=800)
        outcome = [c for c in ticket_comments(ticket) if claim.name in c and "Refund" in c]
        self.assertEqual(len(outcome), 1, ticket_comments(ticket))
        self.assertIn("800", outcome[0])
        self.assertEqual(get_datetime(reload(claim).decided_on), msk(2026, 3, 3, 12, 0))
        set_status(claim, "Compensated")
        set_status(claim, "Closed")
        self.assertEqual(len([c for c in ticket_comments(ticket) if claim.name in c and "Refund" in c]), 3)
        self.assertEqual(open_assignees(claim), [])
        # the decision time stays that of the first outcome
        self.assertEqual(get_datetime(reload(claim).decided_on), msk(2026, 3, 3, 12, 0))

    def test_rejecting_sets_the_resolution_and_reopening_clears_the_decision(self):
        claim = make_claim()
        claim = set_status(claim, "Rejected")
        self.assertEqual(claim.resolution, "Rejected")
        self.assertTrue(claim.decided_on)
        claim = set_status(claim, "In Review")
        self.assertFalse(claim.decided_on)

    def test_postponing_into_the_past_is_refused(self):
        claim = make_claim()
        with self.assertRaises(frappe.ValidationError):
            set_status(claim, "New", postponed_until=get_datetime("2020-01-01 10:00:00"))

    # --- permissions -------------------------------------------------------------------------------
    def test_support_agent_creates_and_reads_claims_of_own_tickets_and_edits_only_their_new_claims(self):
        mine = self.ticket_assigned_to(AGENT)
        theirs = self.ticket_assigned_to(AGENT_2)
        frappe.set_user(AGENT)
        with self.freeze_time(msk(*MONDAY_10)):
            created_by_me = make_ticket(subject="Agent's own ticket")
        frappe.set_user(OFFICER)
        on_mine = make_claim(ticket=mine.name)
        on_theirs = make_claim(ticket=theirs.name)
        on_created_by_me = make_claim(ticket=created_by_me.name)
        standalone = make_claim()
        made_responsible = make_claim(responsible=AGENT)

        frappe.set_user(AGENT)
        own = make_claim(ticket=theirs.name)  # raising a claim is allowed; then it is theirs to read too
        visible = set(frappe.get_list("Claim", pluck="name", limit_page_length=0))
        self.assertTrue({on_mine.name, on_created_by_me.name, own.name, made_responsible.name} <= visible, visible)
        self.assertFalse({on_theirs.name, standalone.name} & visible, visible)
        self.assertTrue(frappe.has_permission("Claim", "read", doc=on_mine.name))
        self.assertFalse(frappe.has_permission("Claim", "read", doc=on_theirs.name))
        with self.assertRaises(frappe.PermissionError):
            frappe.get_doc("Claim", standalone.name).check_permission("read")

        doc = frappe.get_doc("Claim", on_mine.name)
        doc.description = "edited by an agent"
        with self.assertRaises(frappe.PermissionError):
            doc.save()  # the officer's claim on the agent's ticket: read only
        own.reload()
        own.description = "two jars broken, not one"
        own.amount_claimed = 340
        own.save()  # their own claim, still New: they may complete it
        self.assertEqual(frappe.db.get_value("Claim", own.name, "amount_claimed"), 340)
        own.reload()
        own.status = "Approved"
        with self.assertRaises(frappe.PermissionError):
            own.save()  # deciding is the claims department's
        with self.assertRaises(frappe.PermissionError):
            frappe.delete_doc("Claim", own.name)
        with self.assertRaises(frappe.PermissionError):
            make_claim(amount_approved=100, resolution="Refund")

        frappe.set_user(AGENT_2)
        visible = set(frappe.get_list("Claim", pluck="name", limit_page_length=0))
        self.assertIn(on_theirs.name, visible)
        self.assertNotIn(on_mine.name, visible)

        frappe.set_user(OFFICER)
        visible = set(frappe.get_list("Claim", pluck="name", limit_page_length=0))
        self.assertTrue({on_mine.name, on_theirs.name, standalone.name, own.name} <= visible)
        taken_up = frappe.get_doc("Claim", own.name)
        taken_up.status = "In Review"
        taken_up.save()
        frappe.set_user(AGENT)
        taken_up = frappe.get_doc("Claim", own.name)
        taken_up.description = "changed after review started"
        with self.assertRaises(frappe.PermissionError):
            taken_up.save()
        frappe.set_user(OFFICER)
        doc = frappe.get_doc("Claim", on_mine.name)
        doc.status = "In Review"
        doc.save()
