# Copyright (c) 2026, support_hub developers. License: MIT.
"""The one rating writer (support_hub.ratings.record_rating) and the one-time rating links, on a real site."""

from datetime import timedelta

import frappe
from frappe.tests.utils import FrappeTestCase
from frappe.utils import get_datetime, now_datetime

from support_hub import ratings
from support_hub.engine.rating_links import new_token, token_digest
from support_hub.fakes.telegram import FakeTelegram
from support_hub.testing import MANAGER_CHAT, configure_telegram, make_ticket, setup_support_world


def stored(ticket: str) -> frappe._dict:
    return frappe.db.get_value("Ticket", ticket, ["rating", "rating_comment", "rated_on"], as_dict=True)


def timeline(ticket: str) -> list[str]:
    return frappe.get_all("Comment", filters={"reference_doctype": "Ticket", "reference_name": ticket,
                                              "comment_type": "Info"}, pluck="content")


def rating_alerts(ticket: str) -> list[str]:
    return frappe.get_all("Telegram Outbox", filters={"reference_doctype": "Ticket", "reference_name": ticket,
                                                      "purpose": "Rating"}, pluck="text")


class TestRecordRating(FrappeTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        setup_support_world()
        cls.fake = FakeTelegram().start()
        configure_telegram(cls.fake, alert_ratings=1)

    @classmethod
    def tearDownClass(cls):
        cls.fake.stop()
        super().tearDownClass()

    def test_a_bad_rating_is_stored_on_the_timeline_and_alerted(self):
        ticket = make_ticket(subject="Slow answer").name
        ratings.record_rating(ticket, "bad", "  Took <b>two</b> days  ", channel="Web")
        row = stored(ticket)
        self.assertEqual((row.rating, row.rating_comment), ("bad", "Took &lt;b&gt;two&lt;/b&gt; days"))
        self.assertTrue(row.rated_on)
        lines = [c for c in timeline(ticket) if "rated the ticket" in c]
        self.assertEqual(len(lines), 1, lines)
        self.assertIn("👎", lines[0])
        self.assertIn("&lt;b&gt;two", lines[0])  # the customer's words are text, not markup
        alerts = rating_alerts(ticket)
        self.assertEqual(len(alerts), 1)
        self.assertIn("Took &lt;b&gt;two&lt;/b&gt; days", alerts[0])  # decoded once, escaped once for Telegram
        self.assertEqual(frappe.db.get_value("Telegram Outbox", {"reference_name": ticket}, "chat_id"), str(MANAGER_CHAT))

    def test_a_great_rating_alerts_nobody(self):
        ticket = make_ticket().name
        ratings.record_rating(ticket, "great", channel="Telegram")
        self.assertEqual(stored(ticket).rating, "great")
        self.assertEqual(rating_alerts(ticket), [])

    def test_a_second_rating_is_refused_and_changes_nothing(self):
        ticket = make_ticket().name
        ratings.record_rating(ticket, "ok", "Fine", channel="Web")
        first = stored(ticket)
        for rating, comment in (("great", None), ("bad", "Changed my mind"), ("ok", None)):
            with self.assertRaises(ratings.AlreadyRated):
                ratings.record_rating(ticket, rating, comment, channel="Telegram")
        self.assertEqual(stored(ticket), first)
        self.assertFalse(ratings.add_rating_comment(ticket, "A later comment", channel="Telegram"))
        self.assertEqual(stored(ticket).rating_comment, "Fine")
        self.assertEqual(len([c for c in timeline(ticket) if "rated the ticket" in c]), 1)

    def test_bad_values_write_nothing(self):
        ticket = make_ticket().name
        for rating in ("excellent", "", None, "GREAT"):
            with self.assertRaises(ratings.InvalidRating):
                ratings.record_rating(ticket, rating, channel="Web")
        with self.assertRaises(frappe.DoesNotExistError):
            ratings.record_rating("TCK-99999999", "bad", channel="Web")
        self.assertFalse(stored(ticket).rating)
        self.assertFalse([c for c in timeline(ticket) if "rated the ticket" in c])

    def test_the_bot_comment_follows_its_rating_once(self):
        ticket = make_ticket().name
        ratings.record_rating(ticket, "ok", channel="Telegram")
        self.assertTrue(ratings.add_rating_comment(ticket, "Could be faster", channel="Telegram"))
        self.assertFalse(ratings.add_rating_comment(ticket, "Something else", channel="Telegram"))
        self.assertEqual((stored(ticket).rating, stored(ticket).rating_comment), ("ok", "Could be faster"))
        self.assertEqual(len(rating_alerts(ticket)), 2)  # the press, then the comment

    def test_the_bot_store_goes_through_the_writer(self):
        from support_hub.integrations.telegram.customer_store import FrappeBotStore

        ticket = make_ticket(channel="Telegram", telegram_chat_id="70070", raised_by="tg:70070").name
        store = FrappeBotStore()
        self.assertTrue(store.record_rating(ticket, "bad", None))
        self.assertTrue(store.record_rating(ticket, "bad", "Nobody answered"))
        self.assertFalse(store.record_rating(ticket, "great", None))  # a stale keyboard: refused
        self.assertEqual((stored(ticket).rating, stored(ticket).rating_comment), ("bad", "Nobody answered"))
        self.assertTrue(any("(Telegram)" in c for c in timeline(ticket)))


class TestRatingLinks(FrappeTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        setup_support_world()

    def test_only_the_digest_is_stored_and_the_link_rates_once(self):
        ticket = make_ticket(subject="Call about invoices").name
        token = ratings.issue_rating_link(ticket, channel="Phone")
        link = frappe.get_doc("Rating Link", {"ticket": ticket})
        self.assertEqual(link.token_hash, token_digest(token))
        self.assertNotIn(token, frappe.as_json(link.as_dict()))
        self.assertAlmostEqual(get_datetime(link.expires_on), now_datetime() + timedelta(days=30),
                               delta=timedelta(minutes=1))

        state, shown = ratings.look_up(token)
        self.assertEqual((state.value, shown.name, shown.subject), ("valid", ticket, "Call about invoices"))
        self.assertFalse(stored(ticket).rating)  # looking writes nothing

        self.assertEqual(ratings.rate_by_link(token, "bad", "Line was bad"), ticket)
        self.assertEqual((stored(ticket).rating, stored(ticket).rating_comment), ("bad", "Line was bad"))
        self.assertTrue(frappe.db.get_value("Rating Link", link.name, "used_on"))
        self.assertEqual(ratings.look_up(token)[0].value, "rated")

        with self.assertRaises(ratings.AlreadyRated):
            ratings.rate_by_link(token, "great", "")
        self.assertEqual((stored(ticket).rating, stored(ticket).rating_comment), ("bad", "Line was bad"))

    def test_a_link_to_a_ticket_rated_elsewhere_is_spent(self):
        ticket = make_ticket().name
        token = ratings.issue_rating_link(ticket, channel="Phone")
        ratings.record_rating(ticket, "great", channel="Telegram")
        with self.assertRaises(ratings.AlreadyRated):
            ratings.rate_by_link(token, "bad")
        self.assertEqual(stored(ticket).rating, "great")

    def test_forged_and_malformed_tokens_are_refused(self):
        ticket = make_ticket().name
        ratings.issue_rating_link(ticket, channel="Phone")
        for token in (new_token(), token_digest("x"), "", None, "../../etc", ticket, ["a"]):
            with self.assertRaises(ratings.RatingLinkInvalid):
                ratings.rate_by_link(token, "great")
            self.assertEqual(ratings.look_up(token)[0].value, "unknown")
        self.assertFalse(stored(ticket).rating)
        # the old scheme's token, an HMAC of the ticket number, means nothing now
        import hashlib
        import hmac

        old = hmac.new(frappe.local.site.encode(), f"rate:{ticket}".encode(), hashlib.sha256).hexdigest()[:32]
        with self.assertRaises(ratings.RatingLinkInvalid):
            ratings.rate_by_link(old, "great")

    def test_an_expired_link_is_refused(self):
        ticket = make_ticket().name
        token = ratings.issue_rating_link(ticket, channel="Phone")
        with self.freeze_time(now_datetime() + timedelta(days=31)):
            self.assertEqual(ratings.look_up(token)[0].value, "expired")
            with self.assertRaises(ratings.RatingLinkExpired):
                ratings.rate_by_link(token, "great")
        self.assertFalse(stored(ticket).rating)
        self.assertFalse(frappe.db.get_value("Rating Link", {"ticket": ticket}, "used_on"))

    def test_a_bad_answer_keeps_the_link_usable(self):
        ticket = make_ticket().name
        token = ratings.issue_rating_link(ticket, channel="Phone")
        with self.assertRaises(ratings.InvalidRating):
            ratings.rate_by_link(token, "superb")
        self.assertEqual(ratings.look_up(token)[0].value, "valid")
        ratings.rate_by_link(token, "ok")
        self.assertEqual(stored(ticket).rating, "ok")

    def test_links_survive_a_new_encryption_key(self):
        ticket = make_ticket().name
        token = ratings.issue_rating_link(ticket, channel="Phone")
        original = frappe.local.conf.get("encryption_key")
        frappe.local.conf["encryption_key"] = "a-key-Frappe-made-after-the-mail-went-out"
        try:
            self.assertEqual(ratings.look_up(token)[0].value, "valid")
        finally:
            frappe.local.conf["encryption_key"] = original
