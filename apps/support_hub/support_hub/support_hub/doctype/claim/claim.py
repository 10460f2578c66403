# Copyright (c) 2026, support_hub developers. License: MIT.

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import flt, get_datetime, now_datetime

from support_hub.claims import assignment, erp_documents, messages, order_lines, outcome, ticket_link, timing
from support_hub.engine import claims as engine
from support_hub.engine.calendar import CalendarError

# Fields only claims staff (write access at permission level 1) may set.
DECISION_FIELDS = ("status", "responsible", "resolution", "amount_approved")


def _decided(value, default, fieldname: str) -> bool:
    if fieldname == "amount_approved":
        return bool(flt(value))
    return bool(value) and value != default


def _differs(value, before, fieldname: str) -> bool:
    if fieldname == "amount_approved":
        return flt(value) != flt(before)
    return (value or None) != (before or None)


class ClaimStatusError(frappe.ValidationError):
    pass


class ClaimAmountError(frappe.ValidationError):
    pass


class Claim(Document):
    def validate_higher_perm_levels(self):
        # Frappe would silently drop a decision an agent typed into a new claim; say so instead.
        self.refuse_unpermitted_decision()
        super().validate_higher_perm_levels()

    def _validate_links(self):
        # Frappe checks links before validate runs: a claim sent with only its Order (REST, an import)
        # needs the order's doctype first.
        self.fill_order()
        super()._validate_links()

    def validate(self):
        now = now_datetime()
        before = None if self.is_new() else self.get_doc_before_save()
        if self.ticket and self.is_new():
            ticket_link.fill_from_ticket(self, frappe.get_doc("Ticket", self.ticket))
        self.fill_order()
        if not self.get("currency"):  # amounts in the order's / company's / site's currency
            from support_hub.claims.currency import claim_currency

            self.currency = claim_currency(self)
        erp_documents.refuse_hand_set_links(self)
        order_lines.price(self)
        self.check_status(before)
        self.check_amounts()
        self.check_items()
        erp_documents.check_decision(self)
        self.check_postponement(before, now)
        if self.is_new():
            try:
                self.deadline = timing.deadline_for(now)
            except CalendarError as e:
                frappe.throw(_("Cannot count the claim deadline: {0}").format(str(e)), title=_("Check Claim Settings"))
        timing.track_decision(self, before, now)
        if self.status not in timing.OUTCOME_STATUSES:
            assignment.route(self, self.creation or now)

    def on_update(self):
        before = self.get_doc_before_save()
        assignment.sync(self, before)
        ticket_link.post_outcome(self, before)
        outcome.tell_customer(self, before)  # the decision reaches the customer on the ticket's channel
        erp_documents.after_decision(self, before)

    def after_insert(self):
        ticket_link.note_raised(self)

    # --- checks ---------------------------------------------------------------------------------
    def refuse_unpermitted_decision(self):
        """Frappe would silently put back a decision field an agent changed; refuse it with a reason."""
        if self.flags.ignore_permissions or frappe.session.user == "Administrator":
            return
        if 1 in self.get_permlevel_access("write"):
            return
        if self.is_new():
            defaults = {f: self.meta.get_field(f).default for f in DECISION_FIELDS}
            typed = [f for f in DECISION_FIELDS if _decided(self.get(f), defaults[f], f)]
        else:
            before = self.get_doc_before_save() or frappe.get_doc("Claim", self.name)
            typed = [f for f in DECISION_FIELDS if _differs(self.get(f), before.get(f), f)]
        if typed:
            labels = ", ".join(_(self.meta.get_label(f)) for f in typed)
            frappe.throw(
                _("Only a Claims Officer or a Support Manager can set {0}.").format(labels),
                frappe.PermissionError,
                title=_("Not permitted"),
            )

    def fill_order(self):
        if not self.order_doctype and not self.order_reference:
            self.order_doctype = ticket_link.order_doctype()
        if self.order_link:
            self.order_reference = self.order_link

    def check_status(self, before):
        if self.status == engine.REJECTED and not self.resolution:
            self.resolution = engine.REJECTION
        problem = messages.transition_problem(before.status if before else None, self.status)
        if problem:
            frappe.throw(problem, ClaimStatusError, title=_("Status change not allowed"))
        if self.status in (engine.APPROVED, engine.COMPENSATED) and not self.resolution:
            frappe.throw(
                _("Choose a Resolution before setting the status to {0}").format(_(self.status)),
                ClaimStatusError,
                title=_("Status change not allowed"),
            )

    def check_amounts(self):
        # 0 claimed: the customer named no sum (the engine's None); a negative sum goes on to be refused.
        claimed = flt(self.amount_claimed) or None
        problems = messages.amount_problems(claimed, flt(self.amount_approved), self.resolution or None)
        if problems:
            frappe.throw("<br>".join(problems), ClaimAmountError, title=_("Check the amounts"))

    def check_items(self):
        for row in self.items:
            if flt(row.quantity) <= 0:
                frappe.throw(_("Order Lines, row {0}: Quantity must be above zero").format(row.idx))

    def check_postponement(self, before, now):
        until = _moment(self.postponed_until)
        if until and (before is None or _moment(before.postponed_until) != until) and until <= now:
            frappe.throw(_("Postponed Until must be in the future"))


def _moment(value):
    return get_datetime(value) if value else None


def on_doctype_update():
    # The reminder job's question: undecided claims with a deadline in the next hours.
    frappe.db.add_index("Claim", ["status", "deadline"])
