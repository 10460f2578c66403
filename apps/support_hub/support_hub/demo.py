"""Demo data for a site to click through: `bench --site S execute support_hub.demo.seed`.

Idempotent: a site that already has demo tickets is left alone.
"""

from __future__ import annotations

import random
from datetime import timedelta

import frappe
from frappe.desk.doctype.tag.tag import add_tag
from frappe.utils import add_to_date, get_system_timezone, now_datetime

DEMO_PASSWORD = "support-demo"
AGENTS = [
    ("adelia@support.example", "Adelia", "Support Agent"),
    ("boris@support.example", "Boris", "Support Agent"),
    ("vera@support.example", "Vera", "Support Agent"),
    ("ivan@support.example", "Ivan", "Support Agent"),
]
MANAGER = ("maria@support.example", "Maria", "Support Manager")
# Frappe gives System Manager to the first system user made after setup while no one else has it:
# the site's own administrator is made first, so no agent or manager is ever promoted by accident.
SITE_ADMIN = ("it@support.example", "Irina", "System Manager")
CLAIMS = ("oleg@support.example", "Oleg", "Claims Officer")
TEAMS = {"First Line": AGENTS[:3], "Implementation": AGENTS[2:]}
TOPICS = [
    ("Payroll", "First Line", "Support"),
    ("Data import", "Implementation", "Implementation"),
    ("Invoices", "First Line", "Support"),
    ("Access and passwords", "Support", "Support"),  # the default team has no agents: the "Unassigned" queue
    ("Feature request", "Implementation", "Development"),
]
CUSTOMERS = [
    ("Anna", "Petrova", "anna.petrova@romashka.example", "+7 912 345-67-01"),
    ("Dmitry", "Sokolov", "d.sokolov@vector.example", "+7 912 345-67-02"),
    ("Elena", "Kuznetsova", "elena@northwind.example", "+7 912 345-67-03"),
    ("John", "Miller", "john.miller@contoso.example", "+1 415 555 0104"),
    ("Olga", "Smirnova", "olga.s@alfa-trade.example", "+7 912 345-67-05"),
    ("Pavel", "Volkov", "pavel@stroymarket.example", "+7 912 345-67-06"),
]
SUBJECTS = [
    ("Payroll", "Зарплата за март не выгружается в банк"),
    ("Payroll", "Не считается премия в расчёте зарплаты"),
    ("Data import", "Импорт номенклатуры из Excel падает с ошибкой"),
    ("Data import", "How do I import opening balances?"),
    ("Invoices", "Invoice PDF shows the wrong VAT rate"),
    ("Invoices", "Счёт не отправляется клиенту по почте"),
    ("Access and passwords", "Сотрудник не может войти после смены пароля"),
    ("Access and passwords", "Two-factor codes stopped arriving"),
    ("Feature request", "Нужна выгрузка отчёта по складу в CSV"),
    ("Feature request", "Please add a dark theme"),
]
STATUSES = [
    "Open", "Open", "Open", "In Progress", "In Progress", "Waiting for Customer", "Postponed",
    "In Development", "Solution Proposed", "Resolved", "Closed",
]


def _user(email: str, first_name: str, role: str) -> str:
    if not frappe.db.exists("User", email):
        user = frappe.get_doc(
            {"doctype": "User", "email": email, "first_name": first_name, "send_welcome_email": 0,
             "new_password": DEMO_PASSWORD}
        )
        user.append("roles", {"role": role})
        user.insert(ignore_permissions=True)
    return email


def _contact(first: str, last: str, email: str, phone: str) -> str:
    existing = frappe.db.get_value("Contact Email", {"email_id": email}, "parent")
    if existing:
        return existing
    contact = frappe.get_doc({"doctype": "Contact", "first_name": first, "last_name": last})
    contact.append("email_ids", {"email_id": email, "is_primary": 1})
    contact.append("phone_nos", {"phone": phone, "is_primary_phone": 1})
    return contact.insert(ignore_permissions=True).name


def _setup_records() -> None:
    # The site's System Manager exists already (finish_setup_wizard), so Frappe promotes none of these.
    for email, name, role in [MANAGER, *AGENTS, CLAIMS]:
        _user(email, name, role)
    for team, members in TEAMS.items():
        if not frappe.db.exists("Support Team", team):
            frappe.get_doc(
                {"doctype": "Support Team", "team_name": team, "members": [{"user": m[0]} for m in members]}
            ).insert(ignore_permissions=True)
    for topic, team, ticket_type in TOPICS:
        if not frappe.db.exists("Ticket Topic", topic):
            frappe.get_doc(
                {"doctype": "Ticket Topic", "topic_name": topic, "team": team, "ticket_type": ticket_type}
            ).insert(ignore_permissions=True)
    rules = [
        ("Payroll", 10, "зарплата\nпремия\npayroll", {"assign_to_team": "First Line", "set_priority": "Today",
                                                      "add_tags": "payroll"}),
        ("Import", 20, "импорт\nimport\nвыгрузка", {"assign_to_team": "Implementation", "team_strategy": "Least Open"}),
    ]
    for name, sequence, keywords, actions in rules:
        if not frappe.db.exists("Routing Rule", name):
            frappe.get_doc({"doctype": "Routing Rule", "rule_name": name, "sequence": sequence, "keywords": keywords,
                            **actions}).insert(ignore_permissions=True)
    hours = [
        {"weekday": d, "start_time": "09:00:00", "end_time": "18:00:00"}
        for d in ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")
    ]
    today = now_datetime().date()
    policies = [
        ("Support: first line", {"ticket_type": "Support"},
         [("Urgent", 15, 120), ("Today", 60, 480), ("", 120, 960)]),
        ("Implementation", {"ticket_type": "Implementation"}, [("", 240, 2400)]),
        ("Development", {"ticket_type": "Development"}, [("", 480, 9600)]),
    ]
    for name, criteria, targets in policies:
        if frappe.db.exists("SLA Policy", name):
            continue
        frappe.get_doc(
            {
                "doctype": "SLA Policy",
                "policy_name": name,
                **criteria,
                "time_zone": get_system_timezone(),
                "targets": [
                    {"priority": p, "first_response_minutes": f, "resolution_minutes": r} for p, f, r in targets
                ],
                "business_hours": hours,
                "holidays": [{"holiday_date": today + timedelta(days=40), "description": "Company day off"}],
            }
        ).insert(ignore_permissions=True)
    _setup_follow_through()


# The loops a newcomer should see close by themselves (issue 12): the waiting ladder, rating requests
# (every e-mail, web and phone ticket the seed resolves or closes gets its rating e-mail, support_hub.ratings),
# breach escalation to the team manager with reassignment, canned replies, overdue claims to the claims lead.
LADDER = [
    ("Remind", 48, "Hello! We are still waiting for your answer on «{{ doc.subject }}» ({{ doc.name }}). "
                   "Could you reply to this message?"),
    ("Notify Closing", 72, "We have not heard from you for {{ waited_days }} days. If we get no answer within "
                          "24 hours, request {{ doc.name }} will be closed; you can always write again."),
    ("Close", 24, ""),
]
CANNED_REPLIES = [
    ("Payroll export: bank format", "First Line", "Выгрузка зарплаты в банк",
     "<p>Здравствуйте, {{ customer_name }}!</p><p>По обращению {{ name }} «{{ subject }}»: проверьте формат "
     "выгрузки в настройках зарплатного проекта.</p><p>{{ agent_name }}</p>"),
    ("Import template", "Implementation", "Import template for {{ name }}",
     "<p>Hello {{ customer_name }},</p><p>please use the attached template for the import.</p><p>{{ agent_name }}</p>"),
    ("We are on it", None, "Re: {{ subject }}",
     "<p>Hello {{ customer_name }}, we are working on request {{ name }} and will write back today.</p>"),
]


def _setup_follow_through() -> None:
    if not frappe.db.exists("Waiting Ladder", "Waiting for the customer"):
        frappe.get_doc({
            "doctype": "Waiting Ladder", "ladder_name": "Waiting for the customer", "enabled": 1,
            "steps": [{"action": a, "after_hours": h, "template": t} for a, h, t in LADDER],
        }).insert(ignore_permissions=True)
    # A breach e-mails the team's manager; a breached ticket nobody answers for 30 min goes to another agent.
    frappe.db.set_value("Support Team", "First Line", "manager", MANAGER[0])
    frappe.db.set_value("SLA Policy", "Support: first line", "reassign_after_minutes", 30)
    frappe.db.set_single_value("Claim Settings", "claims_lead", MANAGER[0])
    for name, team, subject, response in CANNED_REPLIES:
        if not frappe.db.exists("Email Template", name):
            frappe.get_doc({"doctype": "Email Template", "name": name, "subject": subject, "response": response,
                            "support_team": team}).insert(ignore_permissions=True)


def _age_waiting_tickets(now, waiting: list[str] | None = None) -> None:
    """Three e-mail tickets waiting on the customer, each at a rung of the ladder: the scheduler's next minute
    sends the 48 h reminder to one, the closing notice to another and closes the third."""
    waiting = waiting or frappe.get_all("Ticket", filters={"status": "Waiting for Customer",
                                                           "channel": ["in", ["Email", "Web"]]},
                                        pluck="name", order_by="creation asc", limit=3)
    for ticket, (hours, done) in zip(waiting, [(49, []), (121, ["1:Remind"]), (145, ["1:Remind", "2:Notify Closing"])]):
        frappe.db.set_value("Ticket", ticket, {"waiting_since": add_to_date(now, hours=-hours),
                                               "ladder_steps_done": frappe.as_json(done)}, update_modified=False)


DEMO_COMPANY = ("Продукты у дома", "ПД")


def finish_setup_wizard(time_zone: str = "Europe/Moscow") -> None:
    """A demo site opens on the desk, not on Frappe's first-run wizard."""
    from frappe.desk.page.setup_wizard.setup_wizard import setup_complete

    if not frappe.get_system_settings("setup_complete"):
        args = {"language": "English", "country": "Russian Federation", "timezone": time_zone, "currency": "RUB"}
        if "erpnext" in frappe.get_installed_apps():
            # ERPNext's stages make the company, its chart of accounts and the fiscal year; without an
            # e-mail no wizard user is made, so the site's System Manager stays the one made below.
            year = now_datetime().year
            args.update({"company_name": DEMO_COMPANY[0], "company_abbr": DEMO_COMPANY[1],
                         "chart_of_accounts": "Standard", "fy_start_date": f"{year}-01-01",
                         "fy_end_date": f"{year}-12-31", "industry": "Retail"})
        setup_complete(args)
    _user(*SITE_ADMIN)
    _demote_support_staff()
    frappe.db.commit()


def _demote_support_staff() -> None:
    """A demo site made before the site's own System Manager came first may have had an agent or the
    manager promoted by Frappe's first-desk-user rule: take that role back (the site admin keeps it)."""
    for email, _name, _role in [MANAGER, *AGENTS, CLAIMS]:
        if frappe.db.exists("User", email) and "System Manager" in frappe.get_roles(email):
            frappe.get_doc("User", email).remove_roles("System Manager")


def seed(tickets: int = 44) -> str:
    finish_setup_wizard()
    if frappe.db.exists("Ticket", {"subject": SUBJECTS[0][1]}):
        return "demo data already present"
    rng = random.Random(15)
    _setup_records()
    contacts = [(_contact(*c), c[2]) for c in CUSTOMERS]
    now = now_datetime()
    for i in range(tickets):
        topic, subject = SUBJECTS[i % len(SUBJECTS)]
        status = STATUSES[i % len(STATUSES)]
        contact, email = contacts[i % len(contacts)]
        # Mostly recent, so the queue shows every SLA state: on track, warning and breached.
        opened = add_to_date(now, minutes=-rng.choice([20, 50, 90, 180, 400, 900, 1500, 3000, 6000]))
        values = {
            "doctype": "Ticket",
            "subject": subject,
            "description": f"<p>{subject}</p><p>Reported on {opened:%d.%m} by the customer.</p>",
            "topic": topic,
            "channel": rng.choice(["Email", "Telegram", "Web", "Phone"]),
            "priority": rng.choice(["Urgent", "Today", "Within two days", "Within two days"]),
            "contact": contact,
            "raised_by": email,
            "opened_on": opened,
            "status": "Open",  # the conversation comes first: a customer message would reopen it
        }
        ticket = frappe.get_doc(values).insert(ignore_permissions=True)
        _conversation(ticket, email, rng)
        if status != "Open":
            ticket.reload()
            ticket.status = status
            if status == "Postponed":
                ticket.postponed_until = add_to_date(now, days=rng.randint(1, 5))
            if status == "In Development":
                ticket.update({"engineer": AGENTS[3][0], "development_due": add_to_date(now, days=7).date()})
            ticket.save(ignore_permissions=True)
        if i % 5 == 0:
            add_tag("wish: csv export" if topic == "Feature request" else "vip", "Ticket", ticket.name)
    _age_waiting_tickets(now)
    if "erpnext" in frappe.get_installed_apps():
        from support_hub.erp.demo_story import seed_grocery_tickets

        seed_grocery_tickets()
    frappe.db.commit()
    # Route and answer the demo tickets now rather than waiting for a background worker.
    from support_hub.automation.intake import sweep_unprocessed

    sweep_unprocessed(now=add_to_date(now, minutes=60))
    return f"created {tickets} demo tickets"


def _conversation(ticket, email: str, rng: random.Random) -> None:
    """The customer's first message, and for most tickets an agent's reply."""
    frappe.get_doc(
        {
            "doctype": "Communication",
            "communication_type": "Communication",
            "communication_medium": "Email",
            "sent_or_received": "Received",
            "sender": email,
            "subject": ticket.subject,
            "content": ticket.description,
            "reference_doctype": "Ticket",
            "reference_name": ticket.name,
            "communication_date": ticket.opened_on,
        }
    ).insert(ignore_permissions=True)
    if ticket.status != "Open" or rng.random() < 0.3:
        frappe.get_doc(
            {
                "doctype": "Communication",
                "communication_type": "Communication",
                "communication_medium": "Email",
                "sent_or_received": "Sent",
                "recipients": email,
                "subject": "Re: " + ticket.subject,
                "content": "<p>Thank you, we are looking into it.</p>",
                "reference_doctype": "Ticket",
                "reference_name": ticket.name,
                "communication_date": min(now_datetime(), add_to_date(ticket.opened_on, minutes=rng.randint(5, 300))),
            }
        ).insert(ignore_permissions=True)
