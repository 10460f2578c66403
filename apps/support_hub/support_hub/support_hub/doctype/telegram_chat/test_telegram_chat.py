# Copyright (c) 2026, support_hub developers. License: MIT.

import json

import frappe
from frappe.custom.doctype.custom_field.custom_field import create_custom_fields
from frappe.tests.utils import FrappeTestCase, change_settings

from support_hub.fakes.telegram import FakeTelegram
from support_hub.integrations.telegram import outbox, webhook
from support_hub.testing import MANAGER_CHAT, WEBHOOK_SECRET, configure_telegram, setup_support_world

CHAT = 7001
ACCOUNT = "ACC-7001"


class TestTelegramCustomerBot(FrappeTestCase):
    """Whole conversations through the webhook, against a fake Bot API on 127.0.0.1."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.fake = FakeTelegram().start()
        # The fake Bot API has no flood limit, and a conversation here sends several messages to one chat
        # within a second: paced at Telegram's one a second they would only wait. The pace itself is
        # proved in telegram_outbox/test_telegram_outbox.py.
        cls.chat_interval, outbox.CHAT_INTERVAL = outbox.CHAT_INTERVAL, 0.02
        setup_support_world()
        # Mail sent during these tests commits, so an earlier run may have left its chats and their
        # tickets behind: every run starts with customers the bot has never seen.
        chats = [str(CHAT + i) for i in range(15)]
        frappe.db.delete("Telegram Chat", {"chat_id": ["in", chats]})
        frappe.db.delete("Ticket", {"telegram_chat_id": ["in", chats]})
        frappe.db.delete("Telegram Outbox", {"chat_id": ["in", chats]})  # an old run's row would go first
        # Without ERPNext the contact is the customer: it carries the account ID customers type in.
        create_custom_fields({"Contact": [{"fieldname": "support_account_id", "fieldtype": "Data", "label": "Account ID"}]})
        frappe.get_doc({"doctype": "Contact", "first_name": "Romashka", "support_account_id": ACCOUNT}).insert(
            ignore_permissions=True)
        frappe.db.set_single_value("Support Hub Settings", "customer_doctype", "Contact")
        configure_telegram(cls.fake, account_field="support_account_id")
        for topic in ("Payroll", "Other"):
            if not frappe.db.exists("Ticket Topic", topic):
                frappe.get_doc({"doctype": "Ticket Topic", "topic_name": topic, "ticket_type": "Support"}).insert()

    @classmethod
    def tearDownClass(cls):
        outbox.CHAT_INTERVAL = cls.chat_interval
        cls.fake.stop()
        super().tearDownClass()

    def setUp(self):
        self.fake.reset()

    def deliver(self, update: dict, secret: str | None = WEBHOOK_SECRET) -> int:
        """What Telegram's POST does: the webhook handles it, then the outbox sends the replies."""
        frappe.local.response = frappe._dict()
        webhook.receive(json.dumps(update).encode(), secret)
        status = frappe.local.response.get("http_status_code")
        outbox.send_due(commit=False)
        return status

    def last_text(self):
        return self.fake.texts(CHAT)[-1]

    def sign_in_and_open_ticket(self, chat=CHAT) -> str:
        self.deliver(self.fake.message_update(chat, "Здравствуйте"))
        self.deliver(self.fake.message_update(chat, ACCOUNT))
        self.deliver(self.fake.press(chat, "📝 Новая заявка"))
        self.deliver(self.fake.press(chat, "Payroll"))
        self.deliver(self.fake.message_update(chat, "Не пришла зарплата за март"))
        return frappe.db.get_value("Ticket", {"telegram_chat_id": str(chat)}, "name", order_by="creation desc")

    def test_a_whole_conversation(self):
        self.assertEqual(self.deliver(self.fake.message_update(CHAT, "Здравствуйте")), 200)
        self.assertIn("ID аккаунта", self.last_text())
        self.assertFalse(frappe.db.exists("Ticket", {"telegram_chat_id": str(CHAT)}))  # nothing before registration

        self.deliver(self.fake.message_update(CHAT, "ACC-0000"))
        self.assertFalse(frappe.db.get_value("Telegram Chat", str(CHAT), "active_account"))

        ticket = self.sign_in_and_open_ticket()
        self.assertTrue(ticket)
        doc = frappe.get_doc("Ticket", ticket)
        self.assertEqual((doc.channel, doc.topic, doc.customer_type), ("Telegram", "Payroll", "Contact"))
        self.assertIn(ticket, self.last_text())
        # The filed ticket's message brings the persistent menu, which works at any step.
        self.assertEqual(self.fake.sent[-1]["reply_markup"]["keyboard"],
                         [[{"text": "📝 Новая заявка"}, {"text": "📋 Мои заявки"}]])

        voice = b"OggS\x00\x02" + bytes(range(256)) * 8
        self.deliver(self.fake.push_voice(CHAT, voice))
        files = frappe.get_all("File", filters={"attached_to_doctype": "Ticket", "attached_to_name": ticket},
                               fields=["file_name", "file_url"])
        self.assertEqual(len(files), 1)
        self.assertTrue(files[0].file_name.endswith(".ogg"))
        self.assertEqual(frappe.get_doc("File", {"file_url": files[0].file_url}).get_content(), voice)
        messages = frappe.get_all("Communication", filters={"reference_name": ticket, "sent_or_received": "Received"})
        self.assertEqual(len(messages), 2)  # the first message and the voice note, both on the ticket

        from support_hub.integrations.telegram.customer_store import FrappeBotStore

        self.assertEqual([t.number for t in FrappeBotStore().open_tickets(CHAT)], [ticket])  # "My active tickets"

        # an agent answers from the desk: the customer gets it in the chat
        from support_hub.api.telegram import reply

        reply(ticket, "Проверили, выплата ушла сегодня")
        outbox.send_due(commit=False)
        self.assertIn("Проверили, выплата ушла сегодня", self.last_text())

        # resolved: the bot asks for a rating; a bad one goes to the manager with the comment
        doc = frappe.get_doc("Ticket", ticket)
        doc.status = "Resolved"
        doc.save()
        outbox.send_due(commit=False)
        self.assertTrue(any("👎" in json.dumps(m.get("reply_markup", {}), ensure_ascii=False) for m in self.fake.sent))
        self.deliver(self.fake.press(CHAT, "👎"))
        self.deliver(self.fake.message_update(CHAT, "Слишком долго"))
        doc.reload()
        self.assertEqual((doc.rating, doc.rating_comment), ("bad", "Слишком долго"))
        manager = [m["text"] for m in self.fake.sent if m["chat_id"] == MANAGER_CHAT]
        self.assertTrue(manager and "Слишком долго" in manager[-1], manager)

    def test_my_tickets_show_statuses_in_the_customers_language(self):
        ticket = self.sign_in_and_open_ticket(chat=CHAT + 4)  # a Russian Telegram app
        self.deliver(self.fake.message_update(CHAT + 4, "/status"))
        self.assertIn(f"№ {ticket}</b> — Не пришла зарплата за март — открыта", self.fake.texts(CHAT + 4)[-1])

        english = CHAT + 5
        for text in ("/start", ACCOUNT, "/new"):
            self.deliver(self.fake.message_update(english, text, language_code="en"))
        self.assertIn("Choose the topic", self.fake.texts(english)[-1])
        self.deliver(self.fake.press(english, "Other"))
        self.deliver(self.fake.message_update(english, "Payslip is missing", language_code="en"))
        ticket = frappe.db.get_value("Ticket", {"telegram_chat_id": str(english)}, "name")
        frappe.db.set_value("Ticket", ticket, "status", "Waiting for Customer")
        self.deliver(self.fake.press(english, "📋 My tickets"))  # the persistent menu, in English
        self.assertIn(f"#{ticket}</b> — Payslip is missing — waiting for your reply", self.fake.texts(english)[-1])

    def test_a_long_agent_reply_arrives_as_several_messages_in_order(self):
        from support_hub.api.telegram import reply

        ticket = self.sign_in_and_open_ticket(chat=CHAT + 6)
        paragraphs = [f"Абзац {n}: " + "выплата <ушла> сегодня, проверьте счёт. " * 40 for n in range(1, 9)]
        message = "\n\n".join(p.strip() for p in paragraphs)  # about 13,000 characters
        self.assertGreater(len(message), 3 * 4096)
        reply(ticket, message)
        counts = outbox.send_due(commit=False)
        self.assertEqual(counts["failed"], 0)
        rows = frappe.get_all("Telegram Outbox", filters={"reference_name": ticket, "purpose": "Customer Message"},
                              fields=["status", "dedupe_key"], order_by="creation asc")
        self.assertGreater(len(rows), 3)
        self.assertEqual({r.status for r in rows}, {"Sent"})
        sent = [m["text"] for m in self.fake.sent if m["chat_id"] == CHAT + 6][-len(rows):]
        import html

        shown = [html.unescape(text) for text in sent]
        self.assertTrue(all(len(text) <= 4096 for text in shown))
        self.assertTrue(shown[0].startswith("Абзац 1:") and shown[-1].rstrip().endswith("проверьте счёт."))
        # Cut at paragraphs: together, in order, they are the reply (the whitespace at the cuts aside).
        self.assertEqual("".join(shown).replace("\n", "").replace(" ", ""), message.replace("\n", "").replace(" ", ""))
        self.assertTrue(all(text.startswith("Абзац") for text in shown))
        # The ticket keeps the reply once, whole.
        self.assertEqual(frappe.db.count("Communication", {"reference_name": ticket, "sent_or_received": "Sent",
                                                           "communication_type": "Communication"}), 1)

    def test_an_edited_message_reaches_the_ticket_as_an_edit(self):
        chat = CHAT + 7
        ticket = self.sign_in_and_open_ticket(chat=chat)
        second = self.fake.message_update(chat, "Сумма 1000 <руб>")
        self.deliver(second)
        original = frappe.get_value("Communication", {"reference_name": ticket, "content": ["like", "%1000%"]},
                                    ["name", "content"], as_dict=True)
        self.assertEqual(self.deliver(self.fake.edited_message_update(
            chat, second["message"]["message_id"], "Сумма 1500 <руб>")), 200)
        edit = frappe.get_value("Communication", {"reference_name": ticket, "in_reply_to": original.name},
                                ["content", "sent_or_received", "communication_medium"], as_dict=True)
        self.assertTrue(edit, "the edit is on the ticket, linked to the message it corrects")
        self.assertIn("1500 &lt;руб&gt;", edit.content)
        self.assertRegex(edit.content, "edited|изменено")
        self.assertEqual((edit.sent_or_received, edit.communication_medium), ("Received", "Chat"))
        self.assertEqual(frappe.db.get_value("Communication", original.name, "content"), original.content)  # kept
        self.assertIn(ticket, self.last_text_of(chat))
        # The first message, which opened the ticket, can be corrected too.
        first = frappe.get_value("Communication", {"reference_name": ticket, "content": ["like", "%зарплата%"]}, "name")
        message_id = int(frappe.db.get_value("Communication", first, "message_id").rsplit(":", 1)[1])
        self.deliver(self.fake.edited_message_update(chat, message_id, "Не пришла зарплата за апрель"))
        self.assertTrue(frappe.db.exists("Communication", {"in_reply_to": first, "content": ["like", "%апрель%"]}))

    def test_a_rating_by_webhook_is_given_once_and_its_keyboard_is_spent(self):
        chat = CHAT + 8
        ticket = self.sign_in_and_open_ticket(chat=chat)
        doc = frappe.get_doc("Ticket", ticket)
        doc.status = "Resolved"
        doc.save()
        outbox.send_due(commit=False)
        request = next(m for m in reversed(self.fake.sent) if m["chat_id"] == chat and m.get("reply_markup"))
        self.assertIn("👎", json.dumps(request["reply_markup"], ensure_ascii=False))

        press = self.fake.press(chat, "👎")
        self.deliver(press)
        query = press["callback_query"]
        # The shopper's spinner stops and the rating buttons go, as in long polling.
        self.assertIn(query["id"], [a["callback_query_id"] for a in self.fake.callback_answers])
        spent = [e for e in self.fake.edits if e.get("message_id") == request["message_id"]]
        self.assertTrue(spent and not spent[-1].get("reply_markup", {}).get("inline_keyboard"), self.fake.edits)
        self.deliver(self.fake.message_update(chat, "Долго ждали"))
        self.assertEqual(frappe.db.get_value("Ticket", ticket, ["rating", "rating_comment"]), ("bad", "Долго ждали"))

        # A later tap on the old keyboard (a second phone, a slow client) changes nothing and is answered.
        later = self.fake.press(chat, "👍")
        self.deliver(later)
        self.assertEqual(frappe.db.get_value("Ticket", ticket, ["rating", "rating_comment"]), ("bad", "Долго ждали"))
        self.assertIn("уже оценена", self.last_text_of(chat))
        self.assertIn(later["callback_query"]["id"], [a["callback_query_id"] for a in self.fake.callback_answers])
        # The text after it is no comment on the rating: it stays a message.
        self.deliver(self.fake.message_update(chat, "Спасибо"))
        self.assertEqual(frappe.db.get_value("Ticket", ticket, "rating_comment"), "Долго ждали")

    def test_a_resolved_ticket_takes_thanks_reopens_on_a_question_and_is_left_after_the_window(self):
        """The rule of engine.reopening on the site's store, as the in-memory tests have it."""
        chat = CHAT + 9
        ticket = self.sign_in_and_open_ticket(chat=chat)
        doc = frappe.get_doc("Ticket", ticket)
        doc.status = "Resolved"
        doc.save()
        self.assertTrue(frappe.db.get_value("Ticket", ticket, "resolved_on"))

        self.deliver(self.fake.message_update(chat, "Спасибо!"))
        self.assertEqual(frappe.db.get_value("Ticket", ticket, "status"), "Resolved")  # a thank-you reopens nothing
        self.assertTrue(frappe.db.exists("Communication", {"reference_name": ticket, "content": ["like", "%Спасибо!%"]}))
        self.assertIn("остаётся решённой", self.last_text_of(chat))

        self.deliver(self.fake.message_update(chat, "Хотя нет, расчётный лист снова пустой"))
        self.assertEqual(frappe.db.get_value("Ticket", ticket, "status"), "Open")  # a question within the window
        self.assertIn(ticket, self.last_text_of(chat))

        doc = frappe.get_doc("Ticket", ticket)
        doc.status = "Resolved"
        doc.save()
        hours = frappe.db.get_single_value("Telegram Settings", "resolved_reopen_hours")
        self.assertEqual(hours, 72)
        frappe.db.set_value("Ticket", ticket, "resolved_on",
                            frappe.utils.add_to_date(frappe.utils.now_datetime(), hours=-(hours + 1)))
        self.deliver(self.fake.message_update(chat, "Новый вопрос: как сменить счёт?"))
        self.assertEqual(frappe.db.get_value("Ticket", ticket, "status"), "Resolved")  # left alone
        newer = frappe.db.get_value("Ticket", {"telegram_chat_id": str(chat)}, "name", order_by="creation desc")
        self.assertNotEqual(newer, ticket)
        self.assertEqual(frappe.db.get_value("Ticket", newer, ["status", "channel"]), ("Open", "Telegram"))
        self.assertIn(newer, self.last_text_of(chat))
        self.assertFalse(frappe.db.exists("Communication", {"reference_name": ticket,
                                                            "content": ["like", "%сменить счёт%"]}))

    def test_replies_wait_out_flood_control_and_an_outage_in_order_and_exactly_once(self):
        """The bot's replies and the agents' go through one outbox per chat: a 429 (30 s) or a 502 delays
        a reply, never drops it, and nothing queued after it for the chat overtakes it."""
        from datetime import timedelta

        from support_hub.api.telegram import reply
        from support_hub.integrations.telegram.customer_store import FrappeBotStore

        chat = CHAT + 10
        ticket = self.sign_in_and_open_ticket(chat=chat)
        before = len(self.fake.texts(chat))
        self.fake.fail_next(1, status=429, retry_after=30)
        start = frappe.utils.now_datetime()
        self.deliver(self.fake.message_update(chat, "Ещё: не пришёл аванс"))
        row = frappe.get_all("Telegram Outbox", filters={"chat_id": str(chat), "purpose": "Bot Reply"},
                             fields=["name", "status", "attempts", "next_try"], order_by="creation desc", limit=1)[0]
        self.assertEqual((row.status, row.attempts), ("Queued", 1))
        self.assertGreaterEqual(row.next_try, start + timedelta(seconds=29))
        wait = FrappeBotStore(commit_sends=False).send_replies(chat)  # what the long-polling bot asks
        self.assertTrue(wait and 20 < wait <= 31, wait)

        reply(ticket, "Проверяем аванс")  # an agent answers while the bot's reply waits
        outbox.send_due(commit=False)
        self.assertEqual(len(self.fake.texts(chat)), before)  # the agent's reply does not overtake it

        self.fake.fail_next(1, status=502)
        # just after the 30 s the 429 asked for (counted from the refused send, a moment after `start`)
        outbox.send_due(now=row.next_try + timedelta(seconds=1), commit=False)
        self.assertEqual(len(self.fake.texts(chat)), before)
        self.assertEqual(frappe.db.get_value("Telegram Outbox", row.name, ["status", "attempts"]), ("Queued", 2))
        for minutes in (2, 3, 4):
            outbox.send_due(now=start + timedelta(minutes=minutes), commit=False)
        texts = self.fake.texts(chat)[before:]
        self.assertEqual(len(texts), 2, texts)
        self.assertIn("Добавлено", texts[0])
        self.assertEqual(texts[1], "Проверяем аванс")
        self.assertIsNone(FrappeBotStore(commit_sends=False).send_replies(chat))  # nothing left to send

    def test_signing_in_by_sharing_ones_own_phone_number(self):
        import random

        chat = CHAT + 11
        national = f"9{random.randint(10**8, 10**9 - 1)}"  # a number no earlier run has left on a contact
        account = f"ACC-PH-{national[-4:]}"
        frappe.get_doc({"doctype": "Contact", "first_name": "Lavka", "support_account_id": account,
                        "phone_nos": [{"phone": f"8 ({national[:3]}) {national[3:6]}-{national[6:8]}-{national[8:]}",
                                       "is_primary_mobile_no": 1}]}).insert(ignore_permissions=True)
        self.fake.phones[chat] = f"7{national}"  # Telegram's form: international, no "+"

        self.deliver(self.fake.message_update(chat, "/start"))
        self.assertEqual(self.fake.sent[-1]["reply_markup"]["keyboard"],
                         [[{"text": "📱 Войти по номеру телефона", "request_contact": True}]])
        # A contact card forwarded from someone else does not sign in, even with a customer's number.
        self.deliver(self.fake.contact_update(chat, f"7{national}", user_id=chat + 1, forwarded=True))
        self.assertIn("только по своему номеру", self.last_text_of(chat))
        self.assertFalse(frappe.db.get_value("Telegram Chat", str(chat), "active_account"))
        self.deliver(self.fake.contact_update(chat, "79990001122", user_id=chat))  # one's own, unknown
        self.assertIn("+79990001122 не найден", self.last_text_of(chat))

        self.deliver(self.fake.press(chat, "📱 Войти по номеру телефона"))
        self.assertEqual(frappe.db.get_value("Telegram Chat", str(chat), "active_account"), account)
        self.assertIn("Lavka", self.last_text_of(chat))
        self.deliver(self.fake.press(chat, "📝 Новая заявка"))
        self.deliver(self.fake.press(chat, "Other"))
        self.deliver(self.fake.message_update(chat, "Привезли не тот товар"))
        ticket = frappe.db.get_value("Ticket", {"telegram_chat_id": str(chat)}, ["customer_type", "customer"], as_dict=True)
        self.assertEqual((ticket.customer_type, frappe.db.get_value("Contact", ticket.customer, "support_account_id")),
                         ("Contact", account))

    def test_voice_messages_are_transcribed_next_to_their_audio_only_when_switched_on(self):
        from support_hub.fakes.speech import API_KEY, FakeSpeechToText

        chat = CHAT + 12
        ticket = self.sign_in_and_open_ticket(chat=chat)

        def audio_files():
            return frappe.get_all("File", filters={"attached_to_doctype": "Ticket", "attached_to_name": ticket,
                                                   "file_name": ["like", "voice-%"]}, pluck="name", order_by="creation asc")

        with FakeSpeechToText("Молоко не привезли, верните деньги") as speech:
            self.deliver(self.fake.push_voice(chat, b"OggS-first" + bytes(range(256))))
            self.assertEqual(speech.requests, [])  # off by default: the audio goes nowhere
            try:
                configure_telegram(self.fake, account_field="support_account_id", transcribe_voice=1,
                                   transcription_url=speech.url, transcription_api_key=API_KEY,
                                   transcription_model="whisper-large-v3")
                spoken = b"OggS-second" + bytes(range(256)) * 4
                self.deliver(self.fake.push_voice(chat, spoken))
                (received,) = speech.requests
                self.assertEqual((received.audio, received.model, received.language), (spoken, "whisper-large-v3", "ru"))
                message = frappe.get_all("Communication", filters={"reference_name": ticket, "sent_or_received": "Received"},
                                         fields=["content", "has_attachment"], order_by="creation desc", limit=1)[0]
                self.assertIn("Молоко не привезли, верните деньги", message.content)
                self.assertRegex(message.content, "Transcript|Расшифровка")
                self.assertEqual(message.has_attachment, 1)
                files = audio_files()
                self.assertEqual(len(files), 2)  # the audio stays attached, byte for byte
                self.assertEqual(frappe.get_doc("File", files[-1]).get_content(), spoken)

                speech.fail_next(503)
                self.deliver(self.fake.push_voice(chat, b"OggS-third"))
                self.assertEqual(len(audio_files()), 3)
                self.assertTrue(frappe.db.exists("Comment", {"reference_name": ticket,
                                                             "content": ["like", "%503%"]}))
            finally:
                configure_telegram(self.fake, account_field="support_account_id")

    def test_the_long_polling_bot_on_the_site_store_replies_through_the_outbox(self):
        """bench support-hub-telegram's bot (python-telegram-bot polling the fake Bot API) on this site's
        store: its replies are Telegram Outbox rows, and one throttled by a 429 is sent once when due."""
        import asyncio
        import threading
        import time
        from contextlib import contextmanager

        from support_hub.fakes.telegram import TOKEN
        from support_hub.integrations.telegram import site
        from support_hub.integrations.telegram.customer_store import FrappeBotStore
        from support_hub.integrations.telegram.ptb_app import build_application
        from support_hub.integrations.telegram.webhook import bot_config

        chat = CHAT + 13
        conf = site.settings()

        one_at_a_time = threading.Lock()

        @contextmanager
        def session():  # as commands.site_store, on the test's own connection and transaction
            # python-telegram-bot may handle an update and send replies at once, from two threads; the
            # site store opens a connection per session, but here they share the test's one connection,
            # which a second thread must not use while the first is mid-query.
            with one_at_a_time:
                yield FrappeBotStore(conf, commit_sends=False)

        async def until(count):
            deadline = time.monotonic() + 20
            while len(self.fake.texts(chat)) < count:
                self.assertLess(time.monotonic(), deadline, self.fake.texts(chat))
                await asyncio.sleep(0.05)

        async def polling():
            app = build_application(TOKEN, session, base_url=self.fake.api_base, base_file_url=self.fake.file_base,
                                    config=bot_config(conf))
            await app.initialize()
            await app.start()
            await app.updater.start_polling(poll_interval=0, timeout=1)
            try:
                self.fake.push_message(chat, "/start")
                await until(1)
                self.fake.fail_next(1, status=429, retry_after=2)
                self.fake.push_message(chat, ACCOUNT)
                await until(2)
                await asyncio.sleep(1)  # a second copy would show up here
            finally:
                await app.updater.stop()
                await app.stop()
                await app.shutdown()

        asyncio.run(polling())
        texts = self.fake.texts(chat)
        self.assertEqual(len(texts), 2, texts)
        self.assertIn("Romashka", texts[1])
        rows = frappe.get_all("Telegram Outbox", filters={"chat_id": str(chat)}, fields=["purpose", "status", "attempts"],
                              order_by="creation asc")
        self.assertEqual([(r.purpose, r.status, r.attempts) for r in rows],
                         [("Bot Reply", "Sent", 1), ("Bot Reply", "Sent", 2)])
        self.assertEqual(frappe.db.get_value("Telegram Chat", str(chat), "active_account"), ACCOUNT)

    def last_text_of(self, chat):
        return self.fake.texts(chat)[-1]

    def test_duplicate_update_is_processed_once(self):
        self.sign_in_and_open_ticket(chat=CHAT + 1)
        update = self.fake.message_update(CHAT + 1, "Ещё одна деталь")
        self.deliver(update)
        self.deliver(update)  # Telegram redelivers after a timeout
        ticket = frappe.db.get_value("Ticket", {"telegram_chat_id": str(CHAT + 1)}, "name")
        texts = frappe.get_all("Communication", filters={"reference_name": ticket, "content": ["like", "%Ещё одна деталь%"]})
        self.assertEqual(len(texts), 1)

    def test_wrong_or_missing_secret_is_refused_and_writes_nothing(self):
        before = frappe.db.count("Telegram Update")
        update = self.fake.message_update(CHAT + 2, "hello")
        self.assertEqual(self.deliver(update, secret="wrong"), 403)
        self.assertEqual(self.deliver(update, secret=None), 403)
        self.assertEqual(frappe.db.count("Telegram Update"), before)
        self.assertFalse(frappe.db.exists("Telegram Chat", str(CHAT + 2)))

    def test_malformed_update_is_a_400_and_writes_nothing(self):
        before = frappe.db.count("Telegram Update")
        frappe.local.response = frappe._dict()
        webhook.receive(b"{not json", WEBHOOK_SECRET)
        self.assertEqual(frappe.local.response.http_status_code, 400)
        frappe.local.response = frappe._dict()
        webhook.receive(json.dumps({"message": {"text": "no update id"}}).encode(), WEBHOOK_SECRET)
        self.assertEqual(frappe.local.response.http_status_code, 400)
        self.assertEqual(frappe.db.count("Telegram Update"), before)

    def test_oversized_file_is_refused_with_a_message(self):
        ticket = self.sign_in_and_open_ticket(chat=CHAT + 3)
        with change_settings("Telegram Settings", max_file_mb=1):
            frappe.clear_document_cache("Telegram Settings", "Telegram Settings")
            self.deliver(self.fake.push_document(CHAT + 3, b"x" * (2 * 1024 * 1024), file_name="huge.zip"))
        self.assertFalse(frappe.db.exists("File", {"attached_to_name": ticket, "file_name": "huge.zip"}))
        self.assertTrue(any("МБ" in t or "MB" in t for t in self.fake.texts(CHAT + 3)[-1:]), self.fake.texts(CHAT + 3))


class TestTelegramChannelDelivery(FrappeTestCase):
    """Auto-replies and team alerts on Telegram tickets, through the outbox to a fake Bot API."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.fake = FakeTelegram().start()
        setup_support_world()
        # Mail sent during these tests commits, so an earlier run may have left its chats and their
        # tickets behind: every run starts with customers the bot has never seen.
        chats = [str(CHAT + i) for i in range(15)]
        frappe.db.delete("Telegram Chat", {"chat_id": ["in", chats]})
        frappe.db.delete("Ticket", {"telegram_chat_id": ["in", chats]})
        frappe.db.delete("Telegram Outbox", {"chat_id": ["in", chats]})  # an old run's row would go first
        configure_telegram(cls.fake)
        frappe.db.delete("Auto Reply")
        frappe.get_doc({"doctype": "Auto Reply", "reply_name": "Telegram any", "channel": "Telegram", "send_when": "Any",
                        "language": "en", "template": "Ticket {{ doc.name }} is registered."}).insert()
        if frappe.db.exists("Support Team", "Chatty Team"):
            frappe.delete_doc("Support Team", "Chatty Team", force=True)
        frappe.get_doc({"doctype": "Support Team", "team_name": "Chatty Team", "telegram_chat_id": "-100777",
                        "alert_new_messages": 1}).insert()

    @classmethod
    def tearDownClass(cls):
        cls.fake.stop()
        super().tearDownClass()

    def test_auto_reply_reaches_the_customer_chat(self):
        from support_hub.testing import make_ticket

        ticket = make_ticket(channel="Telegram", telegram_chat_id="8800", raised_by="tg:8800")
        outbox.send_due(commit=False)
        self.assertIn(f"Ticket {ticket.name} is registered.", self.fake.texts(8800))

    def test_new_customer_message_alerts_teams_that_want_it(self):
        from support_hub.testing import make_ticket

        ticket = make_ticket(team="Chatty Team", subject="Printer <offline>")
        frappe.get_doc({"doctype": "Communication", "communication_type": "Communication", "communication_medium": "Email",
                        "sent_or_received": "Received", "subject": "more", "content": "<p>It is still offline</p>",
                        "reference_doctype": "Ticket", "reference_name": ticket.name}).insert(ignore_permissions=True)
        outbox.send_due(commit=False)
        alerts = self.fake.texts(-100777)
        self.assertEqual(len(alerts), 1)
        self.assertIn("It is still offline", alerts[0])
        self.assertIn("Printer &lt;offline&gt;", alerts[0])
