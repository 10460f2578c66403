# Copyright (c) 2026, support_hub developers. License: MIT.

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import cint

from support_hub.claims import settings
from support_hub.engine.calendar import CalendarError


class ClaimSettings(Document):
    def validate(self):
        if cint(self.working_days) < 1:
            frappe.throw(_("Working Days to Answer must be at least 1"))
        try:
            settings.parse_lead_hours(self.reminder_hours)
        except ValueError:
            frappe.throw(_("Reminder Hours: give hours before the deadline as numbers, comma separated, like 24, 2"))
        if self.sla_policy:
            try:
                settings.policy_calendar(self.sla_policy)
            except CalendarError as e:
                frappe.throw(_("SLA Policy {0} has unusable business hours: {1}").format(self.sla_policy, str(e)))
            policy = frappe.db.get_value(
                "SLA Policy",
                self.sla_policy,
                ["enabled", "is_default", "ticket_type", "team", "channel", "priority"],
                as_dict=True,
            )
            if (
                policy
                and policy.enabled
                and not any(policy[f] for f in ("is_default", "ticket_type", "team", "channel", "priority"))
            ):
                frappe.msgprint(
                    _(
                        "SLA Policy {0} is enabled and has no conditions, so it is also chosen for tickets. Disable it if it is meant for claims only."  # noqa: E501
                    ).format(self.sla_policy),
                    indicator="orange",
                    alert=True,
                )
