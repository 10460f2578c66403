# Copyright (c) 2026, support_hub developers. License: MIT.

import frappe
from frappe import _
from frappe.model.document import Document

SAMPLE_CONTEXT = {
    "doc": frappe._dict(name="TCK-00042", subject="Sample subject", channel="Email", raised_by="customer@example.com",
                        priority="Today", ticket_type="Support", customer="", status="Open"),
    "due_human": "today before 18:30",
    "due_local": "2026-03-02 18:30",
    "due_time": "18:30",
    "extra_line": "",
    "situation": "Business Hours",
    "template": "",
    "lang": "en",
}


class AutoReply(Document):
    def validate(self):
        # Render against a sample ticket now, so a broken template is refused here and not
        # discovered by a customer who gets no answer.
        from support_hub.automation.auto_reply import render

        try:
            render(self, dict(SAMPLE_CONTEXT))
        except Exception as error:
            frappe.throw(_("The message does not render: {0}").format(frappe.utils.escape_html(str(error))),
                         title=_("Invalid template"))
