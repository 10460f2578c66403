# Copyright (c) 2026, support_hub developers. License: MIT.

import frappe
from frappe.tests.utils import FrappeTestCase

from support_hub.reports.testing import AGENT, run_report, setup_report_world, shaped_ticket
from support_hub.testing import msk

TEAM = {"team": "SHR Alpha"}
RANGE = {"from_date": "2025-01-06", "to_date": "2025-01-19", **TEAM}


def key(row):
    return (str(row["period"]), row.get("grp"))


class TestTicketVolumeReport(FrappeTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        setup_report_world()
        alpha = {"team": "SHR Alpha"}
        # open when the range begins, resolved in its first week
        shaped_ticket(**alpha, channel="Email", topic="SHR Billing", opened_on=msk(2024, 12, 30, 10, 0),
                      resolved_on=msk(2025, 1, 8, 10, 0), status="Resolved")
        # done before the range: counts nowhere
        shaped_ticket(**alpha, channel="Email", opened_on=msk(2024, 12, 20, 10, 0),
                      resolved_on=msk(2024, 12, 23, 10, 0), status="Closed")
        shaped_ticket(**alpha, channel="Email", topic="SHR Billing", opened_on=msk(2025, 1, 6, 9, 0),
                      resolved_on=msk(2025, 1, 6, 15, 0), status="Closed")
        shaped_ticket(**alpha, channel="Telegram", topic="SHR Payroll", opened_on=msk(2025, 1, 7, 9, 0),
                      status="Waiting for Customer")
        shaped_ticket(**alpha, channel="Telegram", topic="SHR Billing", opened_on=msk(2025, 1, 8, 11, 0),
                      resolved_on=msk(2025, 1, 14, 10, 0), status="Resolved")
        shaped_ticket(**alpha, channel="Web", opened_on=msk(2025, 1, 14, 9, 0), status="Open")
        shaped_ticket(**alpha, channel="Email", opened_on=msk(2025, 1, 20, 9, 0), status="Open")  # after the range
        shaped_ticket(team="SHR Beta", channel="Email", opened_on=msk(2025, 1, 7, 9, 0), status="Open")  # other team

    def tearDown(self):
        frappe.set_user("Administrator")

    def test_new_resolved_and_open_per_week(self):
        result = run_report("Ticket Volume", {**RANGE, "period": "Week"})
        rows = [(str(r["period"]), r["new"], r["resolved"], r["open_at_end"]) for r in result["result"]]
        self.assertEqual(rows, [("2025-01-06", 3, 2, 2), ("2025-01-13", 1, 1, 2)])
        self.assertEqual(
            [(d["name"], d["values"]) for d in result["chart"]["data"]["datasets"]],
            [("New Tickets", [3, 1]), ("Resolved Tickets", [2, 1])],
        )
        summary = {item["label"]: item["value"] for item in result["report_summary"]}
        self.assertEqual(summary, {"Open at Start": 1, "New Tickets": 4, "Resolved Tickets": 3, "Open at End": 2})

    def test_per_day(self):
        result = run_report("Ticket Volume", {**RANGE, "to_date": "2025-01-08", "period": "Day"})
        rows = [(str(r["period"]), r["new"], r["resolved"], r["open_at_end"]) for r in result["result"]]
        self.assertEqual(rows, [("2025-01-06", 1, 1, 1), ("2025-01-07", 1, 0, 2), ("2025-01-08", 1, 1, 2)])

    def test_by_channel(self):
        result = run_report("Ticket Volume", {**RANGE, "group_by": "Channel"})
        rows = {key(r): (r["new"], r["resolved"], r["open_at_end"]) for r in result["result"]}
        self.assertEqual(rows, {
            ("2025-01-06", "Email"): (1, 2, 0),
            ("2025-01-06", "Telegram"): (2, 0, 2),
            ("2025-01-13", "Telegram"): (0, 1, 1),
            ("2025-01-13", "Web"): (1, 0, 1),
        })

    def test_by_topic(self):
        result = run_report("Ticket Volume", {**RANGE, "group_by": "Topic"})
        rows = [(*key(r), r["new"], r["resolved"], r["open_at_end"]) for r in result["result"]]
        self.assertEqual(rows, [
            ("2025-01-06", "SHR Billing", 2, 2, 1),
            ("2025-01-06", "SHR Payroll", 1, 0, 1),
            ("2025-01-13", "SHR Billing", 0, 1, 0),
            ("2025-01-13", "SHR Payroll", 0, 0, 1),
            ("2025-01-13", "Not set", 1, 0, 1),
        ])

    def test_support_agents_may_run_it(self):
        self.assertEqual(len(run_report("Ticket Volume", RANGE, user=AGENT)["result"]), 2)
