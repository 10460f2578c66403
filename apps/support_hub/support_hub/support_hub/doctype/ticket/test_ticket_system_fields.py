# Copyright (c) 2026, support_hub developers. License: MIT.
"""System-only ticket fields (support_hub.system_fields): refused to people on every path, while the
system's own writers — SLA clock, sweep, first response, intake, bot, ratings — keep working."""

import json
import time

import frappe
from frappe import _
from frappe.client import set_value
from frappe.core.doctype.communication.email import make as send_reply
from frappe.desk.form.save import savedocs
from frappe.tests.utils import FrappeTestCase
from frappe.utils import get_datetime

from support_hub.sla import sweep
from support_hub.testing import AGENT, MANAGER, make_ticket, msk, setup_support_world

ATTEMPTS = {
    "sla_paused_minutes": 350_000,  # the due dates eight months later
    "opened_on": "2026-01-05 09:00:00",
    "first_responded_on": "2026-03-02 10:01:00",
    "resolved_on": "2026-03-02 10:30:00",
    "sla_status": "Met",
    "sla_paused_since": "2026-03-02 10:00:00",
    "sla_warning_on": "2027-01-01 00:00:00",
    "sla_breach_on": "2027-01-01 00:00:00",
    "intake_done": 0,
    "waiting_since": "2026-03-02 10:00:00",
    "ladder_steps_done": "[\"1:Remind\"]",
    "close_reason": "No reply",
    "rating": "great",
    "rating_comment": "Perfect",
    "rated_on": "2026-03-02 10:00:00",
    "telegram_chat_id": "424242",
    "call_recording": "https://evil.example/rec.mp3",
    "call_duration": 999,
    "channel": "Telegram",
}


def row(ticket: str) -> dict:
    return frappe.db.get_value("Ticket", ticket, ["modified", *ATTEMPTS], as_dict=True)


class TestSystemOnlyFields(FrappeTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        setup_support_world()

    def setUp(self):
        frappe.local.response = frappe._dict(docs=[])  # what a request gives savedocs to answer into

    def tearDown(self):
        frappe.set_user("Administrator")

    def new_ticket(self, **values):
        with self.freeze_time(msk(2026, 3, 2, 10, 0)):
            ticket = make_ticket(**values)
        frappe.db.set_value("Ticket", ticket.name, "intake_done", 1)
        return ticket.name

    def test_people_cannot_write_them_by_save_set_value_or_the_desk_form(self):
        ticket = self.new_ticket()
        for user in (AGENT, MANAGER):
            frappe.set_user(user)
            for field, value in ATTEMPTS.items():
                before = row(ticket)
                doc = frappe.get_doc("Ticket", ticket)
                doc.set(field, value)
                with self.assertRaises(frappe.PermissionError, msg=(user, field, "save")):
                    doc.save()
                with self.assertRaises(frappe.PermissionError, msg=(user, field, "set_value")):
                    set_value("Ticket", ticket, field, value)
                form = frappe.get_doc("Ticket", ticket).as_dict(convert_dates_to_str=True)
                form[field] = value
                with self.assertRaises(frappe.PermissionError, msg=(user, field, "desk form")):
                    savedocs(json.dumps(form, default=str), "Save")
                self.assertEqual(row(ticket), before, (user, field))

    def test_the_refusal_names_the_field(self):
        ticket = self.new_ticket()
        frappe.set_user(AGENT)
        doc = frappe.get_doc("Ticket", ticket)
        doc.sla_paused_minutes = 350_000
        with self.assertRaises(frappe.PermissionError) as caught:
            doc.save()
        self.assertIn(_(frappe.get_meta("Ticket").get_label("sla_paused_minutes")), str(caught.exception))

    def test_a_person_cannot_preset_them_on_a_new_ticket(self):
        frappe.set_user(AGENT)
        for field, value in {**ATTEMPTS, "intake_done": 1}.items():
            if field == "channel":
                continue
            subject = f"Preset {field} {frappe.generate_hash(length=6)}"
            with self.assertRaises(frappe.PermissionError, msg=field):
                frappe.get_doc({"doctype": "Ticket", "subject": subject, "raised_by": "c@x.example", field: value}).insert()
            self.assertFalse(frappe.db.exists("Ticket", {"subject": subject}), field)

    def test_a_person_chooses_the_channel_at_creation_among_their_own(self):
        frappe.set_user(AGENT)
        phone = frappe.get_doc({"doctype": "Ticket", "subject": "Caller asked about the invoice", "channel": "Phone",
                                "raised_by": "+7 912 000-00-01"}).insert()
        self.assertEqual(phone.channel, "Phone")
        self.assertTrue(phone.opened_on)  # the system's, not the person's
        for channel in ("Telegram", "Web"):
            with self.assertRaises(frappe.PermissionError):
                frappe.get_doc({"doctype": "Ticket", "subject": f"Fake {channel}", "channel": channel}).insert()
            self.assertFalse(frappe.db.exists("Ticket", {"subject": f"Fake {channel}"}))

    def test_a_duplicated_ticket_starts_without_the_systems_fields(self):
        from support_hub import ratings

        original = self.new_ticket(channel="Telegram", telegram_chat_id="80080", raised_by="tg:80080")
        ratings.record_rating(original, "bad", "Slow", channel="Telegram")
        frappe.set_user(AGENT)
        copy = frappe.copy_doc(frappe.get_doc("Ticket", original), ignore_no_copy=False)  # as Duplicate does
        copy.insert()
        stored = frappe.get_doc("Ticket", copy.name)
        self.assertEqual((stored.rating or None, stored.telegram_chat_id or None, stored.channel), (None, None, "Internal"))
        self.assertNotEqual(stored.opened_on, frappe.db.get_value("Ticket", original, "opened_on"))

    def test_the_channel_never_changes_once_set(self):
        ticket = self.new_ticket()
        doc = frappe.get_doc("Ticket", ticket)
        doc.channel = "Phone"
        with self.assertRaises(frappe.CannotChangeConstantError):  # not even for the system
            doc.save(ignore_permissions=True)
        self.assertEqual(frappe.db.get_value("Ticket", ticket, "channel"), "Email")

    def test_ordinary_edits_work_and_the_clock_keeps_its_fields(self):
        ticket = self.new_ticket()
        frappe.set_user(AGENT)
        with self.freeze_time(msk(2026, 3, 2, 10, 20)):
            doc = frappe.get_doc("Ticket", ticket)
            doc.status = "Resolved"
            doc.subject = "Payroll export fails (fixed)"
            doc.save()
        stored = frappe.get_doc("Ticket", ticket)
        self.assertEqual(stored.status, "Resolved")
        self.assertEqual(get_datetime(stored.resolved_on), msk(2026, 3, 2, 10, 20))  # written by the SLA clock

    def test_the_desk_form_echoing_every_field_unchanged_saves(self):
        ticket = self.new_ticket()
        frappe.set_user(AGENT)
        form = frappe.get_doc("Ticket", ticket).as_dict(convert_dates_to_str=True)
        form["status"] = "In Progress"
        savedocs(json.dumps(form, default=str), "Save")
        self.assertEqual(frappe.db.get_value("Ticket", ticket, "status"), "In Progress")

    def test_an_agent_reply_still_stops_the_first_response_clock(self):
        ticket = self.new_ticket()
        frappe.set_user(AGENT)
        with self.freeze_time(msk(2026, 3, 2, 10, 10)):
            send_reply(doctype="Ticket", name=ticket, subject="Re", content="We are on it",
                       recipients="customer@example.com", send_email=False)
        self.assertEqual(get_datetime(frappe.db.get_value("Ticket", ticket, "first_responded_on")),
                         msk(2026, 3, 2, 10, 10))

    def test_a_form_opened_before_the_sweep_cannot_save_the_old_status_back(self):
        ticket = self.new_ticket()
        frappe.set_user(AGENT)
        form = frappe.get_doc("Ticket", ticket).as_dict(convert_dates_to_str=True)
        frappe.set_user("Administrator")
        sweep.run(now=msk(2026, 3, 2, 10, 50), commit=False)  # On Track -> Warning, without a save
        self.assertEqual(frappe.db.get_value("Ticket", ticket, "sla_status"), "Warning")
        frappe.set_user(AGENT)
        form["status"] = "In Progress"
        with self.assertRaises(frappe.TimestampMismatchError):  # Frappe's own "modified after you opened it"
            savedocs(json.dumps(form, default=str), "Save")
        self.assertEqual(frappe.db.get_value("Ticket", ticket, "sla_status"), "Warning")

    def test_the_sweep_tells_open_forms_after_its_commit(self):
        from frappe.utils.background_jobs import get_redis_connection_without_auth

        ticket = self.new_ticket()
        before = get_datetime(frappe.db.get_value("Ticket", ticket, "modified"))
        listener = get_redis_connection_without_auth().pubsub(ignore_subscribe_messages=True)
        listener.subscribe("events")
        try:
            sweep.run(now=msk(2026, 3, 2, 10, 50), commit=False)
            frappe.db.after_commit.run()  # what the scheduler's commit does
            stamps, deadline = [], time.monotonic() + 3
            while time.monotonic() < deadline:
                message = listener.get_message(timeout=0.2)  # None for the subscription's own notice too
                event = json.loads(message["data"]) if message else {}
                if event.get("event") == "doc_update" and event["message"].get("name") == ticket:
                    stamps.append(get_datetime(event["message"]["modified"]))
        finally:
            listener.close()
        # (the intake job's own doc_update, queued when the ticket was made, may come first)
        after = get_datetime(frappe.db.get_value("Ticket", ticket, "modified"))
        self.assertNotEqual(after, before)  # the sweep's write moved modified
        self.assertIn(after, stamps)
