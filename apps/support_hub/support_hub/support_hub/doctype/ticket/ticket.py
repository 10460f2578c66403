# Copyright (c) 2026, support_hub developers. License: MIT.

import frappe
from frappe.model.document import Document
from frappe.utils import now_datetime

from support_hub.automation import intake, routing, waiting
from support_hub.crm import orders
from support_hub.crm.identify import customer_doctype, identify
from support_hub.intake import email as email_intake
from support_hub.sla import ticket_clock
from support_hub.sla.guard import record_sla_changes, refuse_unpermitted_edit
from support_hub.system_fields import refuse_person_writes

TICKET_NUMBER_PREFIX = "TCK-"


class Ticket(Document):
    def autoname(self):
        # A database sequence, not a naming series: a series row stays locked until the request
        # commits, which makes concurrent intake queue up behind one another.
        number = frappe.db.get_next_sequence_val("Ticket", slug="_number_seq")
        self.name = f"{TICKET_NUMBER_PREFIX}{number:05d}"

    def validate_higher_perm_levels(self):
        # Frappe silently resets fields a user may not write; an agent who edits the SLA
        # deserves a clear refusal instead, so check before the reset happens.
        if not self.is_new():
            refuse_person_writes(self)  # a new ticket was checked in before_insert
        refuse_unpermitted_edit(self)
        super().validate_higher_perm_levels()

    def _validate_links(self):
        orders.set_order_doctype(self)  # before Frappe checks the Order link against it
        super()._validate_links()

    def before_insert(self):
        # First, before any code of ours fills a system field: what a person sent is what is checked.
        refuse_person_writes(self)
        self.opened_on = self.opened_on or now_datetime()
        email_intake.apply_mail_context(self)
        identify(self)  # contact and customer first: routing may send the ticket to their account manager
        orders.link_mentioned_order(self)  # the customer's message may name an order of theirs
        routing.before_insert(self)

    def after_insert(self):
        email_intake.link_previous_ticket(self)
        intake.queue(self)

    def validate(self):
        self.fill_from_topic()
        self.fill_defaults()
        orders.check_order(self)
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
            # A plain Frappe site has no Customer doctype: leave the pair empty rather than dangling.
            self.customer_type = customer_doctype()


def ensure_number_sequence():
    """The ticket number sequence, continuing after any ticket that already exists."""
    from frappe.database.sequence import create_sequence, set_next_val

    create_sequence("Ticket", slug="_number_seq", check_not_exists=True)
    highest = frappe.db.sql(
        "select max(cast(substring(name, %s) as unsigned)) from `tabTicket` where name like %s",
        (len(TICKET_NUMBER_PREFIX) + 1, TICKET_NUMBER_PREFIX + "%"),
    )[0][0]
    if highest:
        current = frappe.db.sql("select nextval(`ticket_number_seq`)")[0][0]
        if current <= highest:
            set_next_val("Ticket", highest + 1, slug="_number_seq")


def on_doctype_update():
    from support_hub.reports.indexes import add_report_indexes

    ensure_number_sequence()
    add_report_indexes()
    # The sweep's two questions, both answered from ranges of this index (sla.sweep); one index fewer to keep
    # up on every save and re-plan.
    frappe.db.add_index("Ticket", ["sla_status", "sla_warning_on"])
