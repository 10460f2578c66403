# Copyright (c) 2026, support_hub developers. License: MIT.

import frappe
from frappe.tests.utils import FrappeTestCase

from support_hub.testing import make_ticket, msk, setup_support_world


def auto_messages(ticket) -> list[str]:
    return frappe.get_all(
        "Communication",
        filters={"reference_doctype": "Ticket", "reference_name": ticket.name, "communication_type": "Automated Message"},
        pluck="content",
    )


def make_reply(name, when, template, channel=None, lines=()):
    if frappe.db.exists("Auto Reply", name):
        frappe.delete_doc("Auto Reply", name, force=True, ignore_permissions=True)
    return frappe.get_doc(
        {"doctype": "Auto Reply", "reply_name": name, "send_when": when, "channel": channel, "language": "en",
         "template": template, "channel_lines": [{"channel": c, "line": line} for c, line in lines]}
    ).insert(ignore_permissions=True)


class TestAutoReply(FrappeTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        setup_support_world()
        frappe.db.delete("Auto Reply")
        make_reply("Daytime", "Business Hours", "Ticket {{ doc.name }}: we will answer {{ due_human }}.",
                   lines=[("Web", "The answer will come by email.")])
        make_reply("Evening", "Outside Hours", "Ticket {{ doc.name }}: we are closed, we answer {{ due_human }}.")
        make_reply("Weekend", "Weekend or Holiday", "Ticket {{ doc.name }}: enjoy the weekend, we answer {{ due_human }}.")

    def create_at(self, moment, **values):
        with self.freeze_time(moment):
            return make_ticket(**values)

    def test_business_hours_reply_promises_the_first_response_due_time(self):
        ticket = self.create_at(msk(2026, 3, 2, 10, 0))  # Monday
        messages = auto_messages(ticket)
        self.assertEqual(len(messages), 1, messages)
        self.assertIn(ticket.name, messages[0])
        self.assertIn("we will answer today before 11:00", messages[0])
        self.assertIsNone(frappe.db.get_value("Ticket", ticket.name, "first_responded_on"))
        self.assertTrue(frappe.db.exists("Support Automation Log", {"ticket": ticket.name, "automation": "Auto Reply"}))

    def test_friday_evening_and_weekend_get_their_own_texts(self):
        friday = self.create_at(msk(2026, 3, 6, 19, 0))
        self.assertIn("we are closed, we answer Monday at 10:00", auto_messages(friday)[0])
        saturday = self.create_at(msk(2026, 3, 7, 12, 0))
        self.assertIn("enjoy the weekend, we answer Monday at 10:00", auto_messages(saturday)[0])

    def test_channel_line_and_no_reply_on_the_phone(self):
        web = self.create_at(msk(2026, 3, 2, 10, 0), channel="Web")
        self.assertIn("The answer will come by email.", auto_messages(web)[0])
        phone = self.create_at(msk(2026, 3, 2, 10, 0), channel="Phone")
        self.assertEqual(auto_messages(phone), [])

    def test_customer_text_is_escaped_in_the_reply(self):
        make_reply("Echo", "Business Hours", "You wrote: {{ doc.subject }}", channel="Email")
        try:
            echo = self.create_at(msk(2026, 3, 2, 10, 0), subject="Price <b>5</b> & more")
        finally:
            frappe.delete_doc("Auto Reply", "Echo", force=True, ignore_permissions=True)
        content = auto_messages(echo)[0]
        self.assertNotIn("<b>", content)
        self.assertIn("&lt;b&gt;5&lt;/b&gt; &amp; more", content)

    def test_broken_template_is_refused_on_save(self):
        with self.assertRaises(frappe.ValidationError) as caught:
            make_reply("Broken", "Any", "Hello {{ doc.name ")
        self.assertIn("does not render", str(caught.exception))
        self.assertFalse(frappe.db.exists("Auto Reply", "Broken"))


class TestRenderText(FrappeTestCase):
    """auto_reply.render_text: a template compiled once renders as frappe.render_template renders it."""

    def test_same_text_as_frappe_on_every_render(self):
        from support_hub.automation.auto_reply import render_text

        template = "{{ doc.name }}: {{ _('Open') }} {% if n > 1 %}{{ n }} tickets{% endif %}"
        for n in (1, 2, 3):  # the second and third from the compiled template
            context = {"doc": frappe._dict(name=f"TCK-{n}"), "n": n}
            self.assertEqual(render_text(template, context), frappe.render_template(template, context))
        self.assertEqual(render_text("TCK-9 closed", {}), "TCK-9 closed")

    def test_what_frappe_refuses_is_refused(self):
        from support_hub.automation.auto_reply import render_text

        with self.assertRaises(frappe.ValidationError):
            render_text("{{ doc.__class__ }}", {"doc": frappe._dict()})
        with self.assertRaises(frappe.ValidationError):
            render_text("{% if %}", {})  # Frappe's "Jinja Template Error"
