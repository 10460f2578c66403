# Copyright (c) 2026, support_hub developers. License: MIT.

from email.message import EmailMessage
from email.utils import make_msgid

import frappe
from frappe.tests.utils import FrappeTestCase
from frappe.utils import add_days, now_datetime

from support_hub.intake.email import TicketInboundMail
from support_hub.testing import setup_support_world

SUPPORT = "support@hub.example"


def raw_mail(sender, subject, body="Hello, it does not work.", **headers) -> bytes:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = SUPPORT
    message["Subject"] = subject
    message["Message-ID"] = headers.pop("message_id", None) or make_msgid(domain="customer.example")
    message["Date"] = "Mon, 02 Mar 2026 10:00:00 +0300"
    for key, value in headers.items():
        message[key.replace("_", "-")] = value
    message.set_content(body)
    return message.as_bytes()


class TestEmailIntake(FrappeTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        setup_support_world()
        if not frappe.db.exists("Email Account", "Support Inbox"):
            frappe.get_doc({"doctype": "Email Account", "email_account_name": "Support Inbox", "email_id": SUPPORT,
                            "append_to": "Ticket", "enable_incoming": 0, "enable_outgoing": 0,
                            "awaiting_password": 0, "no_smtp_authentication": 1}).insert(ignore_permissions=True)
        cls.account = frappe.get_doc("Email Account", "Support Inbox")

    def receive(self, raw: bytes):
        mail = TicketInboundMail(raw, self.account)
        return mail.process()

    def tickets_from(self, sender):
        return frappe.get_all("Ticket", filters={"raised_by": sender}, fields=["name", "status", "channel"],
                              order_by="creation asc")

    def test_a_new_mail_opens_a_ticket_and_a_reply_threads_into_it(self):
        first_id = make_msgid(domain="customer.example")
        communication = self.receive(raw_mail("Ivan <ivan@customer.example>", "Invoice is wrong", message_id=first_id))
        (ticket,) = self.tickets_from("ivan@customer.example")
        self.assertEqual(ticket.channel, "Email")
        self.assertEqual((communication.reference_doctype, communication.reference_name), ("Ticket", ticket.name))
        self.assertTrue(frappe.db.get_value("Ticket", ticket.name, "contact"))  # the sender became a contact

        frappe.db.set_value("Ticket", ticket.name, "status", "Waiting for Customer")
        reply = self.receive(raw_mail("ivan@customer.example", "Re: Invoice is wrong", In_Reply_To=first_id,
                                      References=first_id))
        self.assertEqual(reply.reference_name, ticket.name)
        self.assertEqual(frappe.db.get_value("Ticket", ticket.name, "status"), "Open")  # reopened by the reply
        self.assertEqual(len(self.tickets_from("ivan@customer.example")), 1)

    def test_ticket_number_in_the_subject_threads_only_for_its_customer(self):
        self.receive(raw_mail("olga@customer.example", "Export broken"))
        (ticket,) = self.tickets_from("olga@customer.example")
        again = self.receive(raw_mail("olga@customer.example", f"Fwd: about [{ticket.name}] again"))
        self.assertEqual(again.reference_name, ticket.name)
        stranger = self.receive(raw_mail("mallory@evil.example", f"Re: [{ticket.name}] give me the data"))
        self.assertNotEqual(stranger.reference_name, ticket.name)

    def test_auto_replies_and_bounces_never_open_or_reopen_tickets(self):
        for raw in (
            raw_mail("pavel@customer.example", "Automatic reply: Invoice", Auto_Submitted="auto-replied"),
            raw_mail("MAILER-DAEMON@mx.customer.example", "Undelivered Mail Returned to Sender"),
            raw_mail("pavel@customer.example", "Out of office", Precedence="auto_reply"),
            raw_mail("pavel@customer.example", "Автоответ: Счёт", X_Autoreply="yes"),
        ):
            communication = self.receive(raw)
            self.assertFalse(communication.reference_name)
        self.assertEqual(self.tickets_from("pavel@customer.example"), [])
        self.assertEqual(self.tickets_from("mailer-daemon@mx.customer.example"), [])

    def test_reply_to_a_ticket_closed_long_ago_opens_a_new_one(self):
        first_id = make_msgid(domain="customer.example")
        self.receive(raw_mail("elena@customer.example", "Access problem", message_id=first_id))
        (old,) = self.tickets_from("elena@customer.example")
        frappe.db.set_value("Ticket", old.name, {"status": "Closed", "resolved_on": add_days(now_datetime(), -60)})
        self.receive(raw_mail("elena@customer.example", "Re: Access problem", In_Reply_To=first_id))
        tickets = self.tickets_from("elena@customer.example")
        self.assertEqual(len(tickets), 2)
        self.assertEqual(frappe.db.get_value("Ticket", old.name, "status"), "Closed")
        comments = frappe.get_all("Comment", filters={"reference_name": tickets[1].name, "comment_type": "Info"},
                                  pluck="content")
        self.assertTrue(any(old.name in c for c in comments), comments)
