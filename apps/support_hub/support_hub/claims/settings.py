"""Claims settings as the rest of the package needs them: the working calendar claim deadlines are
counted in, how many working days a claim has, and when its handler is reminded.

Where the calendar comes from, first match wins:
  1. the SLA Policy named in Claim Settings → "Claims Policy";
  2. else an SLA Policy whose name is exactly "Claims";
  3. else Monday to Friday, 09:00-18:00, in the system time zone, with no holidays.
Only the policy's time zone, business hours and holidays are used (its targets are for tickets), and
it is used whether or not it is enabled: keep a claims-only policy disabled, otherwise, having no
conditions, it would also be chosen for tickets.
"""

from __future__ import annotations

from datetime import time

import frappe
from frappe.utils import cint, get_system_timezone, getdate

from support_hub.engine.calendar import BusinessCalendar, weekly_hours

SETTINGS = "Claim Settings"
FALLBACK_POLICY = "Claims"
DEFAULT_WORKING_DAYS = 3
DEFAULT_LEAD_HOURS = (24.0, 2.0)
FALLBACK_HOURS = weekly_hours(range(5), time(9, 0), time(18, 0))


def _setting(fieldname: str):
    return frappe.db.get_single_value(SETTINGS, fieldname)


def working_days() -> int:
    return cint(_setting("working_days")) or DEFAULT_WORKING_DAYS


def parse_lead_hours(text: str | None) -> tuple[float, ...]:
    """'24, 2' -> (24.0, 2.0). Raises ValueError on anything that is not a list of hours ≥ 0."""
    if not (text or "").strip():
        return DEFAULT_LEAD_HOURS
    hours = []
    for part in text.replace(";", ",").split(","):
        part = part.strip()
        if not part:
            continue
        value = float(part.replace(" ", ""))
        if value < 0:
            raise ValueError(part)
        hours.append(value)
    return tuple(sorted(set(hours), reverse=True)) or DEFAULT_LEAD_HOURS


def lead_hours() -> tuple[float, ...]:
    try:
        return parse_lead_hours(_setting("reminder_hours"))
    except ValueError:
        return DEFAULT_LEAD_HOURS  # a broken setting is refused on save; never stop the reminders over it


def policy_name() -> str | None:
    """The SLA Policy whose calendar claims use, or None for the built-in fallback."""
    named = _setting("sla_policy")
    if named and frappe.db.exists("SLA Policy", named):
        return named
    if frappe.db.exists("SLA Policy", FALLBACK_POLICY):
        return FALLBACK_POLICY
    return None


def policy_calendar(name: str) -> BusinessCalendar:
    from support_hub.sla.policies import working_hours

    policy = frappe.get_doc("SLA Policy", name)
    return BusinessCalendar(
        policy.time_zone or get_system_timezone(),
        working_hours(policy.business_hours),
        [getdate(row.holiday_date) for row in policy.holidays],
    )


def calendar() -> BusinessCalendar:
    name = policy_name()
    if name:
        return policy_calendar(name)
    return BusinessCalendar(get_system_timezone(), FALLBACK_HOURS)
