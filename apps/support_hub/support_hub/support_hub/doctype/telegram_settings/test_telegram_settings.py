# Copyright (c) 2026, support_hub developers. License: MIT.

import frappe
from frappe.tests.utils import FrappeTestCase

from support_hub.fakes.telegram import BOT_USER, FakeTelegram
from support_hub.integrations.telegram import site
from support_hub.testing import WEBHOOK_SECRET, configure_telegram


class TestTelegramWebhookRegistration(FrappeTestCase):
    """`bench support-hub-telegram-webhook`, against a fake Bot API on 127.0.0.1."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.fake = FakeTelegram().start()

    @classmethod
    def tearDownClass(cls):
        cls.fake.stop()
        super().tearDownClass()

    def setUp(self):
        self.fake.reset()
        self.fake.webhook = {"url": ""}  # a bot that polls, as after `--stop`
        configure_telegram(self.fake)

    def test_telegram_is_pointed_at_the_sites_webhook_with_its_secret(self):
        state = site.point_webhook_here()
        expected = frappe.utils.get_url("/api/method/support_hub.api.telegram.webhook")
        self.assertEqual(self.fake.webhook["url"], expected)
        self.assertEqual(self.fake.webhook["secret_token"], WEBHOOK_SECRET)  # what the webhook checks
        self.assertEqual(set(self.fake.webhook["allowed_updates"]), {"message", "edited_message", "callback_query"})
        self.assertEqual(state, {"bot": BOT_USER["username"], "url": expected, "pending": 0})
        # Back to long polling.
        self.assertEqual(site.stop_webhook()["url"], "")
        self.assertEqual(self.fake.webhook["url"], "")

    def test_the_command_list_is_registered_in_russian_and_english(self):
        site.point_webhook_here()
        ru = [(c["command"], c["description"]) for c in self.fake.commands["ru"]]
        default = [(c["command"], c["description"]) for c in self.fake.commands[""]]
        self.assertIn(("new", "Новая заявка"), ru)
        self.assertIn(("my", "Мои заявки"), ru)
        self.assertIn(("new", "New ticket"), default)
        self.assertEqual([c for c, _ in ru], [c for c, _ in default])
        # Long polling starts the same way (`bench support-hub-telegram` registers before polling).
        self.fake.commands.clear()
        site.stop_webhook()
        self.assertEqual(set(self.fake.commands), {"ru", ""})
        calls = [params.get("language_code") for method, params in self.fake.calls if method == "setMyCommands"]
        self.assertEqual(calls, ["ru", None, "ru", None])  # once per start-up, each language once

    def test_a_url_given_behind_a_proxy_is_used(self):
        site.point_webhook_here("https://desk.example/api/method/support_hub.api.telegram.webhook")
        self.assertEqual(self.fake.webhook["url"], "https://desk.example/api/method/support_hub.api.telegram.webhook")

    def test_nothing_is_registered_without_a_secret_or_a_bot(self):
        frappe.db.set_single_value("Telegram Settings", "webhook_secret", None)
        frappe.clear_document_cache("Telegram Settings", "Telegram Settings")
        with self.assertRaises(site.NotConfigured):
            site.point_webhook_here()
        frappe.db.set_single_value("Telegram Settings", "enabled", 0)
        frappe.clear_document_cache("Telegram Settings", "Telegram Settings")
        with self.assertRaises(site.NotConfigured):
            site.stop_webhook()
        self.assertEqual(self.fake.webhook["url"], "")
