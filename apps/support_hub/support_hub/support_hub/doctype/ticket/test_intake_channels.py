# Copyright (c) 2026, support_hub developers. License: MIT.

import email
import email.policy
import hashlib
import hmac
import json

import frappe
from frappe.desk.form.assign_to import get as get_assignments
from frappe.tests.utils import FrappeTestCase

from support_hub.api.intake import create_ticket
from support_hub.intake import telephony
from support_hub.testing import AGENT, setup_support_world

SECRET = "pbx-secret"


def signed(payload: dict) -> tuple[bytes, str]:
    body = json.dumps(payload).encode()
    return body, hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()


def mail_text(raw: str) -> str:
    """The text parts of a queued e-mail, decoded."""
    message = email.message_from_string(raw, policy=email.policy.default)
    return "".join(part.get_content() for part in message.walk() if part.get_content_maintype() == "text")


def call_event(kind, call_id, event_id, **extra):
    payload = {"event": kind, "call_id": call_id, "event_id": event_id, "from_number": "+7 912 345-67-09",
               "to_number": "+7 495 000-00-00", **extra}
    return payload


class TestWebIntake(FrappeTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        setup_support_world()

    def test_web_ticket_goes_through_the_same_path(self):
        result = create_ticket(subject="Cannot log in", description="Since <b>today</b>", email="Web <web@x.example>")
        ticket = frappe.get_doc("Ticket", result["ticket"])
        self.assertEqual((ticket.channel, ticket.raised_by), ("Web", "web@x.example"))
        self.assertTrue(ticket.sla_policy and ticket.first_response_due)
        self.assertIn("&lt;b&gt;today&lt;/b&gt;", ticket.description)  # stored escaped, shown as text

    def test_bad_input_is_refused_and_writes_nothing(self):
        before = frappe.db.count("Ticket")
        for kwargs in ({"subject": "x", "description": "", "email": "not-an-email"},
                       {"subject": "  ", "description": "", "email": "ok@x.example"},
                       {"subject": "x", "description": "", "email": "ok@x.example", "topic": "No such topic"}):
            with self.assertRaises(frappe.ValidationError):
                create_ticket(**kwargs)
        self.assertEqual(frappe.db.count("Ticket"), before)


class TestWebIntakeRateLimit(FrappeTestCase):
    """Through a request context, as the endpoint is called: Frappe's rate limiter counts in Redis."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        setup_support_world()

    def tearDown(self):
        frappe.local.request = None
        frappe.local.form_dict = frappe._dict()

    def test_a_sender_gets_five_tickets_per_ten_minutes(self):
        from frappe.utils import set_request

        sender = f"burst-{frappe.generate_hash(length=6)}@x.example"
        set_request(method="POST", path="/api/method/support_hub.api.intake.create_ticket")
        frappe.local.request_ip = "127.0.0.9"
        frappe.local.form_dict = frappe._dict(cmd="support_hub.api.intake.create_ticket", email=sender)
        made = [create_ticket(subject=f"Burst {i}", description="", email=sender)["ticket"] for i in range(5)]
        self.assertEqual(len(set(made)), 5)
        before = frappe.db.count("Ticket")
        with self.assertRaises(frappe.RateLimitExceededError):
            create_ticket(subject="One too many", description="", email=sender)
        self.assertEqual(frappe.db.count("Ticket"), before)
        other = f"other-{frappe.generate_hash(length=6)}@x.example"
        frappe.local.form_dict.email = other  # another sender is not held back
        self.assertTrue(create_ticket(subject="Other sender", description="", email=other)["ticket"])


class TestTelephonyIntake(FrappeTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        setup_support_world()
        settings = frappe.get_single("Telephony Settings")
        settings.update({"enabled": 1, "webhook_secret": SECRET, "support_extensions": f"101={AGENT}\n102=",
                         "send_rating_request": 1})
        settings.save(ignore_permissions=True)
        # Mail sent during a test commits (Frappe's Email Queue sends at once on this site), so an earlier
        # run may have left its calls and callers behind: start from none of them.
        frappe.db.delete("Telephony Call", {"name": ["like", "C-%"]})
        frappe.db.delete("Telephony Event", {"event_key": ["like", "C-%"]})
        for name in frappe.get_all("Contact Phone", filters={"support_phone_key": "+79123456709"}, pluck="parent"):
            frappe.db.delete("Contact Phone", {"parent": name})
            frappe.db.delete("Contact Email", {"parent": name})
            frappe.db.delete("Contact", {"name": name})
        contact = frappe.get_doc({"doctype": "Contact", "first_name": "Caller"})
        contact.append("phone_nos", {"phone": "89123456709", "is_primary_phone": 1})
        contact.append("email_ids", {"email_id": "caller@x.example", "is_primary": 1})
        cls.caller = contact.insert(ignore_permissions=True).name

    def post(self, payload, signature=None) -> tuple[int, dict]:
        body, good = signed(payload) if isinstance(payload, dict) else (payload, "")
        frappe.local.response = frappe._dict()
        result = telephony.receive(body, good if signature is None else signature)
        return frappe.local.response.get("http_status_code"), result

    def test_answered_support_call_opens_one_ticket_with_recording_and_rating_request(self):
        self.post(call_event("call_started", "C-1", "e1", started_at="2026-03-02T10:00:00+03:00"))
        status, _ = self.post(call_event("call_answered", "C-1", "e2", extension="101",
                                         answered_at="2026-03-02T10:00:05+03:00"))
        self.assertEqual(status, 200)
        ticket = frappe.db.get_value("Telephony Call", "C-1", "ticket")
        self.assertTrue(ticket)
        doc = frappe.get_doc("Ticket", ticket)
        self.assertEqual((doc.channel, doc.raised_by), ("Phone", "+79123456709"))
        self.assertEqual(doc.contact, self.caller)
        self.assertEqual([a.owner for a in get_assignments({"doctype": "Ticket", "name": ticket})], [AGENT])
        finished = call_event("call_finished", "C-1", "e3", extension="101", duration=125,
                              finished_at="2026-03-02T10:02:10+03:00", recording_url="https://pbx.example/rec/C-1.mp3")
        self.post(finished)
        self.post(finished)  # the PBX retried: processed once
        doc.reload()
        self.assertEqual((doc.call_duration, doc.call_recording), (125, "https://pbx.example/rec/C-1.mp3"))
        self.assertEqual(frappe.db.count("Support Automation Log", {"ticket": ticket, "action": "rate call"}), 1)
        request = frappe.get_all("Communication", filters={"reference_name": ticket, "communication_type": "Automated Message"},
                                 pluck="content")
        self.assertTrue(any("How was the call?" in c for c in request), request)
        # the one-time link goes out in the e-mail only: the timeline shows no working link to agents
        self.assertFalse(any("token=" in c or "/rate" in c for c in request), request)
        self.assertEqual(frappe.get_all("Rating Link", filters={"ticket": ticket}, pluck="channel"), ["Phone"])
        queued = frappe.get_all("Email Queue", filters={"reference_doctype": "Ticket", "reference_name": ticket},
                                pluck="message")
        self.assertTrue(any("/rate?token=" in mail_text(m) for m in queued), queued)

    def test_calls_answered_elsewhere_open_nothing(self):
        self.post(call_event("call_answered", "C-2", "e1", extension="300", answered_at="2026-03-02T10:00:05+03:00"))
        self.assertFalse(frappe.db.get_value("Telephony Call", "C-2", "ticket"))

    def test_unsigned_or_malformed_events_get_4xx_and_write_nothing(self):
        before = (frappe.db.count("Telephony Event"), frappe.db.count("Ticket"))
        payload = call_event("call_answered", "C-3", "e1", extension="101", answered_at="2026-03-02T10:00:05+03:00")
        self.assertEqual(self.post(payload, signature="bad")[0], 403)
        self.assertEqual(self.post(payload, signature="")[0], 403)
        body = b"{not json"
        bad_signature = hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
        self.assertEqual(self.post(body, signature=bad_signature)[0], 400)
        self.assertEqual(self.post({"event": "call_exploded", "call_id": "C-3", "event_id": "x"})[0], 400)
        self.assertEqual((frappe.db.count("Telephony Event"), frappe.db.count("Ticket")), before)
