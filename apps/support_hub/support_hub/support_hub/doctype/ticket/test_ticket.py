# Copyright (c) 2026, support_hub developers. License: MIT.

import frappe
from frappe.tests.utils import FrappeTestCase
from frappe.utils import get_datetime

from support_hub.sla import postponed, sweep
from support_hub.testing import AGENT, MANAGER, make_ticket, msk, setup_support_world


def reload(ticket):
    return frappe.get_doc("Ticket", ticket.name)


class TestTicketSla(FrappeTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        setup_support_world()

    def tearDown(self):
        frappe.set_user("Administrator")

    def open_monday_10(self, **values):
        with self.freeze_time(msk(2026, 3, 2, 10, 0)):  # a Monday
            return make_ticket(**values)

    def test_new_ticket_gets_the_matching_policy_and_working_time_due_dates(self):
        ticket = self.open_monday_10()
        self.assertEqual(ticket.sla_policy, "Test Support")
        self.assertEqual(get_datetime(ticket.first_response_due), msk(2026, 3, 2, 11, 0))
        self.assertEqual(get_datetime(ticket.resolution_due), msk(2026, 3, 2, 18, 0))
        self.assertEqual(ticket.sla_status, "On Track")
        self.assertEqual(get_datetime(ticket.sla_breach_on), msk(2026, 3, 2, 11, 0))
        self.assertEqual(get_datetime(ticket.sla_warning_on), msk(2026, 3, 2, 10, 45))

    def test_friday_evening_ticket_is_due_on_monday(self):
        with self.freeze_time(msk(2026, 3, 6, 17, 30)):
            ticket = make_ticket()
        self.assertEqual(get_datetime(ticket.first_response_due), msk(2026, 3, 9, 9, 30))

    def test_type_change_reselects_policy_and_timeline_says_so(self):
        ticket = self.open_monday_10()
        frappe.set_user(AGENT)
        with self.freeze_time(msk(2026, 3, 2, 10, 5)):
            ticket = reload(ticket)
            ticket.ticket_type = "Implementation"
            ticket.save()
        ticket = reload(ticket)
        self.assertEqual(ticket.sla_policy, "Test Implementation")
        self.assertEqual(get_datetime(ticket.first_response_due), msk(2026, 3, 2, 14, 0))
        comments = frappe.get_all(
            "Comment",
            filters={"reference_doctype": "Ticket", "reference_name": ticket.name, "comment_type": "Info"},
            pluck="content",
        )
        self.assertTrue(any("Ticket Type changed" in c and "Test Support → Test Implementation" in c for c in comments), comments)
        # the agent's change made both deadlines later: each is a "Changed" event the managers hear of
        # (support_hub/support_hub/doctype/sla_event/test_sla_event.py follows the alerts)
        changed = frappe.get_all("SLA Event", filters={"ticket": ticket.name, "event": "Changed"},
                                 fields=["target", "changed_by", "later_by_minutes"], order_by="target asc")
        self.assertEqual([(e.target, e.changed_by) for e in changed], [("First Response", AGENT), ("Resolution", AGENT)])
        self.assertEqual(changed[0].later_by_minutes, 180)

    def test_agent_cannot_change_due_dates_or_policy(self):
        ticket = self.open_monday_10()
        frappe.set_user(AGENT)
        for fieldname, value in (("resolution_due", msk(2026, 3, 9, 18, 0)), ("sla_policy", "Test Implementation")):
            doc = reload(ticket)
            doc.set(fieldname, value)
            with self.assertRaises(frappe.PermissionError) as caught:
                doc.save()
            self.assertIn("Only a Support Manager", str(caught.exception))
        frappe.set_user("Administrator")
        stored = reload(ticket)
        self.assertEqual(get_datetime(stored.resolution_due), msk(2026, 3, 2, 18, 0))
        self.assertEqual(stored.sla_policy, "Test Support")

    def test_agent_can_still_edit_the_rest_of_the_ticket(self):
        ticket = self.open_monday_10()
        frappe.set_user(AGENT)
        doc = reload(ticket)
        doc.subject = "Payroll export fails for March"
        doc.save()
        self.assertEqual(reload(ticket).subject, "Payroll export fails for March")

    def test_manager_can_change_due_date_and_it_is_recorded(self):
        ticket = self.open_monday_10()
        frappe.set_user(MANAGER)
        doc = reload(ticket)
        doc.resolution_due = msk(2026, 3, 4, 12, 0)
        doc.save()
        stored = reload(ticket)
        self.assertEqual(get_datetime(stored.resolution_due), msk(2026, 3, 4, 12, 0))
        comment = frappe.get_all(
            "Comment",
            filters={"reference_doctype": "Ticket", "reference_name": ticket.name, "comment_type": "Info"},
            fields=["content", "owner"],
        )
        self.assertTrue(comment and comment[0].owner == MANAGER, comment)
        self.assertIn("Resolution Due", comment[0].content)
        self.assertIn("→", comment[0].content)
        event = frappe.get_all(
            "SLA Event", filters={"ticket": ticket.name, "event": "Changed"}, fields=["target", "changed_by", "to_value"]
        )
        self.assertEqual(len(event), 1)
        self.assertEqual((event[0].target, event[0].changed_by), ("Resolution", MANAGER))
        self.assertEqual(get_datetime(event[0].to_value), msk(2026, 3, 4, 12, 0))

    def test_pause_and_resume_shift_due_dates_by_paused_working_time(self):
        ticket = self.open_monday_10()
        with self.freeze_time(msk(2026, 3, 2, 10, 30)):
            doc = reload(ticket)
            doc.status = "Waiting for Customer"
            doc.save()
        self.assertEqual(reload(ticket).sla_status, "Paused")
        self.assertIsNone(reload(ticket).sla_breach_on)
        with self.freeze_time(msk(2026, 3, 3, 10, 30)):  # 540 working minutes later
            doc = reload(ticket)
            doc.status = "Open"
            doc.save()
        stored = reload(ticket)
        self.assertEqual(get_datetime(stored.first_response_due), msk(2026, 3, 3, 11, 0))
        self.assertEqual(get_datetime(stored.resolution_due), msk(2026, 3, 3, 18, 0))
        self.assertEqual(stored.sla_paused_minutes, 540)
        self.assertEqual(stored.sla_status, "On Track")

    def test_first_agent_message_stops_the_first_response_clock(self):
        ticket = self.open_monday_10()
        with self.freeze_time(msk(2026, 3, 2, 10, 20)):
            frappe.get_doc(
                {
                    "doctype": "Communication",
                    "communication_type": "Communication",
                    "communication_medium": "Email",
                    "sent_or_received": "Received",
                    "subject": "more details",
                    "content": "customer writes again",
                    "reference_doctype": "Ticket",
                    "reference_name": ticket.name,
                }
            ).insert(ignore_permissions=True)
            self.assertIsNone(reload(ticket).first_responded_on)
            frappe.get_doc(
                {
                    "doctype": "Communication",
                    "communication_type": "Communication",
                    "communication_medium": "Email",
                    "sent_or_received": "Sent",
                    "subject": "Re: Payroll export fails",
                    "content": "We are looking into it",
                    "reference_doctype": "Ticket",
                    "reference_name": ticket.name,
                }
            ).insert(ignore_permissions=True)
        stored = reload(ticket)
        self.assertEqual(get_datetime(stored.first_responded_on), msk(2026, 3, 2, 10, 20))
        self.assertEqual(get_datetime(stored.sla_breach_on), msk(2026, 3, 2, 18, 0))

    def test_sweep_marks_warning_then_breached_once(self):
        ticket = self.open_monday_10()
        untouched = self.open_monday_10(ticket_type="Implementation")
        sweep.run(now=msk(2026, 3, 2, 10, 40), commit=False)
        self.assertEqual(reload(ticket).sla_status, "On Track")

        for _ in range(2):  # a second run finds nothing new to record
            sweep.run(now=msk(2026, 3, 2, 10, 50), commit=False)
        self.assertEqual(reload(ticket).sla_status, "Warning")
        self.assertEqual(reload(untouched).sla_status, "On Track")

        for _ in range(2):
            sweep.run(now=msk(2026, 3, 2, 11, 1), commit=False)
        self.assertEqual(reload(ticket).sla_status, "Breached")
        # (the breach is also escalated once: support_hub/support_hub/doctype/sla_event/test_breach_escalation.py)
        events = frappe.get_all("SLA Event", filters={"ticket": ticket.name, "event": ["in", ["Warning", "Breached"]]},
                                fields=["event", "target"], order_by="event")
        self.assertEqual([(e.event, e.target) for e in events], [("Breached", "First Response"), ("Warning", "First Response")])
        self.assertFalse(frappe.db.exists("SLA Event", {"ticket": untouched.name}))

    def test_resolved_in_time_is_met_and_reopening_runs_again(self):
        ticket = self.open_monday_10()
        with self.freeze_time(msk(2026, 3, 2, 10, 30)):
            doc = reload(ticket)
            doc.first_responded_on = msk(2026, 3, 2, 10, 10)
            doc.status = "Resolved"
            doc.save()
        self.assertEqual(reload(ticket).sla_status, "Met")
        with self.freeze_time(msk(2026, 3, 2, 12, 0)):
            doc = reload(ticket)
            doc.status = "Open"
            doc.save()
        stored = reload(ticket)
        self.assertIsNone(stored.resolved_on)
        self.assertEqual(stored.sla_status, "On Track")

    def test_postponed_ticket_reopens_when_its_time_comes(self):
        from frappe.desk.form.assign_to import add as assign

        ticket = self.open_monday_10()
        assign({"doctype": "Ticket", "name": ticket.name, "assign_to": [AGENT]}, ignore_permissions=True)
        with self.freeze_time(msk(2026, 3, 2, 10, 10)):
            doc = reload(ticket)
            doc.status = "Postponed"
            doc.postponed_until = msk(2026, 3, 3, 12, 0)
            doc.save()
        self.assertEqual(postponed.reopen_due(now=msk(2026, 3, 3, 11, 59), commit=False), [])
        with self.freeze_time(msk(2026, 3, 3, 12, 1)):
            self.assertEqual(postponed.reopen_due(commit=False), [ticket.name])
        stored = reload(ticket)
        self.assertEqual(stored.status, "Open")
        self.assertEqual(stored.sla_status, "On Track")
        self.assertTrue(
            frappe.db.exists("Notification Log", {"for_user": AGENT, "document_name": ticket.name, "subject": ["like", "%Reopened%"]})
        )
        # The same writer as a customer's reply: one timeline line, with its automation log row.
        self.assertIsNone(stored.postponed_until)
        reasons = frappe.get_all("Support Automation Log", filters={"ticket": ticket.name, "automation": "Reopen"},
                                 pluck="reason")
        self.assertEqual(len(reasons), 1)
        self.assertTrue(reasons[0].startswith("Reopened: postponed until"), reasons)
        lines = frappe.get_all("Comment", filters={"reference_doctype": "Ticket", "reference_name": ticket.name,
                                                   "comment_type": "Info", "content": ["like", "Reopened%"]}, pluck="content")
        self.assertEqual(lines, reasons)

    def test_the_panel_lists_earlier_tickets_the_user_may_see(self):
        from support_hub.api.ticket import customer_panel

        sender = f"history-{frappe.generate_hash(length=8)}@example.com"  # earlier runs' tickets stay apart
        earlier = self.open_monday_10(raised_by=sender, subject="<b>old</b> problem")
        other = self.open_monday_10(raised_by="someone-else@example.com")
        current = self.open_monday_10(raised_by=sender)
        frappe.set_user(AGENT)
        names = [row["name"] for row in customer_panel(current.name)["tickets"]]
        self.assertIn(earlier.name, names)
        self.assertNotIn(other.name, names)
        self.assertNotIn(current.name, names)
        frappe.set_user("Guest")
        with self.assertRaises(frappe.PermissionError):
            customer_panel(current.name)
