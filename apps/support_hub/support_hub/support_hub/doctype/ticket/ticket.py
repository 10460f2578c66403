# Copyright (c) 2026, support_hub developers. License: MIT.

import frappe
from frappe.model.document import Document

from frappe.utils import now_datetime

from support_hub.automation import auto_reply, routing, waiting
from support_hub.sla import ticket_clock
from support_hub.sla.guard import record_sla_changes, refuse_unpermitted_edit


class Ticket(Document):
    def validate_higher_perm_levels(self):
        # Frappe silently resets fields a user may not write; an agent who edits the SLA
        # deserves a clear refusal instead, so check before the reset happens.
        refuse_unpermitted_edit(self)
        super().validate_higher_perm_levels()

    def before_insert(self):
        routing.before_insert(self)

    def after_insert(self):
        routing.after_insert(self)
        if not self.flags.skip_auto_reply:
            auto_reply.send_for_new_ticket(self)

    def validate(self):
        self.fill_from_topic()
        self.fill_defaults()
        ticket_clock.apply(self)
        waiting.track(self, None if self.is_new() else self.get_doc_before_save(), now_datetime())

    def on_update(self):
        record_sla_changes(self)

    def fill_from_topic(self):
        if not self.topic:
            return
        team, ticket_type = frappe.get_cached_value("Ticket Topic", self.topic, ["team", "ticket_type"]) or (None, None)
        self.team = self.team or team
        self.ticket_type = self.ticket_type or ticket_type

    def fill_defaults(self):
        settings = frappe.get_cached_doc("Support Hub Settings")
        if not self.ticket_type and settings.default_ticket_type:
            self.ticket_type = settings.default_ticket_type
        if not self.team and settings.default_team:
            self.team = settings.default_team
        if not self.priority:
            self.priority = frappe.db.get_value("Ticket Priority", {"is_default": 1}, "name")
        if not self.customer_type:
            customer_doctype = settings.customer_doctype or "Customer"
            # A plain Frappe site has no Customer doctype: leave the pair empty rather than dangling.
            if frappe.db.exists("DocType", customer_doctype):
                self.customer_type = customer_doctype


def on_doctype_update():
    # The sweep's two questions, each answered from one index range.
    frappe.db.add_index("Ticket", ["sla_status", "sla_breach_on"])
    frappe.db.add_index("Ticket", ["sla_status", "sla_warning_on"])
