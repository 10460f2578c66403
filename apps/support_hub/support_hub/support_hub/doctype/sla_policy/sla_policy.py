# Copyright (c) 2026, support_hub developers. License: MIT.

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import get_system_timezone

from support_hub.api.arguments import validate_arguments
from support_hub.engine.calendar import check_working_hours
from support_hub.engine.sla import DEFAULT_PAUSE_STATUSES
from support_hub.engine.sla_targets import target_minutes, working_day_minutes
from support_hub.sla.policies import working_hours

CRITERIA = ("ticket_type", "team", "channel", "priority")


class SLAPolicy(Document):
    def before_validate(self):
        if not self.time_zone:
            self.time_zone = get_system_timezone()
        if self.is_new() and not self.pause_statuses:
            for status in sorted(DEFAULT_PAUSE_STATUSES):
                self.append("pause_statuses", {"status": status})
        self.fill_target_minutes()

    def validate(self):
        self.validate_time_zone()
        self.validate_targets()
        self.validate_business_hours()
        self.validate_single_default()
        self.warn_catch_all()

    def working_day(self) -> int:
        try:
            return working_day_minutes(working_hours([r for r in self.business_hours
                                                      if r.weekday and r.start_time is not None and r.end_time is not None]))
        except ValueError:
            return 0  # bad hours: validate_business_hours says which row

    def fill_target_minutes(self):
        """Targets are written in minutes, hours or working days; the clock keeps counting the stored
        working minutes. A client that sends only minutes (the REST API, older scripts) keeps them, and the
        row then reads as that many minutes."""
        before = self.get_doc_before_save()
        old = {r.name: r for r in (before.targets if before else [])}
        day = None
        for row in self.targets:
            previous = old.get(row.name)
            for part in ("first_response", "resolution"):
                minutes_field, amount_field, unit_field = f"{part}_minutes", f"{part}_amount", f"{part}_unit"
                minutes, amount, unit = row.get(minutes_field), row.get(amount_field), row.get(unit_field) or "Minutes"
                minutes_changed_alone = previous is not None and minutes != previous.get(minutes_field) and (
                    amount == previous.get(amount_field) and unit == (previous.get(unit_field) or "Minutes"))
                if (not amount or minutes_changed_alone) and minutes:
                    row.set(amount_field, minutes)
                    row.set(unit_field, "Minutes")
                    continue
                if not amount:
                    continue  # validate_targets names the missing target
                if day is None:
                    day = self.working_day()
                if unit == "Working Days" and not day:
                    frappe.throw(_("Targets, row {0}: working days need business hours to count in.").format(row.idx))
                row.set(unit_field, unit)
                row.set(minutes_field, target_minutes(amount, unit, day))

    def warn_catch_all(self):
        """A policy without criteria matches every ticket and outranks the default policy, which then
        never applies (engine.sla.select_policy: any match beats the default)."""
        if not self.enabled or self.is_default or any(self.get(f) for f in CRITERIA):
            return
        default = frappe.db.get_value("SLA Policy", {"is_default": 1, "enabled": 1, "name": ["!=", self.name]})
        rivals = frappe.get_all("SLA Policy", filters={"enabled": 1, "is_default": 0, "name": ["!=", self.name],
                                                       **{f: ["is", "not set"] for f in CRITERIA}}, pluck="name")
        if not (default or rivals):
            return
        message = _("{0} has no Ticket Type, Team, Channel or Priority, so it applies to every ticket no more specific policy matches.").format(
            frappe.bold(self.policy_name or self.name))
        if default:
            message += " " + _("The default policy {0} will then never be used: add a criterion, or make this the default policy instead.").format(frappe.bold(default))
        if rivals:
            message += " " + _("It competes with {0}, which has no criteria either.").format(", ".join(frappe.bold(r) for r in rivals))
        frappe.msgprint(message, title=_("Catch-all policy"), indicator="orange")

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
        # 00:00 is a start like any other (the database hands it back as a zero timedelta, which is falsy).
        if any(not r.weekday or r.start_time in (None, "") or r.end_time in (None, "") for r in rows):
            frappe.throw(_("Business Hours: every row needs a weekday, a start and an end."))
        try:
            hours = working_hours(rows)
        except ValueError:
            frappe.throw(_("Business Hours: a start or end is not a time of day (HH:MM or HH:MM:SS)."))
        problems = check_working_hours(hours)
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
