# Copyright (c) 2026, support_hub developers. License: MIT.
"""Assignment that knows who is there: round robin and least-open skip agents who are away, on leave or off
shift; a ticket whose agent has been gone longer than the setting is handed on with a timeline line."""

from datetime import timedelta

import frappe
from frappe.desk.form.assign_to import add as add_assignment
from frappe.desk.form.assign_to import get as get_assignments
from frappe.tests.utils import FrappeTestCase, change_settings
from frappe.utils import add_days, add_to_date, now_datetime, nowdate

from support_hub.automation import availability
from support_hub.automation.routing import pick_agent
from support_hub.testing import ensure_user, make_ticket, setup_support_world

TEAM = "Presence Desk"
AGENTS = ["sh-presence-1@example.com", "sh-presence-2@example.com", "sh-presence-3@example.com"]


def assignees(ticket: str) -> list[str]:
    return [a.owner for a in get_assignments({"doctype": "Ticket", "name": ticket})]


def set_availability(user, **values):
    if frappe.db.exists("Agent Availability", user):
        frappe.delete_doc("Agent Availability", user, force=True, ignore_permissions=True)
    return frappe.get_doc({"doctype": "Agent Availability", "user": user, **values}).insert(ignore_permissions=True)


class TestAgentAvailability(FrappeTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        setup_support_world()
        for agent in AGENTS:
            ensure_user(agent, "Support Agent")
        if frappe.db.exists("Support Team", TEAM):
            frappe.delete_doc("Support Team", TEAM, force=True, ignore_permissions=True)
        frappe.get_doc({"doctype": "Support Team", "team_name": TEAM,
                        "members": [{"user": u} for u in AGENTS]}).insert(ignore_permissions=True)

    def setUp(self):
        frappe.db.delete("Agent Leave", {"parenttype": "Agent Availability", "parent": ["in", AGENTS]})
        frappe.db.delete("Agent Availability", {"user": ["in", AGENTS]})
        frappe.db.set_value("Support Team", TEAM, "last_assigned", None)

    def test_round_robin_skips_agents_who_are_away_on_leave_or_off_shift(self):
        set_availability(AGENTS[0], away=1)
        set_availability(AGENTS[1], leaves=[{"from_date": add_days(nowdate(), -1), "to_date": add_days(nowdate(), 1)}])
        picks = [pick_agent(TEAM, "Round Robin") for _ in range(3)]
        self.assertEqual(picks, [AGENTS[2]] * 3)
        # a 2/2 pattern whose working days are the two days before today: today is a day off
        set_availability(AGENTS[2], shift_pattern="Days On / Days Off", days_on=2, days_off=2,
                         anchor_date=add_days(nowdate(), -2))
        self.assertIsNone(pick_agent(TEAM, "Round Robin"))
        self.assertIsNone(pick_agent(TEAM, "Least Open"))
        frappe.delete_doc("Agent Availability", AGENTS[1], ignore_permissions=True)
        self.assertEqual(pick_agent(TEAM, "Least Open"), AGENTS[1])
        self.assertEqual(availability.status_now(AGENTS[0]), "Away")
        self.assertEqual(availability.status_now(AGENTS[2]), "Off Shift")
        self.assertEqual(availability.status_now(AGENTS[1]), "On Shift")  # no row: always there

    def test_shift_hours_count_only_when_all_day_is_cleared(self):
        now = now_datetime()
        around = {"shift_start": (now - timedelta(hours=1)).strftime("%H:%M:%S"),
                  "shift_end": (now + timedelta(hours=1)).strftime("%H:%M:%S")}
        before = {"shift_start": (now - timedelta(hours=3)).strftime("%H:%M:%S"),
                  "shift_end": (now - timedelta(hours=2)).strftime("%H:%M:%S")}
        if now.hour in (0, 1, 2, 22, 23):
            return  # the hours would wrap past midnight: night shifts have their own engine tests
        set_availability(AGENTS[0], shift_pattern="Every Day", all_day=0, **around)
        set_availability(AGENTS[1], shift_pattern="Every Day", all_day=0, **before)
        set_availability(AGENTS[2], shift_pattern="Every Day", **before)  # All Day (the default) ignores the hours
        self.assertEqual([availability.status_now(a) for a in AGENTS], ["On Shift", "Off Shift", "On Shift"])

    def test_away_since_is_kept_by_the_form_and_bad_shifts_are_refused(self):
        doc = set_availability(AGENTS[0], away=1)
        self.assertTrue(doc.away_since)
        self.assertEqual(frappe.get_doc("Agent Availability", AGENTS[0]).current_status, "Away")
        doc.away = 0
        doc.save(ignore_permissions=True)
        self.assertFalse(doc.away_since)
        for bad in ({"shift_pattern": "Days On / Days Off", "days_on": 2, "days_off": 2},
                    {"shift_pattern": "Custom Weekdays"},
                    {"shift_pattern": "Every Day", "time_zone": "Mars/Olympus"},
                    {"leaves": [{"from_date": nowdate(), "to_date": add_days(nowdate(), -3)}]}):
            with self.assertRaises(frappe.ValidationError):
                set_availability(AGENTS[1], **bad)

    @change_settings("Support Hub Settings", {"hand_on_after_minutes": 30})
    def test_a_ticket_of_an_agent_gone_too_long_is_handed_on_with_the_reason(self):
        long_gone = make_ticket(subject="Hand me on", team=TEAM)
        just_left = make_ticket(subject="Keep me", team=TEAM)
        frappe.db.delete("ToDo", {"reference_type": "Ticket", "reference_name": ["in", [long_gone.name, just_left.name]]})
        frappe.db.set_value("Ticket", long_gone.name, "_assign", None)
        frappe.db.set_value("Ticket", just_left.name, "_assign", None)
        add_assignment({"doctype": "Ticket", "name": long_gone.name, "assign_to": [AGENTS[0]]}, ignore_permissions=True)
        add_assignment({"doctype": "Ticket", "name": just_left.name, "assign_to": [AGENTS[1]]}, ignore_permissions=True)
        away = set_availability(AGENTS[0], away=1)
        frappe.db.set_value("Agent Availability", away.name, "away_since", add_to_date(now_datetime(), hours=-2))
        set_availability(AGENTS[1], away=1)  # away since now: not long enough
        set_availability(AGENTS[2])  # a row with no pattern: there

        availability.hand_on()

        self.assertEqual(assignees(long_gone.name), [AGENTS[2]])
        self.assertEqual(frappe.db.get_value("ToDo", {"reference_name": long_gone.name, "allocated_to": AGENTS[0]},
                                             "status"), "Cancelled")
        self.assertEqual(assignees(just_left.name), [AGENTS[1]])
        timeline = frappe.get_all("Comment", filters={"reference_doctype": "Ticket", "reference_name": long_gone.name,
                                                      "comment_type": "Info"}, pluck="content")
        line = next(c for c in timeline if c.startswith("Handed on from"))
        self.assertIn("is away since", line)
        self.assertTrue(frappe.db.exists("Support Automation Log", {"ticket": long_gone.name, "automation": "Hand On",
                                                                    "action": f"assign {AGENTS[2]}"}))
        # a second run changes nothing: the new agent is there
        availability.hand_on()
        self.assertEqual(assignees(long_gone.name), [AGENTS[2]])

    @change_settings("Support Hub Settings", {"hand_on_after_minutes": 0})
    def test_hand_on_is_off_by_default(self):
        ticket = make_ticket(subject="Nobody hands me on", team=TEAM)
        frappe.db.delete("ToDo", {"reference_type": "Ticket", "reference_name": ticket.name})
        add_assignment({"doctype": "Ticket", "name": ticket.name, "assign_to": [AGENTS[0]]}, ignore_permissions=True)
        set_availability(AGENTS[0], leaves=[{"from_date": add_days(nowdate(), -5), "to_date": add_days(nowdate(), 5)}])
        availability.hand_on()
        self.assertEqual(assignees(ticket.name), [AGENTS[0]])
