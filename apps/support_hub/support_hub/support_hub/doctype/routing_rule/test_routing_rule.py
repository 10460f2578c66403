# Copyright (c) 2026, support_hub developers. License: MIT.

import frappe
from frappe.desk.form.assign_to import get as get_assignments
from frappe.tests.utils import FrappeTestCase, change_settings

from support_hub.support_hub.doctype.routing_rule.routing_rule import test_rule as run_test_button
from support_hub.testing import ensure_user, make_ticket, setup_support_world

AGENTS = ["sh-route-1@example.com", "sh-route-2@example.com", "sh-route-3@example.com"]
OWNER = "sh-account-owner@example.com"


def assignees(ticket) -> list[str]:
    return [a.owner for a in get_assignments({"doctype": "Ticket", "name": ticket.name})]


def timeline(ticket) -> list[str]:
    return frappe.get_all(
        "Comment",
        filters={"reference_doctype": "Ticket", "reference_name": ticket.name, "comment_type": "Info"},
        pluck="content",
    )


def make_rule(name, keywords, **actions):
    if frappe.db.exists("Routing Rule", name):
        frappe.delete_doc("Routing Rule", name, force=True, ignore_permissions=True)
    return frappe.get_doc({"doctype": "Routing Rule", "rule_name": name, "keywords": keywords, **actions}).insert(
        ignore_permissions=True
    )


class TestRouting(FrappeTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        setup_support_world()
        for agent in AGENTS:
            ensure_user(agent, "Support Agent")
        ensure_user(OWNER, "Support Agent")
        for team, members in (("Payroll Desk", AGENTS[:2]), ("Front Desk", AGENTS)):
            if frappe.db.exists("Support Team", team):
                frappe.delete_doc("Support Team", team, force=True, ignore_permissions=True)
            frappe.get_doc(
                {"doctype": "Support Team", "team_name": team, "members": [{"user": u} for u in members]}
            ).insert(ignore_permissions=True)
        frappe.db.delete("Routing Rule")
        make_rule("Payroll", "зарплата\nвыгрузка в банк", sequence=10, assign_to_team="Payroll Desk",
                  set_priority="Urgent", add_tags="payroll")
        make_rule("Cats", "кот", sequence=20, assign_to_user=AGENTS[2])
        make_rule("Invoices", "invoice", sequence=30, assign_to_user=AGENTS[2], set_ticket_type="Implementation")

    def test_word_form_match_assigns_round_robin_and_explains(self):
        first = make_ticket(subject="Не пришли зарплаты за март")
        second = make_ticket(subject="Зарплату не выгрузили")
        third = make_ticket(subject="Зарплатная ведомость пустая")
        people = [assignees(t)[0] for t in (first, second, third)]
        self.assertEqual(people[0], people[2])
        self.assertEqual(sorted(people[:2]), sorted(AGENTS[:2]))
        self.assertEqual(first.priority, "Urgent")
        self.assertIn("payroll", frappe.get_doc("Ticket", first.name).get_tags())
        entry = timeline(first)
        self.assertTrue(any("Routing rule «Payroll»" in c and "«зарплаты» ~ «зарплата»" in c for c in entry), entry)
        log = frappe.get_all("Support Automation Log", filters={"ticket": first.name, "automation": "Routing"},
                             fields=["automation", "rule"])
        self.assertEqual([(r.automation, r.rule) for r in log], [("Routing", "Payroll")])

    def test_phrase_and_english_forms(self):
        ticket = make_ticket(subject="Invoicing is broken for March")
        self.assertEqual(assignees(ticket), [AGENTS[2]])
        self.assertEqual(ticket.ticket_type, "Implementation")
        self.assertEqual(ticket.sla_policy, "Test Implementation")  # routing ran before the SLA was chosen
        phrase = make_ticket(subject="Проблема", description="<p>Не проходит выгрузка зарплаты в банк</p>")
        self.assertIn(assignees(phrase)[0], AGENTS[:2])

    def test_no_false_hits_and_unmatched_tickets_go_to_the_default_team(self):
        with change_settings("Support Hub Settings", default_team="Front Desk"):
            ticket = make_ticket(subject="Котировки валют не обновляются", team=None)
        self.assertEqual(len(assignees(ticket)), 1)
        self.assertTrue(any(c.startswith("No routing rule matched: assigned to") for c in timeline(ticket)), timeline(ticket))
        self.assertFalse(frappe.db.exists("Support Automation Log", {"ticket": ticket.name, "rule": "Cats"}))

    def test_least_open_strategy(self):
        make_rule("Least", "склад", sequence=5, assign_to_team="Front Desk", team_strategy="Least Open")
        # From no open tickets each (an earlier run's committed assignments would weigh in; rolled back)
        frappe.db.sql("update `tabToDo` set status = 'Closed' where status = 'Open' and allocated_to in %(agents)s",
                      {"agents": AGENTS})
        for _ in range(2):
            make_ticket(subject="Зарплата")  # loads the payroll agents
        picked = assignees(make_ticket(subject="Остатки на складе"))
        self.assertEqual(picked, [AGENTS[2]])

    def test_account_manager_gets_the_ticket_first(self):
        from frappe.custom.doctype.custom_field.custom_field import create_custom_fields

        create_custom_fields({"Contact": [{"fieldname": "support_owner", "fieldtype": "Link", "options": "User",
                                           "label": "Support Owner"}]})
        contact = frappe.get_doc({"doctype": "Contact", "first_name": "Key", "last_name": "Client",
                                  "support_owner": OWNER}).insert(ignore_permissions=True)
        ticket = make_ticket(subject="Зарплата не считается", customer_type="Contact", customer=contact.name)
        self.assertEqual(assignees(ticket), [OWNER])
        self.assertEqual(ticket.priority, "Urgent")  # the rule's other actions still apply
        self.assertTrue(any("account manager" in c for c in timeline(ticket)), timeline(ticket))

    def test_a_ticket_whose_intake_job_was_lost_is_processed_by_the_sweep(self):
        from frappe.utils import add_to_date, now_datetime

        from support_hub.automation import intake

        ticket = make_ticket(subject="Зарплата опять")
        # as if the worker died before running the job
        frappe.db.delete("ToDo", {"reference_type": "Ticket", "reference_name": ticket.name})
        frappe.db.delete("Support Automation Log", {"ticket": ticket.name})
        frappe.db.set_value("Ticket", ticket.name, {"intake_done": 0, "_assign": ""})
        self.assertNotIn(ticket.name, intake.sweep_unprocessed(now=now_datetime()))  # still in its grace period
        self.assertIn(ticket.name, intake.sweep_unprocessed(now=add_to_date(now_datetime(), minutes=10)))
        self.assertIn(assignees(ticket)[0], AGENTS[:2])
        self.assertTrue(frappe.db.exists("Support Automation Log", {"ticket": ticket.name, "rule": "Payroll"}))
        self.assertNotIn(ticket.name, intake.sweep_unprocessed(now=add_to_date(now_datetime(), minutes=20)))

    def test_the_sweep_isolates_a_ticket_that_fails_and_goes_on(self):
        from frappe.utils import add_to_date, now_datetime

        from support_hub.automation import intake

        first = make_ticket(subject="Зарплата первая", raised_by="first-sweep@example.com")
        # intake accepts an address on a Cyrillic domain; Frappe's Contact refuses its local part
        broken = make_ticket(subject="Зарплата сломанная", raised_by="иван@xn--80a1acny.xn--p1ai")
        last = make_ticket(subject="Зарплата последняя", raised_by="last-sweep@example.com")
        for ticket in (first, broken, last):  # as if all three jobs were lost
            frappe.db.delete("ToDo", {"reference_type": "Ticket", "reference_name": ticket.name})
            frappe.db.delete("Support Automation Log", {"ticket": ticket.name})
            frappe.db.delete("Error Log", {"reference_doctype": "Ticket", "reference_name": ticket.name})
            frappe.db.set_value("Ticket", ticket.name, {"intake_done": 0, "_assign": "", "contact": None})
        later = add_to_date(now_datetime(), minutes=10)
        swept = intake.sweep_unprocessed(now=later)
        self.assertTrue({first.name, broken.name, last.name} <= set(swept), swept)
        self.assertTrue(assignees(first) and assignees(last), (assignees(first), assignees(last)))
        self.assertEqual(frappe.db.get_value("Ticket", broken.name, "intake_done"), 0)
        self.assertTrue(any("Automatic intake failed" in c for c in timeline(broken)), timeline(broken))
        self.assertEqual(frappe.db.count("Error Log", {"reference_doctype": "Ticket", "reference_name": broken.name}), 1)
        # the next sweeps leave it to a person: no retry loop, no second error
        self.assertNotIn(broken.name, intake.sweep_unprocessed(now=add_to_date(later, minutes=5)))
        self.assertEqual(frappe.db.count("Error Log", {"reference_doctype": "Ticket", "reference_name": broken.name}), 1)

    def test_intake_work_is_done_by_the_automation_user_whoever_sent_the_ticket(self):
        from support_hub.automation.actor import AUTOMATION_USER

        frappe.set_user("Guest")
        try:
            ticket = frappe.get_doc({"doctype": "Ticket", "subject": "Зарплата гостя", "channel": "Web",
                                     "raised_by": "guest-intake@example.com"}).insert(ignore_permissions=True)
        finally:
            frappe.set_user("Administrator")
        self.assertEqual(frappe.session.user, "Administrator")  # the session is given back
        self.assertIn(assignees(ticket)[0], AGENTS[:2])
        self.assertEqual(frappe.db.get_value("Ticket", ticket.name, "intake_done"), 1)
        log_owner = frappe.db.get_value("Support Automation Log", {"ticket": ticket.name, "automation": "Routing"}, "owner")
        self.assertEqual(log_owner, AUTOMATION_USER)

    def test_a_rules_new_tags_exist_once_it_is_saved(self):
        # so a burst's first tickets do not race to create them (intake's TagRaced is the fallback)
        tag = f"rule-tag-{frappe.generate_hash(length=6)}"
        self.assertFalse(frappe.db.exists("Tag", tag))
        make_rule(f"Tags {tag}", "возврат", add_tags=f"{tag}, vip")
        self.assertTrue(frappe.db.exists("Tag", tag))

    def test_bad_rules_are_refused_with_a_clear_message(self):
        with self.assertRaises(frappe.ValidationError) as caught:
            make_rule("Empty", "  \n ", assign_to_user=AGENTS[0])
        self.assertIn("no keywords and no conditions", str(caught.exception))
        self.assertFalse(frappe.db.exists("Routing Rule", "Empty"))
        with self.assertRaises(frappe.ValidationError) as caught:
            make_rule("No action", "зарплата")
        self.assertIn("no action", str(caught.exception))
        with self.assertRaises(frappe.ValidationError) as caught:
            make_rule("Ghost", "зарплата", assign_to_user="nobody-here@example.com")
        self.assertIn("nobody-here@example.com", str(caught.exception))

    def test_a_rule_by_channel_alone_routes_every_ticket_of_that_channel(self):
        rule = make_rule("Every call", "", channel="Phone", sequence=100, add_tags="входящий",
                         assign_to_user=AGENTS[2])
        try:
            self.assertEqual(rule.keywords, "")
            call = make_ticket(subject="Звонок без слов", channel="Phone")
            self.assertEqual(assignees(call), [AGENTS[2]])
            self.assertIn("входящий", frappe.get_doc("Ticket", call.name).get_tags())
            self.assertTrue(any("Routing rule «Every call» (channel = Phone)" in c for c in timeline(call)), timeline(call))
            # an earlier keyword rule still comes first; other channels are not touched
            payroll_call = make_ticket(subject="Зарплата по телефону", channel="Phone")
            self.assertIn(assignees(payroll_call)[0], AGENTS[:2])
            mail = make_ticket(subject="Письмо без слов", channel="Email")
            self.assertNotIn("входящий", frappe.get_doc("Ticket", mail.name).get_tags())
            self.assertEqual(run_test_button("Every call", ""), {"matched": True, "why": "channel = Phone"})
        finally:
            frappe.delete_doc("Routing Rule", "Every call", force=True, ignore_permissions=True)

    def test_test_button_shows_which_word_form_matched_which_keyword(self):
        make_rule("Delivery", "доставка\ndelivery", sequence=40, set_priority="Urgent")
        try:
            result = run_test_button("Delivery", "Заказ так и не доставили")
            self.assertEqual(result["why"], "«доставили» ~ «доставка»")
            self.assertEqual(result["words"],
                             ["«доставили» is a form of «доставить», of the family of «доставка» (both from «достав»)"])
            result = run_test_button("Delivery", "Недоставленный заказ")
            self.assertEqual(result["words"], ["«Недоставленный» is «не» + «доставить», of the family of «доставка» "
                                               "(both from «достав»)"])
            self.assertEqual(run_test_button("Delivery", "Parcel delivered late")["words"],
                             ["«delivered» and «delivery» share the stem «deliv»"])
            for look_alike in ("Не могу достать накладную", "deliberate delay", "доставщик опоздал"):
                self.assertEqual(run_test_button("Delivery", look_alike), {"matched": False, "why": ""})
            frappe.local.lang = "ru"
            self.assertEqual(run_test_button("Delivery", "доставку")["words"], ["«доставку» — форма слова «доставка»"])
        finally:
            frappe.local.lang = "en"
            frappe.delete_doc("Routing Rule", "Delivery", force=True, ignore_permissions=True)

    def test_test_button_explains_and_checks_permission(self):
        self.assertEqual(run_test_button("Payroll", "Где мои зарплаты?"), {"matched": True, "why": "«зарплаты» ~ «зарплата»",
                                                                           "words": ["«зарплаты» is a form of «зарплата»"]})
        self.assertFalse(run_test_button("Cats", "котировки и банк")["matched"])
        frappe.set_user("Guest")
        try:
            with self.assertRaises(frappe.PermissionError):
                run_test_button("Payroll", "зарплата")
        finally:
            frappe.set_user("Administrator")
