# Copyright (c) 2026, support_hub developers. License: MIT.

from datetime import datetime, timedelta

import frappe
from frappe.tests.utils import FrappeTestCase

from support_hub.reports.testing import AGENT, AGENT_2, rows_by, run_report, setup_report_world, shaped_ticket

RANGE = {"from_date": "2025-01-06", "to_date": "2025-01-19"}
MINUTE = 60  # Duration columns hold seconds


def timed(team, opened, first_response=None, resolution=None, assign=None):
    """A ticket answered `first_response` minutes and resolved `resolution` minutes after opening."""
    return shaped_ticket(
        team=team, assign=assign, opened_on=opened,
        first_responded_on=opened + timedelta(minutes=first_response) if first_response is not None else None,
        resolved_on=opened + timedelta(minutes=resolution) if resolution is not None else None,
        status="Resolved" if resolution is not None else "Open",
    )


class TestResponseTimesReport(FrappeTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        setup_report_world()
        timed("SHR Alpha", datetime(2025, 1, 6, 10), 10, 120, [AGENT])
        timed("SHR Alpha", datetime(2025, 1, 7, 10), 20, 240, [AGENT])
        timed("SHR Alpha", datetime(2025, 1, 8, 10), 30, None, [AGENT_2])
        timed("SHR Alpha", datetime(2025, 1, 9, 10), 120, 1440, [AGENT, AGENT_2])
        timed("SHR Alpha", datetime(2025, 1, 10, 10))  # not answered yet, nobody assigned
        timed("SHR Beta", datetime(2025, 1, 13, 10), 5, 60, [AGENT])
        timed("SHR Beta", datetime(2025, 1, 14, 10), 15, None, [AGENT])
        timed("SHR Alpha", datetime(2025, 1, 20, 10), 1000, 2000, [AGENT])  # after the range

    def tearDown(self):
        frappe.set_user("Administrator")

    def check(self, row, tickets, answered, fr_median, fr_p90, resolved, res_median, res_p90):
        self.assertEqual(
            (row["tickets"], row["answered"], row["fr_median"], row["fr_p90"],
             row["resolved"], row["res_median"], row["res_p90"]),
            (tickets, answered, fr_median, fr_p90, resolved, res_median, res_p90),
        )

    def test_median_and_p90_per_team(self):
        result = run_report("Response Times", {**RANGE, "group_by": "Team"})
        teams = rows_by(result, "grp")
        self.assertEqual(list(teams), ["SHR Alpha", "SHR Beta"])
        # first responses 10, 20, 30, 120 min: median 25, nearest-rank p90 120
        self.check(teams["SHR Alpha"], 5, 4, 25 * MINUTE, 120 * MINUTE, 3, 240 * MINUTE, 1440 * MINUTE)
        self.check(teams["SHR Beta"], 2, 2, 10 * MINUTE, 15 * MINUTE, 1, 60 * MINUTE, 60 * MINUTE)
        self.assertEqual(result["chart"]["data"]["datasets"][0]["values"], [round(25 / 60, 2), round(10 / 60, 2)])
        summary = {item["label"]: item["value"] for item in result["report_summary"]}
        self.assertEqual(
            (summary["First Response Median"], summary["First Response p90"],
             summary["Resolution Median"], summary["Resolution p90"]),
            (int(17.5 * MINUTE), 120 * MINUTE, 180 * MINUTE, 1440 * MINUTE),
        )

    def test_per_agent(self):
        agents = rows_by(run_report("Response Times", {**RANGE, "group_by": "Agent"}), "grp")
        self.assertEqual(list(agents), [AGENT_2, AGENT, "Not assigned"])
        self.check(agents[AGENT], 5, 5, 15 * MINUTE, 120 * MINUTE, 4, 180 * MINUTE, 1440 * MINUTE)
        self.check(agents[AGENT_2], 2, 2, 75 * MINUTE, 120 * MINUTE, 1, 1440 * MINUTE, 1440 * MINUTE)
        self.check(agents["Not assigned"], 1, 0, None, None, 0, None, None)

    def test_support_agent_may_not_run_it(self):
        with self.assertRaises(frappe.PermissionError):
            run_report("Response Times", RANGE, user=AGENT)
