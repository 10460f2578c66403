"""A ticket names its order, on real ERPNext with the grocery story (imported into erp/test_erp.py):
linked at intake when the shopper's message names an order of hers, never someone else's; picked by
the agent from her recent orders; one order doctype for the panel, claims and the ticket."""

from __future__ import annotations

import uuid

import frappe

from support_hub.erp.testing import ERPTestCase, shared_story
from support_hub.testing import AGENT, ensure_user


class TestTicketOrder(ERPTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.story = shared_story()
        ensure_user(AGENT, "Support Agent")

    def tearDown(self):
        frappe.set_user("Administrator")

    def web_ticket(self, subject, description="", email=None):
        from support_hub.api.intake import create_ticket

        frappe.set_user("Guest")
        try:
            name = create_ticket(subject=subject, description=description, email=email or self.story.email)["ticket"]
        finally:
            frappe.set_user("Administrator")
        return frappe.get_doc("Ticket", name)

    def test_the_erp_number_in_the_message_links_the_order(self):
        ticket = self.web_ticket("Нет молока", f"В заказе №{self.story.orders['short']} не хватает молока")
        self.assertEqual((ticket.customer, ticket.order_doctype, ticket.order),
                         (self.story.customer, "Sales Order", self.story.orders["short"]))

    def test_the_shoppers_own_number_links_the_order(self):
        ticket = self.web_ticket(f"Заказ {self.story.po_no.lower()}: курьер опоздал")
        self.assertEqual(ticket.order, self.story.orders["short"])

    def test_a_number_that_is_not_hers_is_never_linked(self):
        ticket = self.web_ticket("Чужой заказ", f"Заказ {self.story.other_order} не пришёл")
        self.assertEqual((ticket.customer, ticket.order), (self.story.customer, None))
        stranger = self.web_ticket("Заказ", f"Заказ {self.story.orders['short']}", email=f"x-{uuid.uuid4().hex[:6]}@example.com")
        self.assertIsNone(stranger.order)

    def test_a_cancelled_order_or_two_orders_are_not_linked(self):
        self.assertIsNone(self.web_ticket("Отмена", f"заказ {self.story.orders['cancelled']}").order)
        both = self.web_ticket("Два", f"{self.story.orders['short']} и {self.story.orders['open']}")
        self.assertIsNone(both.order)

    def test_the_agent_picks_from_her_recent_orders_cancelled_last(self):
        from support_hub.crm.orders import order_query

        frappe.set_user(AGENT)
        rows = order_query("Sales Order", "", "name", 0, 20, {"customer": self.story.customer})
        names = [name for name, _description in rows]
        live = [self.story.orders[r] for r in ("open", "unpaid", "short", "returned")]
        self.assertEqual(names, live + [self.story.orders["cancelled"]])
        self.assertNotIn(self.story.other_order, names)
        description = dict(rows)[self.story.orders["short"]]
        self.assertIn("649", description)
        self.assertIn(self.story.po_no, description)
        self.assertEqual([n for n, _d in order_query("Sales Order", self.story.po_no, "name", 0, 20,
                                                     {"customer": self.story.customer})],
                         [self.story.orders["short"]])

    def test_the_agent_may_link_her_order_but_not_another_customers(self):
        ticket = self.web_ticket("Вопрос по заказу")
        frappe.set_user(AGENT)
        ticket = frappe.get_doc("Ticket", ticket.name)
        ticket.order = self.story.other_order
        with self.assertRaisesRegex(frappe.ValidationError, "is not an order of"):
            ticket.save()
        ticket.reload()
        ticket.order = self.story.orders["unpaid"]
        ticket.save()
        self.assertEqual(frappe.db.get_value("Ticket", ticket.name, ["order_doctype", "order"]),
                         ("Sales Order", self.story.orders["unpaid"]))

    def test_panel_claims_and_ticket_agree_on_the_order_doctype_with_the_setting_empty(self):
        from support_hub.claims import ticket_link
        from support_hub.crm import orders, panel

        before = frappe.db.get_single_value("Support Hub Settings", "order_doctype")
        frappe.db.set_single_value("Support Hub Settings", "order_doctype", None)
        try:
            self.assertEqual({orders.order_doctype(), ticket_link.order_doctype(), panel.order_settings().order_doctype},
                             {"Sales Order"})
        finally:
            frappe.db.set_single_value("Support Hub Settings", "order_doctype", before)


class TestWebFormOrders(ERPTestCase):
    """The web form offers a signed-in shopper her own orders and links the one she picks."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.story = shared_story()
        if not frappe.db.exists("User", cls.story.email):
            frappe.get_doc({"doctype": "User", "email": cls.story.email, "first_name": "Анна",
                            "user_type": "Website User", "send_welcome_email": 0}).insert(ignore_permissions=True)

    def tearDown(self):
        frappe.set_user("Administrator")

    def submit(self, order, user=None, email=None):
        from support_hub.api.intake import create_ticket

        frappe.set_user(user or self.story.email)
        try:
            return create_ticket(subject="Вопрос по заказу", description="", email=email or self.story.email,
                                 order=order)["ticket"]
        finally:
            frappe.set_user("Administrator")

    def test_the_form_offers_her_orders_newest_first_without_cancelled_ones(self):
        import importlib

        page = importlib.import_module("support_hub.www.contact_support")
        context = frappe._dict()
        frappe.set_user(self.story.email)
        page.get_context(context)
        self.assertEqual(context.user_email, self.story.email)
        self.assertEqual([o.name for o in context.orders],
                         [self.story.orders[r] for r in ("open", "unpaid", "short", "returned")])
        self.assertRegex(context.orders[0].label, r"^Order No\. SAL-ORD-\S+ of \d\d\.\d\d, ")

    def test_her_chosen_order_is_linked(self):
        ticket = self.submit(self.story.orders["returned"])
        self.assertEqual(frappe.db.get_value("Ticket", ticket, "order"), self.story.orders["returned"])

    def test_someone_elses_order_or_a_guests_choice_is_refused_and_nothing_written(self):
        before = frappe.db.count("Ticket")
        with self.assertRaises(frappe.PermissionError):
            self.submit(self.story.other_order)
        with self.assertRaises(frappe.PermissionError):
            self.submit(self.story.orders["short"], user="Guest")
        self.assertEqual(frappe.db.count("Ticket"), before)


class TestBotOrders(ERPTestCase):
    """The customer bot's site store offers the account's own recent orders and links only those."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.story = shared_story()

    def store(self):
        from support_hub.integrations.telegram.customer_store import FrappeBotStore

        return FrappeBotStore(conf=frappe._dict(account_field="name"), commit_sends=False)

    def test_recent_orders_are_hers_newest_first_without_cancelled_ones(self):
        from support_hub.integrations.telegram.bot_flow import order_label

        orders = self.store().recent_orders(self.story.customer)
        self.assertEqual([o.name for o in orders], [self.story.orders[r] for r in ("open", "unpaid", "short", "returned")])
        self.assertEqual(order_label("ru", orders[1]).split(", ")[-1], "497\u00a0₽")

    def test_the_picked_order_is_linked_and_a_forged_one_is_not(self):
        chat = 700000000 + int(uuid.uuid4().int % 1000000)
        mine = self.store().create_ticket(chat, self.story.customer, None, "Не тот хлеб", (),
                                          order=self.story.orders["unpaid"])
        self.assertEqual(frappe.db.get_value("Ticket", mine, "order"), self.story.orders["unpaid"])
        forged = self.store().create_ticket(chat + 1, self.story.customer, None, "вопрос", (),
                                            order=self.story.other_order)
        self.assertIsNone(frappe.db.get_value("Ticket", forged, "order"))
