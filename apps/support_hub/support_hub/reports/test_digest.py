# Copyright (c) 2026, support_hub developers. License: MIT.

import email
from datetime import date, datetime
from email.header import decode_header, make_header

import frappe
from frappe.tests.utils import FrappeTestCase

from support_hub.engine.stats import DONE_SINCE
from support_hub.reports.digest import build_digest, previous_week_monday, send_weekly_digest
from support_hub.reports.testing import AGENT, MANAGER, setup_report_world, shaped_ticket
from support_hub.testing import ensure_user

RU_MANAGER = "sh-digest-ru@example.com"
OFF_MANAGER = "sh-digest-off@example.com"
MONDAY_MORNING = datetime(2024, 3, 11, 8, 0)  # the digest covers 4-10 March 2024 (2024-W10)


def queued_mail(recipient: str, since) -> list[tuple[str, str]]:
    """(subject, html body) of each digest for week 2024-W10 queued for `recipient` since `since` (the
    site keeps the mail of earlier runs, and other tests' notifications reach the same people)."""
    names = frappe.get_all("Email Queue Recipient", filters={"recipient": recipient}, pluck="parent")
    out = []
    for message in frappe.get_all("Email Queue", filters={"name": ["in", names], "creation": [">=", since]},
                                  pluck="message"):
        parsed = email.message_from_string(message)
        html = "".join(
            part.get_payload(decode=True).decode(part.get_content_charset() or "utf-8")
            for part in parsed.walk()
            if part.get_content_type() == "text/html"
        )
        subject = str(make_header(decode_header(parsed["Subject"])))
        if "2024-W10" in subject:
            out.append((subject, html))
    return out


class TestWeeklyDigest(FrappeTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        setup_report_world()
        ensure_user(RU_MANAGER, "Support Manager")
        ensure_user(OFF_MANAGER, "Support Manager")
        frappe.db.set_value("User", RU_MANAGER, "language", "ru")
        frappe.db.set_value("User", MANAGER, "language", "en")
        frappe.db.set_value("User", OFF_MANAGER, "enabled", 0)
        if not frappe.db.exists("Email Account", "SHR Digest Outgoing"):  # the site's outgoing mail account
            frappe.get_doc({"doctype": "Email Account", "email_account_name": "SHR Digest Outgoing",
                            "email_id": "support-digest@example.com", "enable_outgoing": 1, "default_outgoing": 1,
                            "smtp_server": "smtp.example.com", "no_smtp_authentication": 1, "enable_incoming": 0,
                            "awaiting_password": 0}).insert(ignore_permissions=True)
        t = datetime
        shaped_ticket(opened_on=t(2024, 3, 4, 10), first_responded_on=t(2024, 3, 4, 10, 30),
                      resolved_on=t(2024, 3, 5, 10), status="Resolved", sla_status="Met",
                      rating="great", rated_on=t(2024, 3, 5, 12))
        cls.excluded = shaped_ticket(opened_on=t(2024, 3, 5, 10), first_responded_on=t(2024, 3, 5, 11, 30),
                                     resolved_on=t(2024, 3, 6, 10), status="Closed", sla_status="Breached",
                                     rating="bad", rated_on=t(2024, 3, 6, 12), rating_excluded=1)
        shaped_ticket(opened_on=t(2024, 3, 6, 10), first_responded_on=t(2024, 3, 6, 10, 10),
                      status="Waiting for Customer", sla_status="Paused")
        shaped_ticket(opened_on=t(2024, 2, 26, 10), status="In Development", sla_status="Breached")
        shaped_ticket(opened_on=t(2024, 3, 7, 10), resolved_on=t(2024, 3, 12, 10), status="Closed")
        shaped_ticket(opened_on=t(2024, 3, 1, 10), first_responded_on=t(2024, 3, 1, 11),
                      resolved_on=t(2024, 3, 8, 10), status="Resolved", sla_status="Met",
                      rating="ok", rated_on=t(2024, 3, 8, 12))

    def test_previous_week(self):
        self.assertEqual(previous_week_monday(MONDAY_MORNING), date(2024, 3, 4))
        self.assertEqual(previous_week_monday(datetime(2024, 3, 17, 23, 59)), date(2024, 3, 4))

    def test_build_digest(self):
        digest = build_digest(date(2024, 3, 6))  # any day of the week
        self.assertEqual(digest["iso_week"], "2024-W10")
        self.assertEqual((digest["new"], digest["resolved"], digest["open_at_end"]), (4, 3, 3))
        self.assertEqual(digest["open_by_status"], {DONE_SINCE: 1, "In Development": 1, "Waiting for Customer": 1})
        self.assertEqual(digest["sla"], {"met": 2, "breached": 1, "share": 2 / 3})
        self.assertEqual((digest["csat"]["great"], digest["csat"]["ok"], digest["csat"]["total"]), (1, 1, 2))
        self.assertEqual(digest["csat"]["excluded"], [self.excluded])
        self.assertEqual(digest["first_response"], {"median": 30.0, "p90": 90.0, "count": 3})

    def test_email_to_every_support_manager_in_their_language(self):
        started = frappe.utils.now_datetime()
        send_weekly_digest(now=MONDAY_MORNING)

        [(subject, body)] = queued_mail(MANAGER, started)
        self.assertEqual(subject, "Support, week 2024-W10 (2024-03-04 – 2024-03-10)")
        for line in ("New tickets: 4", "Resolved: 3", "Open at the end of the week: 3", "SLA met: 67% (2 of 3)",
                     "Rated great: 50% (1 of 2); excluded from statistics: " + self.excluded,
                     "Median first response: 30 min (p90 1 h 30 min)"):
            self.assertIn(line, body)

        [(subject, body)] = queued_mail(RU_MANAGER, started)
        self.assertEqual(subject, "Поддержка, неделя 2024-W10 (04.03.2024 – 10.03.2024)")
        for line in ("Новые обращения: 4", "Решено: 3", "Открыто на конец недели: 3", "SLA выполнен: 67% (2 из 3)",
                     "Медиана первого ответа: 30 мин"):
            self.assertIn(line, body)

        self.assertEqual(queued_mail(OFF_MANAGER, started), [])  # disabled
        self.assertEqual(queued_mail(AGENT, started), [])  # not a manager
