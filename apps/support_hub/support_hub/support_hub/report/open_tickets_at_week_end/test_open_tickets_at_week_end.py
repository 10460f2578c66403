# Copyright (c) 2026, support_hub developers. License: MIT.

from datetime import datetime

import frappe
from frappe.tests.utils import FrappeTestCase

from support_hub.engine.stats import DONE_SINCE, open_at_end_of_week
from support_hub.reports.testing import AGENT, run_report, setup_report_world, shaped_ticket

# Naive datetimes are the system time zone's, as stored; week ends are Monday 00:00 there.
RANGE = {"from_date": "2025-01-06", "to_date": "2025-01-19", "team": "SHR Beta"}


class TestOpenTicketsAtWeekEndReport(FrappeTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        setup_report_world()
        beta = {"team": "SHR Beta"}
        shaped_ticket(**beta, opened_on=datetime(2024, 12, 31, 10), status="Waiting for Customer")
        shaped_ticket(**beta, opened_on=datetime(2025, 1, 2, 10), resolved_on=datetime(2025, 1, 7, 10),
                      status="Resolved")
        shaped_ticket(**beta, opened_on=datetime(2025, 1, 6, 10), status="Postponed")
        shaped_ticket(**beta, opened_on=datetime(2025, 1, 7, 10), resolved_on=datetime(2025, 1, 15, 10),
                      status="Closed")
        shaped_ticket(**beta, opened_on=datetime(2025, 1, 8, 10), status="In Development")
        shaped_ticket(**beta, opened_on=datetime(2025, 1, 14, 10), status="In Progress")
        shaped_ticket(**beta, opened_on=datetime(2025, 1, 15, 10), resolved_on=datetime(2025, 1, 16, 10),
                      status="Resolved")
        shaped_ticket(**beta, opened_on=datetime(2025, 1, 16, 10), resolved_on=datetime(2025, 1, 21, 10),
                      status="Resolved")
        # on the boundaries: opened at Monday 00:00 (the new week's), resolved at the next Monday 00:00
        # (still open when the week ended)
        shaped_ticket(**beta, opened_on=datetime(2025, 1, 13), resolved_on=datetime(2025, 1, 20),
                      status="Closed")
        shaped_ticket(team="SHR Alpha", opened_on=datetime(2025, 1, 8, 10), status="Open")  # other team

    def tearDown(self):
        frappe.set_user("Administrator")

    def test_open_at_each_week_end_by_status(self):
        result = run_report("Open Tickets at Week End", RANGE)
        first, second = result["result"]
        self.assertEqual(
            (str(first["period"]), first["open_at_start"], first["new"], first["open_at_end"], first["still_open_share"]),
            ("2025-01-06", 2, 3, 4, 80.0),
        )
        self.assertEqual(
            (first["status_waiting_for_customer"], first["status_postponed"], first["status_in_development"],
             first["status_in_progress"], first["status_open"], first["resolved_since"]),
            (1, 1, 1, 0, 0, 1),
        )
        self.assertEqual(
            (str(second["period"]), second["open_at_start"], second["new"], second["open_at_end"],
             second["still_open_share"]),
            ("2025-01-13", 4, 4, 6, 75.0),
        )
        self.assertEqual(
            (second["status_waiting_for_customer"], second["status_postponed"], second["status_in_development"],
             second["status_in_progress"], second["status_open"], second["resolved_since"]),
            (1, 1, 1, 1, 0, 2),
        )
        chart = {d["name"]: d["values"] for d in result["chart"]["data"]["datasets"]}
        self.assertEqual(chart["Waiting for Customer"], [1, 1])
        self.assertEqual(chart["Resolved Since"], [1, 2])

    def test_agrees_with_the_engine(self):
        tickets = frappe.get_all("Ticket", filters={"team": "SHR Beta"}, fields=["opened_on", "resolved_on", "status"])
        result = run_report("Open Tickets at Week End", RANGE, user=AGENT)  # agents may run it
        for row, week_end in zip(result["result"], (datetime(2025, 1, 13), datetime(2025, 1, 20)), strict=True):
            expected = open_at_end_of_week(tickets, week_end)
            got = {column["label"]: row[column["fieldname"]] for column in result["columns"][5:]}
            got = {(DONE_SINCE if label == "Resolved Since" else label): n for label, n in got.items() if n}
            self.assertEqual(got, expected)
