"""Fixtures shared by support_hub's Frappe tests: real users, policies and tickets on a real site."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import frappe
from frappe.tests.utils import FrappeTestCase
from frappe.utils import get_system_timezone

from support_hub.engine.calendar import naive

MSK = ZoneInfo("Europe/Moscow")
AGENT = "sh-test-agent@example.com"
MANAGER = "sh-test-manager@example.com"
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")


def msk(*args) -> datetime:
    """A Moscow wall-clock time as the naive system-time-zone datetime Frappe stores."""
    return naive(datetime(*args, tzinfo=MSK), get_system_timezone())


def ensure_user(email: str, role: str) -> str:
    """A test user with `role` and no System Manager: Frappe hands that role to the first system user
    made on a set-up site without another System Manager, which would let an "agent" do anything."""
    if not frappe.db.exists("User", email):
        user = frappe.get_doc(
            {"doctype": "User", "email": email, "first_name": email.split("@")[0], "send_welcome_email": 0}
        )
        user.append("roles", {"role": role})
        user.insert(ignore_permissions=True)
    if role != "System Manager" and "System Manager" in frappe.get_roles(email):
        frappe.get_doc("User", email).remove_roles("System Manager")
    return email


def ensure_policy(name: str, ticket_type: str | None, first_response: int, resolution: int, **extra) -> str:
    if frappe.db.exists("SLA Policy", name):
        frappe.delete_doc("SLA Policy", name, force=True, ignore_permissions=True)
    frappe.get_doc(
        {
            "doctype": "SLA Policy",
            "policy_name": name,
            "ticket_type": ticket_type,
            "time_zone": "Europe/Moscow",
            "warning_minutes": 15,
            "targets": [{"priority": "", "first_response_minutes": first_response, "resolution_minutes": resolution}],
            "business_hours": [{"weekday": d, "start_time": "09:00:00", "end_time": "18:00:00"} for d in WEEKDAYS],
            **extra,
        }
    ).insert(ignore_permissions=True)
    return name


def setup_support_world() -> None:
    """Two users and two policies keyed by ticket type, as the SLA tests expect them."""
    ensure_user(AGENT, "Support Agent")
    ensure_user(MANAGER, "Support Manager")
    for ticket_type in ("Support", "Implementation"):
        if not frappe.db.exists("Ticket Type", ticket_type):
            frappe.get_doc({"doctype": "Ticket Type", "type_name": ticket_type}).insert(ignore_permissions=True)
    ensure_policy("Test Support", "Support", 60, 480)
    ensure_policy("Test Implementation", "Implementation", 240, 2400)


def save_ticket_as(user: str, ticket: str, **values) -> None:
    """Change a ticket as `user` saving it in the desk would, then give the session back to Administrator."""
    frappe.set_user(user)
    try:
        doc = frappe.get_doc("Ticket", ticket)
        doc.update(values)
        doc.save()
    finally:
        frappe.set_user("Administrator")


def make_ticket(**values):
    values.setdefault("subject", "Payroll export fails")
    values.setdefault("ticket_type", "Support")
    values.setdefault("channel", "Email")
    values.setdefault("raised_by", "customer@example.com")
    ticket = frappe.get_doc({"doctype": "Ticket", **values}).insert()
    # Tests run the intake job at once, inside insert(); it marks the ticket done with a new `modified`
    # (as every system write does), so hand back the ticket as stored, ready to be edited and saved.
    ticket.reload()
    return ticket


TEAM_CHAT = -100200300
MANAGER_CHAT = -100400500
WEBHOOK_SECRET = "s3cret-token"


def configure_telegram(fake, **overrides) -> None:
    """Telegram Settings pointing at a fake Bot API server (a real HTTP server on 127.0.0.1), with every
    setting a test relies on stated (the HTTP layer's tests configure the same site differently)."""
    from support_hub.fakes.telegram import TOKEN

    settings = frappe.get_single("Telegram Settings")
    settings.update(
        {"enabled": 1, "bot_token": TOKEN, "api_base_url": fake.url, "team_chat_id": str(TEAM_CHAT),
         "manager_chat_id": str(MANAGER_CHAT), "webhook_secret": WEBHOOK_SECRET, "alert_language": "en",
         "alert_ratings": 1, "resolved_reopen_hours": 72, "transcribe_voice": 0, **overrides}
    )
    settings.save(ignore_permissions=True)


class TelegramAlertsTestCase(FrappeTestCase):
    """A support world and a fake Bot API with Telegram Settings pointing at it; every test starts with
    an empty outbox, a fake that has seen nothing, and no earlier test's open ticket waiting for the sweep
    to warn or breach it (those share the tests' frozen hours, and more than five alerts for one chat in
    one sweep come as a summary instead of each test's own alert)."""

    @classmethod
    def setUpClass(cls):
        from support_hub.fakes.telegram import FakeTelegram

        super().setUpClass()
        cls.fake = FakeTelegram().start()
        setup_support_world()
        configure_telegram(cls.fake)

    @classmethod
    def tearDownClass(cls):
        cls.fake.stop()
        super().tearDownClass()

    def setUp(self):
        frappe.db.delete("Telegram Outbox")
        frappe.db.sql("""update tabTicket set sla_warning_on = null, sla_breach_on = null
            where resolved_on is null and (sla_warning_on is not null or sla_breach_on is not null)""")
        self.fake.reset()


def handed_over(tickets: list[dict]) -> list[str]:
    """Tickets as they arrive outside tests: each inserted, committed and handed over to the intake drain's
    pending set, not yet worked. A drain counts as queued already, so none goes on the shared queue: the
    calling test is the worker."""
    from frappe.utils.background_jobs import get_redis_conn

    from support_hub.automation import intake

    get_redis_conn().set(intake._keys()[1], 1, ex=300)
    names = []
    frappe.flags.in_test = False
    try:
        for values in tickets:
            ticket = frappe.get_doc({"doctype": "Ticket", "channel": "Email", **values})
            ticket.insert(ignore_permissions=True)
            frappe.db.commit()  # the hand-over runs after the commit, as in a request
            names.append(ticket.name)
    finally:
        frappe.flags.in_test = True
    return names


def remove_intake_work(names: list[str]) -> None:
    """The tickets and everything their intake made (mail, messages, tags, ToDos, lines, logs, new contacts),
    and their place in the pending set."""
    from frappe.utils.background_jobs import get_redis_conn

    from support_hub.automation import intake

    if not names:
        return
    get_redis_conn().hdel(intake._keys()[0], *names)
    queued = frappe.get_all("Email Queue", filters={"reference_name": ["in", names]}, pluck="name")
    if queued:
        frappe.db.delete("Email Queue Recipient", {"parent": ["in", queued]})
    messages = frappe.get_all("Communication", filters={"reference_name": ["in", names]}, pluck="name")
    if messages:
        frappe.db.delete("Communication Link", {"parent": ["in", messages]})
    contacts = [c for c in frappe.get_all("Ticket", filters={"name": ["in", names]}, pluck="contact") if c]
    for doctype, field in (("Communication", "reference_name"), ("Email Queue", "reference_name"),
                           ("Tag Link", "document_name"), ("Comment", "reference_name"), ("ToDo", "reference_name"),
                           ("Notification Log", "document_name"), ("Support Automation Log", "ticket"),
                           ("SLA Event", "ticket"), ("Ticket", "name")):
        frappe.db.delete(doctype, {field: ["in", names]})
    if contacts:
        frappe.db.delete("Contact Email", {"parent": ["in", contacts]})
        frappe.db.delete("Contact", {"name": ["in", contacts]})


class IntakeCase(FrappeTestCase):
    """A support world with one routing rule (assigning to AGENT) and one auto-reply for the intake to apply,
    removed afterwards with every ticket a test lists in `cls.tickets` and what its intake made."""

    RULE: dict = {}  # the Routing Rule's fields (rule_name, keywords, add_tags, ...)
    REPLY: dict = {}  # the Auto Reply's fields (reply_name, template, ...)

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        setup_support_world()
        cls._made = [("Routing Rule", cls.RULE["rule_name"]), ("Auto Reply", cls.REPLY["reply_name"])]
        for doctype, name in cls._made:
            if frappe.db.exists(doctype, name):
                frappe.delete_doc(doctype, name, force=True, ignore_permissions=True)
        frappe.get_doc({"doctype": "Routing Rule", "sequence": 0, "assign_to_user": AGENT, **cls.RULE}).insert(
            ignore_permissions=True)
        frappe.get_doc({"doctype": "Auto Reply", "send_when": "Any", "language": "en", **cls.REPLY}).insert(
            ignore_permissions=True)
        frappe.db.commit()
        cls.tickets = []

    @classmethod
    def tearDownClass(cls):
        frappe.db.rollback()
        remove_intake_work(cls.tickets)
        for doctype, name in cls._made:
            frappe.delete_doc(doctype, name, force=True, ignore_permissions=True)
        frappe.db.commit()
        super().tearDownClass()
