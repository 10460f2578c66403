# Copyright (c) 2026, support_hub developers. License: MIT.

import frappe
from frappe.tests.utils import FrappeTestCase

from support_hub.reports.testing import (
    AGENT,
    AGENT_2,
    MANAGER,
    rows_by,
    run_report,
    setup_report_world,
    shaped_ticket,
)
from support_hub.testing import msk

RANGE = {"from_date": "2025-01-06", "to_date": "2025-01-19"}  # two ISO weeks, Monday to Sunday


class TestSlaComplianceReport(FrappeTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        setup_report_world()
        # week of 6 January
        shaped_ticket(  # both met
            team="SHR Alpha", ticket_type="Support", assign=[AGENT], opened_on=msk(2025, 1, 6, 10, 0),
            first_response_due=msk(2025, 1, 6, 11, 0), first_responded_on=msk(2025, 1, 6, 10, 30),
            resolution_due=msk(2025, 1, 6, 18, 0), resolved_on=msk(2025, 1, 6, 17, 0), status="Resolved",
        )
        shaped_ticket(  # first response late, resolution met
            team="SHR Alpha", ticket_type="Support", assign=[AGENT_2], opened_on=msk(2025, 1, 7, 10, 0),
            first_response_due=msk(2025, 1, 7, 11, 0), first_responded_on=msk(2025, 1, 7, 12, 0),
            resolution_due=msk(2025, 1, 7, 18, 0), resolved_on=msk(2025, 1, 7, 17, 0), status="Closed",
        )
        shaped_ticket(  # two assignees; answered in time, never resolved: resolution breached by now
            team="SHR Beta", ticket_type="Implementation", assign=[AGENT, AGENT_2], opened_on=msk(2025, 1, 8, 10, 0),
            first_response_due=msk(2025, 1, 8, 14, 0), first_responded_on=msk(2025, 1, 8, 13, 0),
            resolution_due=msk(2025, 1, 9, 18, 0), status="In Progress",
        )
        # week of 13 January
        shaped_ticket(  # nobody assigned, nothing done: both breached
            team="SHR Beta", ticket_type="Support", opened_on=msk(2025, 1, 13, 9, 0),
            first_response_due=msk(2025, 1, 13, 10, 0), resolution_due=msk(2025, 1, 13, 18, 0), status="Open",
        )
        shaped_ticket(  # no SLA: counted as a ticket, decided nowhere
            team="SHR Alpha", ticket_type="Support", assign=[AGENT], opened_on=msk(2025, 1, 14, 9, 0),
            first_responded_on=msk(2025, 1, 14, 9, 30), status="Open",
        )
        # after the range
        shaped_ticket(
            team="SHR Alpha", ticket_type="Support", assign=[AGENT], opened_on=msk(2025, 1, 20, 9, 0),
            first_response_due=msk(2025, 1, 20, 10, 0), status="Open",
        )

    def tearDown(self):
        frappe.set_user("Administrator")

    def check(self, row, tickets, fr_met, fr_breached, fr_share, res_met, res_breached, res_share):
        self.assertEqual(
            (row["tickets"], row["fr_met"], row["fr_breached"], row["fr_share"],
             row["res_met"], row["res_breached"], row["res_share"]),
            (tickets, fr_met, fr_breached, fr_share, res_met, res_breached, res_share),
        )

    def test_by_week(self):
        result = run_report("SLA Compliance", {**RANGE, "group_by": "Week"})
        weeks = rows_by(result, "period")
        self.assertEqual(list(weeks), ["2025-01-06", "2025-01-13"])
        self.check(weeks["2025-01-06"], 3, 2, 1, 66.7, 2, 1, 66.7)
        self.check(weeks["2025-01-13"], 2, 0, 1, 0.0, 0, 1, 0.0)
        self.assertEqual(result["chart"]["data"]["labels"], ["2025-01-06", "2025-01-13"])
        self.assertEqual(result["chart"]["data"]["datasets"][0]["values"], [66.7, 0.0])
        summary = {item["label"]: item["value"] for item in result["report_summary"]}
        self.assertEqual(summary["Tickets"], 5)
        self.assertEqual(summary["First Response Met %"], 50.0)
        self.assertEqual(summary["Breaches"], 4)

    def test_by_team_and_ticket_type(self):
        teams = rows_by(run_report("SLA Compliance", {**RANGE, "group_by": "Team"}), "grp")
        self.assertEqual(list(teams), ["SHR Alpha", "SHR Beta"])
        self.check(teams["SHR Alpha"], 3, 1, 1, 50.0, 2, 0, 100.0)
        self.check(teams["SHR Beta"], 2, 1, 1, 50.0, 0, 2, 0.0)

        types = rows_by(run_report("SLA Compliance", {**RANGE, "group_by": "Ticket Type"}), "grp")
        self.check(types["Implementation"], 1, 1, 0, 100.0, 0, 1, 0.0)
        self.check(types["Support"], 4, 1, 2, 33.3, 2, 1, 66.7)

    def test_by_agent_counts_each_assignee(self):
        result = run_report("SLA Compliance", {**RANGE, "group_by": "Agent"})
        agents = rows_by(result, "grp")
        self.assertEqual(list(agents), [AGENT_2, AGENT, "Not assigned"])
        self.check(agents[AGENT], 3, 2, 0, 100.0, 1, 1, 50.0)
        self.check(agents[AGENT_2], 2, 1, 1, 50.0, 1, 1, 50.0)
        self.check(agents["Not assigned"], 1, 0, 1, 0.0, 0, 1, 0.0)
        # the overall figures count the shared ticket once
        summary = {item["label"]: item["value"] for item in result["report_summary"]}
        self.assertEqual((summary["Tickets"], summary["First Response Met %"], summary["Resolution Met %"]),
                         (5, 50.0, 50.0))

    def test_team_filter(self):
        weeks = rows_by(run_report("SLA Compliance", {**RANGE, "group_by": "Week", "team": "SHR Beta"}), "period")
        self.check(weeks["2025-01-06"], 1, 1, 0, 100.0, 0, 1, 0.0)
        self.check(weeks["2025-01-13"], 1, 0, 1, 0.0, 0, 1, 0.0)

    def test_support_agent_may_not_run_it(self):
        with self.assertRaises(frappe.PermissionError):
            run_report("SLA Compliance", RANGE, user=AGENT)
        self.assertTrue(run_report("SLA Compliance", RANGE, user=MANAGER)["result"])
