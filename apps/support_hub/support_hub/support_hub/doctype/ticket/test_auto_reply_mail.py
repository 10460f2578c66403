# Copyright (c) 2026, support_hub developers. License: MIT.
"""The auto-reply's e-mail in the ready-made frame (automation.mail_queue), and any e-mail with Premailer's
stylesheet rules kept per process (mail_styles), is the e-mail Frappe builds."""

import email
import email.policy

import frappe
import lxml.html
from frappe.utils.jinja import get_email_from_template
from premailer import Premailer
from frappe.email.doctype.email_account.email_account import EmailAccount
from frappe.email.doctype.email_queue.email_queue import QueueBuilder
from frappe.email.email_body import get_formatted_html
from frappe.tests.utils import FrappeTestCase

from support_hub import mail_styles
from support_hub.automation import channels, mail_queue
from support_hub.testing import setup_support_world

REPLY = "Test framed mail reply"


def normalised(page: str) -> str:
    """How a mail reader sees the HTML: parsed, then written out one way."""
    return lxml.html.tostring(lxml.html.document_fromstring(page), encoding="unicode")


def html_part(raw: str) -> str:
    message = email.message_from_string(raw, policy=email.policy.default)
    return next(part.get_content() for part in message.walk() if part.get_content_type() == "text/html")


class TestFramedMail(FrappeTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        setup_support_world()
        cls.account = EmailAccount.find_outgoing(match_by_doctype="Ticket")

    def setUp(self):
        mail_queue._frames.clear()

    def test_a_plain_message_in_the_frame_is_the_page_frappe_makes(self):
        messages = [
            ("Ticket T-1: we answer within 2 hours", "Здравствуйте!<br>Мы ответим до 14:00.<br><br>Служба поддержки"),
            ('Re: "payroll" & <taxes>', channels.as_html("Tom's order #5 & \"the rest\" < 10 €\nsecond line")),
            ("", ""),
        ]
        for subject, message in messages:
            with self.subTest(subject=subject):
                frappes = get_formatted_html(subject, message, email_account=self.account)
                ours = mail_queue.framed(subject, message, email_account=self.account)
                self.assertEqual(normalised(ours), normalised(frappes))
                self.assertIn('style="', ours)  # the stylesheet is inlined into the frame

    def test_the_frame_is_made_once_and_reused(self):
        mail_queue.framed("one", "first", email_account=self.account)
        frame = next(iter(mail_queue._frames.values()))[1]
        second = mail_queue.framed("two", "second", email_account=self.account)
        self.assertEqual(len(mail_queue._frames), 1)
        self.assertEqual(second, frame.replace(mail_queue.SUBJECT_MARK, "two").replace(mail_queue.CONTENT_MARK, "second"))

    def test_markup_goes_frappes_own_way(self):
        for message in ("<b>bold</b>", "<p>para</p>", "a <a href='/x'>link</a>"):
            self.assertFalse(mail_queue.is_plain(message), message)
        for message in ("plain", "a &amp; b<br>c", "«ёлка»"):
            self.assertTrue(mail_queue.is_plain(message), message)

    def test_a_new_tickets_auto_reply_is_queued_in_the_frame(self):
        if not frappe.db.exists("Auto Reply", REPLY):
            frappe.get_doc({"doctype": "Auto Reply", "reply_name": REPLY, "send_when": "Any", "language": "en",
                            "template": "Ticket {{ doc.name }}: we answer {{ due_human }}.\nThanks & regards"}
                           ).insert(ignore_permissions=True)
        self.addCleanup(frappe.delete_doc, "Auto Reply", REPLY, force=True, ignore_permissions=True)
        ticket = frappe.get_doc({"doctype": "Ticket", "subject": "Framed mail: printer jams", "channel": "Email",
                                 "raised_by": "framed-mail@example.com",
                                 "description": "<p>The printer jams</p>"}).insert(ignore_permissions=True)
        sent = frappe.get_all("Communication", filters={"reference_doctype": "Ticket", "reference_name": ticket.name,
                                                        "communication_type": "Automated Message"},
                              fields=["name", "subject", "content"])
        self.assertEqual(len(sent), 1, sent)
        queued = frappe.get_all("Email Queue", filters={"communication": sent[0].name}, pluck="message")
        self.assertEqual(len(queued), 1)
        page = html_part(queued[0])
        self.assertIn(f"Ticket {ticket.name}: we answer", page)
        self.assertNotIn(mail_queue.CONTENT_MARK, page)
        self.assertNotIn(mail_queue.SUBJECT_MARK, page)
        # what Frappe's own QueueBuilder makes of the same Communication (unsubscribe line and all)
        frappes = mail_queue.builder(frappe.get_doc("Communication", sent[0].name), builder_class=QueueBuilder)
        self.assertEqual(normalised(page), normalised(frappes.email_html_content()))


class TestStylesheetRulesKept(FrappeTestCase):
    def test_every_request_and_job_keeps_them(self):
        self.assertIn("support_hub.mail_styles.install", frappe.get_hooks("before_request"))
        self.assertIn("support_hub.mail_styles.install", frappe.get_hooks("before_job"))

    def test_a_notification_mail_comes_out_as_frappe_makes_it(self):
        mail_styles.install()
        mail_styles.install()  # idempotent: one wrapper, not two
        kept = Premailer._parse_style_rules
        self.assertFalse(hasattr(kept.__wrapped__, "__wrapped__"))
        message = get_email_from_template("new_notification", {
            "body_content": "Maria assigned a new task Ticket TCK-1 to you", "description": "<div>Assignment</div>",
            "document_type": "Ticket", "document_name": "TCK-1", "doc_link": "http://x/app/ticket/TCK-1"})[0]
        Premailer._parse_style_rules = kept.__wrapped__
        try:
            frappes = get_formatted_html("New assignment", message)
        finally:
            Premailer._parse_style_rules = kept
        first, again = (get_formatted_html("New assignment", message) for _ in range(2))
        self.assertIn('style="', frappes)
        self.assertEqual(first, frappes)
        self.assertEqual(again, frappes)
