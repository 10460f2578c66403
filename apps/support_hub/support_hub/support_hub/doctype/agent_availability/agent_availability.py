# Copyright (c) 2026, support_hub developers. License: MIT.

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import getdate, now_datetime

from support_hub.automation.availability import shift_of, status_now
from support_hub.engine.availability import validate_shift


class AgentAvailability(Document):
    @property
    def current_status(self) -> str:
        """On Shift / Off Shift / Away / On Leave at this moment (a virtual field: computed, never stored)."""
        return _(status_now(self.user)) if self.user and not self.is_new() else ""

    def validate(self):
        shift = shift_of(self)
        problems = validate_shift(shift) if shift else []
        for leave in self.leaves:
            if getdate(leave.to_date) < getdate(leave.from_date):
                problems.append(_("leave row {0}: it ends before it starts").format(leave.idx))
        if problems:
            frappe.throw("<br>".join(_(p) for p in problems), title=_("Invalid availability"))
        # "Away since" is when the box was ticked: the hand-on clock counts from it.
        before = self.get_doc_before_save()
        if self.away and not (before and before.away and self.away_since):
            self.away_since = now_datetime()
        if not self.away:
            self.away_since = None
            self.away_until = None
