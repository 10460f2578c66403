# Copyright (c) 2026, support_hub developers. License: MIT.
"""Canned replies on a real site (support_hub.canned_replies): Email Templates per team, found by word forms,
filled in with the ticket's and customer's fields, only for someone who may answer the ticket."""

import frappe
from frappe.tests.utils import FrappeTestCase

from support_hub import canned_replies
from support_hub.api import canned_replies as api
from support_hub.testing import AGENT, ensure_user, make_ticket, setup_support_world

CLAIMS_ONLY = "sh-test-claims-canned@example.com"


def ensure_team(name: str) -> str:
    if not frappe.db.exists("Support Team", name):
        frappe.get_doc({"doctype": "Support Team", "team_name": name}).insert(ignore_permissions=True)
    return name


def template(name: str, subject: str, response: str, team: str | None = None) -> str:
    if frappe.db.exists("Email Template", name):
        frappe.delete_doc("Email Template", name, ignore_permissions=True, force=True)
    frappe.get_doc({"doctype": "Email Template", "name": name, "subject": subject, "response": response,
                    canned_replies.TEAM_FIELD: team}).insert(ignore_permissions=True)
    return name


class TestCannedReplies(FrappeTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        setup_support_world()
        canned_replies.ensure_canned_reply_fields()
        ensure_user(CLAIMS_ONLY, "Claims Officer")
        cls.returns, cls.billing = ensure_team("Canned Returns"), ensure_team("Canned Billing")
        cls.contact = frappe.get_doc({"doctype": "Contact", "first_name": "Анна", "last_name": "Смирнова",
                                      "email_ids": [{"email_id": "anna.canned@example.com", "is_primary": 1}]}
                                     ).insert(ignore_permissions=True).name
        cls.refund = template("Canned возврат денег", "Возврат по заявке {{ name }}",
                              "<p>Здравствуйте, {{ customer_name }}!</p><p>Возврат по «{{ doc.subject }}» оформлен. "
                              "Пишем на {{ contact.email_id }}. {{ agent_name }}</p>", cls.returns)
        cls.invoice = template("Canned счёт", "Счёт", "<p>Счёт для {{ customer.name }}</p>", cls.billing)
        cls.shared = template("Canned доставка", "Доставка {{ ticket.name }}", "<p>Заказ доставят завтра</p>")

    def tearDown(self):
        frappe.set_user("Administrator")

    def ticket(self, team):
        return make_ticket(subject="Не пришли деньги & чек", team=team, contact=self.contact, customer_type="Contact",
                           customer=self.contact, raised_by="anna.canned@example.com")

    def test_an_agent_gets_the_template_filled_in_with_the_tickets_and_customers_fields(self):
        ticket = self.ticket(self.returns)
        frappe.set_user(AGENT)
        reply = api.render(ticket.name, self.refund)
        self.assertEqual(reply["subject"], f"Возврат по заявке {ticket.name}")
        self.assertIn("Здравствуйте, Анна Смирнова!", reply["message"])
        self.assertIn("«Не пришли деньги & чек»", reply["message"])  # the subject as the customer wrote it
        self.assertIn("anna.canned@example.com", reply["message"])
        self.assertIn(frappe.utils.get_fullname(AGENT), reply["message"])
        self.assertNotIn("<p>", reply["text"])  # plain text for Telegram
        self.assertIn("Здравствуйте, Анна Смирнова!", reply["text"])

    def test_a_team_sees_its_own_and_the_shared_templates_and_none_of_another_team(self):
        ticket = self.ticket(self.returns)
        frappe.set_user(AGENT)
        offered = [row["name"] for row in api.search(ticket.name, "")]
        self.assertIn(self.refund, offered)
        self.assertIn(self.shared, offered)
        self.assertNotIn(self.invoice, offered)
        with self.assertRaises(canned_replies.NotForThisTeam):
            api.render(ticket.name, self.invoice)
        other = self.ticket(self.billing)
        self.assertIn(self.invoice, [row["name"] for row in api.search(other.name, "")])
        self.assertNotIn(self.refund, [row["name"] for row in api.search(other.name, "")])

    def test_search_finds_word_forms(self):
        ticket = self.ticket(self.returns)
        frappe.set_user(AGENT)
        for query in ("возвраты ", "вернуть ", "возвр", "денег "):
            self.assertEqual([row["name"] for row in api.search(ticket.name, query) if row["name"].startswith("Canned")],
                             [self.refund], query)
        self.assertEqual([r["name"] for r in api.search(ticket.name, "доставили ") if r["name"].startswith("Canned")],
                         [self.shared])
        self.assertEqual(api.search(ticket.name, "достать "), [])

    def test_the_composers_link_search_offers_the_tickets_teams_templates(self):
        ticket = self.ticket(self.returns)
        frappe.set_user(AGENT)
        rows = api.template_query("Email Template", "возврат", "name", 0, 20, {"ticket": ticket.name})
        self.assertEqual([r for r in rows if r[0].startswith("Canned")], [(self.refund, "Возврат по заявке {{ name }}")])
        rows = api.template_query("Email Template", "", "name", 0, 20, f'{{"ticket": "{ticket.name}"}}')
        self.assertNotIn(self.invoice, [r[0] for r in rows])

    def test_only_someone_who_may_answer_the_ticket_gets_a_reply_and_bad_input_is_refused(self):
        ticket = self.ticket(self.returns)
        frappe.set_user(CLAIMS_ONLY)
        with self.assertRaises(frappe.PermissionError):
            api.render(ticket.name, self.refund)
        with self.assertRaises(frappe.PermissionError):
            api.search(ticket.name, "")
        frappe.set_user(AGENT)
        with self.assertRaises(frappe.DoesNotExistError):
            api.render(ticket.name, "No such template")
        with self.assertRaises(frappe.DoesNotExistError):
            api.render("TCK-99999999", self.refund)
        with self.assertRaises(frappe.ValidationError):
            api.render(ticket.name)  # missing template
