# Copyright (c) 2026, support_hub developers. License: MIT.

from datetime import datetime

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

RANGE = {"from_date": "2025-01-06", "to_date": "2025-01-19"}


def rated(team, assign, rating, at, excluded=0):
    return shaped_ticket(team=team, assign=assign, opened_on=at, status="Closed", resolved_on=at,
                         rating=rating, rated_on=at, rating_excluded=excluded)


class TestCustomerSatisfactionReport(FrappeTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        setup_report_world()
        cls.c1 = rated("SHR Alpha", [AGENT], "great", msk(2025, 1, 6, 12, 0))
        cls.c2 = rated("SHR Alpha", [AGENT], "ok", msk(2025, 1, 7, 12, 0))
        cls.c3 = rated("SHR Alpha", [AGENT_2], "bad", msk(2025, 1, 8, 12, 0), excluded=1)  # about the price
        cls.c4 = rated("SHR Beta", [AGENT, AGENT_2], "great", msk(2025, 1, 14, 12, 0))
        cls.c5 = rated("SHR Beta", None, "bad", msk(2025, 1, 15, 12, 0))
        cls.c6 = rated("SHR Beta", [AGENT_2], "great", msk(2025, 1, 15, 13, 0), excluded=1)
        rated("SHR Alpha", [AGENT], "great", msk(2025, 1, 25, 12, 0))  # after the range
        shaped_ticket(team="SHR Alpha", assign=[AGENT], opened_on=msk(2025, 1, 9, 12, 0))  # not rated

    def tearDown(self):
        frappe.set_user("Administrator")

    def check(self, row, ratings, great, ok, bad, shares, excluded):
        self.assertEqual(
            (row["ratings"], row["great"], row["ok"], row["bad"],
             (row["great_share"], row["ok_share"], row["bad_share"]), row["excluded_tickets"]),
            (ratings, great, ok, bad, shares, ", ".join(sorted(excluded))),
        )
        self.assertEqual(row["excluded"], len(excluded))

    def test_by_agent_leaves_excluded_ratings_out_and_lists_them(self):
        result = run_report("Customer Satisfaction", {**RANGE, "group_by": "Agent"})
        agents = rows_by(result, "grp")
        self.assertEqual(list(agents), [AGENT_2, AGENT, "Not assigned"])
        self.check(agents[AGENT], 3, 2, 1, 0, (66.7, 33.3, 0.0), [])
        self.check(agents[AGENT_2], 1, 1, 0, 0, (100.0, 0.0, 0.0), [self.c3, self.c6])
        self.check(agents["Not assigned"], 1, 0, 0, 1, (0.0, 0.0, 100.0), [])
        summary = {item["label"]: item["value"] for item in result["report_summary"]}
        self.assertEqual(
            (summary["Ratings"], summary["Great %"], summary["Bad %"], summary["Excluded from statistics"]),
            (4, 50.0, 25.0, 2),
        )

    def test_by_team(self):
        teams = rows_by(run_report("Customer Satisfaction", {**RANGE, "group_by": "Team"}), "grp")
        self.assertEqual(list(teams), ["SHR Alpha", "SHR Beta"])
        self.check(teams["SHR Alpha"], 2, 1, 1, 0, (50.0, 50.0, 0.0), [self.c3])
        self.check(teams["SHR Beta"], 2, 1, 0, 1, (50.0, 0.0, 50.0), [self.c6])

    def test_by_week_with_chart(self):
        result = run_report("Customer Satisfaction", {**RANGE, "group_by": "Week"})
        weeks = rows_by(result, "period")
        self.assertEqual(list(weeks), ["2025-01-06", "2025-01-13"])
        self.check(weeks["2025-01-06"], 2, 1, 1, 0, (50.0, 50.0, 0.0), [self.c3])
        self.check(weeks["2025-01-13"], 2, 1, 0, 1, (50.0, 0.0, 50.0), [self.c6])
        great, ok, bad = result["chart"]["data"]["datasets"]
        self.assertEqual((great["values"], ok["values"], bad["values"]), ([50.0, 50.0], [50.0, 0.0], [0.0, 50.0]))

    def test_number_card_share_of_great_this_month(self):
        from support_hub.reports.cards import csat_great_share_this_month

        with self.freeze_time(datetime(2025, 1, 20, 12, 0)):  # 1-20 January: 2 great of 4 counted ratings
            card = csat_great_share_this_month()
        self.assertEqual((card["value"], card["fieldtype"]), (50.0, "Percent"))
        self.assertEqual(card["route_options"], {"from_date": "2025-01-01", "to_date": "2025-01-20"})

    def test_support_agent_may_not_run_it(self):
        with self.assertRaises(frappe.PermissionError):
            run_report("Customer Satisfaction", RANGE, user=AGENT)
        self.assertTrue(run_report("Customer Satisfaction", RANGE, user=MANAGER)["result"])
