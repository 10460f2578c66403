# Copyright (c) 2026, support_hub developers. License: MIT.

import frappe
from frappe import _
from frappe.model.document import Document

INTAKE_LIMIT_FIELDS = ("intake_limit_per_sender", "intake_limit_per_client_address", "intake_limit_window_minutes")


class SupportHubSettings(Document):
    def validate(self):
        if self.intake_limit_window_minutes is not None and int(self.intake_limit_window_minutes) < 1:
            frappe.throw(_("The web intake window must be at least one minute."))

    def on_update(self):
        if any(self.has_value_changed(field) for field in INTAKE_LIMIT_FIELDS):
            from support_hub.intake.web_limits import forget_counts

            forget_counts()  # new limits count from zero, not from what the old ones counted
