# Copyright (c) 2026, support_hub developers. License: MIT.

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import get_system_timezone

from support_hub.api.arguments import validate_arguments
from support_hub.engine.calendar import check_working_hours
from support_hub.engine.sla import DEFAULT_PAUSE_STATUSES
from support_hub.sla.policies import working_hours


class SLAPolicy(Document):
    def before_validate(self):
        if not self.time_zone:
            self.time_zone = get_system_timezone()
        if self.is_new() and not self.pause_statuses:
            for status in sorted(DEFAULT_PAUSE_STATUSES):
                self.append("pause_statuses", {"status": status})

    def validate(self):
        self.validate_time_zone()
        self.validate_targets()
        self.validate_business_hours()
        self.validate_single_default()

    def validate_time_zone(self):
        try:
            ZoneInfo(self.time_zone)
        except (ZoneInfoNotFoundError, ValueError):
            frappe.throw(_("Unknown time zone {0}").format(frappe.bold(self.time_zone)))

    def validate_targets(self):
        if not self.targets:
            frappe.throw(_("Add at least one target (first response and resolution minutes)."))
        seen = set()
        for row in self.targets:
            for fieldname in ("first_response_minutes", "resolution_minutes"):
                if (row.get(fieldname) or 0) <= 0:
                    frappe.throw(
                        _("Targets, row {0}: {1} must be more than zero.").format(
                            row.idx, _(row.meta.get_label(fieldname))
                        )
                    )
            if row.first_response_minutes > row.resolution_minutes:
                frappe.throw(_("Targets, row {0}: the first response cannot be due after the resolution.").format(row.idx))
            key = row.priority or ""
            if key in seen:
                frappe.throw(_("Targets, row {0}: priority {1} is listed twice.").format(row.idx, key or _("(any)")))
            seen.add(key)

    def validate_business_hours(self):
        rows = list(self.business_hours)
        if any(not (r.weekday and r.start_time and r.end_time) for r in rows):
            frappe.throw(_("Business Hours: every row needs a weekday, a start and an end."))
        problems = check_working_hours(working_hours(rows))
        if problems:
            messages = [
                _("Business Hours, row {0}: {1}").format(rows[p.row - 1].idx, p.message) if p.row
                else _("Business Hours: add at least one working interval (there are no business hours at all).")
                for p in problems
            ]
            frappe.throw("<br>".join(messages), title=_("Invalid business hours"))

    def validate_single_default(self):
        if not (self.is_default and self.enabled):
            return
        other = frappe.db.get_value("SLA Policy", {"is_default": 1, "enabled": 1, "name": ["!=", self.name]})
        if other:
            frappe.throw(_("{0} is already the default policy.").format(frappe.bold(other)))


@frappe.whitelist()
@validate_arguments
def import_holiday_list(policy: str, holiday_list: str) -> int:
    """Copy the dates of an ERPNext Holiday List into the policy's own holidays."""
    doc = frappe.get_doc("SLA Policy", policy)
    doc.check_permission("write")
    if not frappe.db.exists("DocType", "Holiday List"):
        frappe.throw(_("Holiday List is not installed on this site (it comes with ERPNext)."))
    source = frappe.get_doc("Holiday List", holiday_list)
    source.check_permission("read")
    known = {str(h.holiday_date) for h in doc.holidays}
    added = 0
    for holiday in source.holidays:
        if str(holiday.holiday_date) not in known:
            doc.append("holidays", {"holiday_date": holiday.holiday_date, "description": holiday.description})
            added += 1
    doc.save()
    return added
