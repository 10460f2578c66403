# Copyright (c) 2026, support_hub developers. License: MIT.
"""Web intake limits inside a real request context: Redis counts, Support Hub Settings, site config."""

import frappe
from frappe.tests.utils import FrappeTestCase
from frappe.utils import set_request

from support_hub.api.intake import create_ticket
from support_hub.intake import web_limits
from support_hub.testing import setup_support_world

LIMIT_FIELDS = ("intake_limit_per_sender", "intake_limit_per_client_address", "intake_limit_window_minutes")


class TestWebIntakeLimits(FrappeTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        setup_support_world()

    def setUp(self):
        self.saved = {f: frappe.db.get_single_value("Support Hub Settings", f) for f in LIMIT_FIELDS}
        self.trusted = frappe.local.conf.get("support_hub_trusted_proxies")

    def tearDown(self):
        for field, value in self.saved.items():
            frappe.db.set_single_value("Support Hub Settings", field, value)
        frappe.local.conf.support_hub_trusted_proxies = self.trusted
        web_limits.forget_counts()
        frappe.local.request = None
        frappe.local.form_dict = frappe._dict()

    def limits(self, per_sender, per_address, minutes=10):
        settings = frappe.get_single("Support Hub Settings")
        settings.update({"intake_limit_per_sender": per_sender, "intake_limit_per_client_address": per_address,
                         "intake_limit_window_minutes": minutes})
        settings.save(ignore_permissions=True)  # on_update forgets the old counts

    def request_from(self, peer, forwarded_for=None):
        headers = {"X-Forwarded-For": forwarded_for} if forwarded_for else {}
        set_request(method="POST", path="/api/method/support_hub.api.intake.create_ticket",
                    environ_base={"REMOTE_ADDR": peer}, headers=headers)

    def ticket(self, email, subject="Limit test"):
        return create_ticket(subject=subject, description="", email=email)["ticket"]

    def test_variants_of_one_address_share_the_sender_limit(self):
        self.limits(per_sender=3, per_address=0)
        self.request_from("198.51.100.10")
        box = f"anna-{frappe.generate_hash(length=6)}"
        for variant in (f"{box}@firm.example", f" {box.upper()}@FIRM.example ", f"mailto:{box}@firm.example"):
            self.ticket(variant)
        before = frappe.db.count("Ticket")
        with self.assertRaises(frappe.RateLimitExceededError):
            self.ticket(f"Anna <{box}@Firm.Example>")
        self.assertEqual(frappe.db.count("Ticket"), before)
        self.assertEqual(frappe.db.count("Ticket", {"raised_by": f"{box}@firm.example"}), 3)

    def test_many_senders_from_one_address_meet_the_address_limit(self):
        self.limits(per_sender=5, per_address=2)
        self.request_from("198.51.100.20")
        for n in range(2):
            self.ticket(f"sender{n}-{frappe.generate_hash(length=6)}@shop.example")
        with self.assertRaises(frappe.RateLimitExceededError):
            self.ticket(f"sender3-{frappe.generate_hash(length=6)}@shop.example")
        self.assertGreaterEqual(frappe.local.flags.retry_after, 1)
        self.request_from("198.51.100.21")  # another client is not held back
        self.ticket(f"other-{frappe.generate_hash(length=6)}@shop.example")

    def test_forwarded_for_counts_only_behind_a_trusted_proxy(self):
        self.limits(per_sender=5, per_address=1)
        frappe.local.conf.support_hub_trusted_proxies = None
        self.request_from("127.0.0.1", forwarded_for="203.0.113.1")
        self.ticket(f"a-{frappe.generate_hash(length=6)}@shop.example")
        self.request_from("127.0.0.1", forwarded_for="203.0.113.2")  # a made-up header changes nothing
        with self.assertRaises(frappe.RateLimitExceededError):
            self.ticket(f"b-{frappe.generate_hash(length=6)}@shop.example")

        frappe.local.conf.support_hub_trusted_proxies = ["127.0.0.1"]
        self.request_from("127.0.0.1", forwarded_for="203.0.113.3")
        self.ticket(f"c-{frappe.generate_hash(length=6)}@shop.example")
        self.request_from("127.0.0.1", forwarded_for="203.0.113.4")
        self.ticket(f"d-{frappe.generate_hash(length=6)}@shop.example")
        self.request_from("127.0.0.1", forwarded_for="203.0.113.4")
        with self.assertRaises(frappe.RateLimitExceededError):
            self.ticket(f"e-{frappe.generate_hash(length=6)}@shop.example")

    def test_changing_a_limit_starts_the_counts_afresh(self):
        self.limits(per_sender=1, per_address=0)
        self.request_from("198.51.100.30")
        address = f"fresh-{frappe.generate_hash(length=6)}@shop.example"
        self.ticket(address)
        with self.assertRaises(frappe.RateLimitExceededError):
            self.ticket(address)
        self.limits(per_sender=2, per_address=0)
        self.ticket(address)
        self.ticket(address)

    def test_zero_switches_a_limit_off_and_python_callers_are_not_counted(self):
        self.limits(per_sender=0, per_address=0)
        self.request_from("198.51.100.40")
        address = f"many-{frappe.generate_hash(length=6)}@shop.example"
        for _ in range(7):
            self.ticket(address)
        self.limits(per_sender=1, per_address=1)
        frappe.local.request = None
        for _ in range(3):
            self.ticket(address)

    def test_a_window_under_a_minute_is_refused(self):
        settings = frappe.get_single("Support Hub Settings")
        settings.intake_limit_window_minutes = 0
        self.assertRaises(frappe.ValidationError, settings.save, ignore_permissions=True)
