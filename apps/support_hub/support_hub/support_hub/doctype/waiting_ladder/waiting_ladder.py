# Copyright (c) 2026, support_hub developers. License: MIT.

import frappe
from frappe import _
from frappe.model.document import Document

from support_hub.automation.waiting import ladder_steps
from support_hub.engine.ladder import check_ladder


class WaitingLadder(Document):
    def validate(self):
        for row in self.steps:
            if (row.after_hours or 0) <= 0:
                frappe.throw(_("Steps, row {0}: the delay must be more than zero hours.").format(row.idx))
            if row.action != "Close" and not (row.template or "").strip():
                frappe.throw(_("Steps, row {0}: write the message to send.").format(row.idx))
        if not any(row.action == "Close" for row in self.steps):
            frappe.msgprint(_("This ladder never closes tickets: it has no Close step."), indicator="orange")
        problems = check_ladder(ladder_steps(self.steps))
        if problems:
            frappe.throw("<br>".join(problems))
        other = frappe.db.get_value(
            "Waiting Ladder", {"enabled": 1, "ticket_type": self.ticket_type or ("is", "not set"), "name": ["!=", self.name]}
        )
        if self.enabled and other:
            frappe.throw(_("{0} already covers these tickets.").format(frappe.bold(other)))
