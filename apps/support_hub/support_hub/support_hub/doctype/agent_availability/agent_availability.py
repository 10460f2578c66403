# Copyright (c) 2026, support_hub developers. License: MIT.

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import cstr, get_time, getdate, now_datetime

from support_hub.automation.availability import shift_of, status_now
from support_hub.engine.availability import validate_shift


class AgentAvailability(Document):
    def validate_higher_perm_levels(self):
        # The shift and the leave are the manager's (permission level 1); an agent sets only "Away" on their
        # own row. Frappe would silently undo an agent's change of the shift: refuse it clearly instead.
        if not (self.flags.ignore_permissions or frappe.session.user == "Administrator"
                or 1 in self.get_permlevel_access("write")):
            changed = self._manager_fields_changed()
            if changed:
                frappe.throw(
                    _("Only a Support Manager sets an agent's shift and leave ({0}).").format(
                        ", ".join(_(self.meta.get_label(f)) for f in changed)),
                    frappe.PermissionError, title=_("Not permitted"))
        super().validate_higher_perm_levels()

    def _manager_fields_changed(self) -> list[str]:
        before = self.get_doc_before_save()
        changed = []
        for df in self.meta.fields:
            if df.permlevel != 1 or df.fieldtype in ("Section Break", "Column Break"):
                continue
            if df.fieldtype == "Table":
                rows = [(str(r.from_date), str(r.to_date), r.note or "") for r in self.get(df.fieldname)]
                old = [(str(r.from_date), str(r.to_date), r.note or "") for r in before.get(df.fieldname)] if before else []
                if rows != old:
                    changed.append(df.fieldname)
                continue
            if df.fieldtype == "Time" and (self.all_day or (before is None and not self.shift_pattern)):
                continue  # Frappe fills Time fields with the time of day; without hours they mean nothing
            value = cstr(self.get(df.fieldname))
            old = cstr(before.get(df.fieldname)) if before else cstr(df.default or ("0" if df.fieldtype in ("Check", "Int") else ""))
            if df.fieldtype == "Time":
                value, old = str(get_time(value)) if value else "", str(get_time(old)) if old else ""
            if value != old:
                changed.append(df.fieldname)
        return changed

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
