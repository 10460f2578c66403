"""Who is there: agents' shifts, leave and "away" (Agent Availability) as the engine reads them, the
filter team assignment uses, and the job that hands on the tickets of an agent who has been gone too long.

The rule itself is the engine's (support_hub.engine.availability); this module loads the rows with two
set-based queries, converts Frappe's naive system-time datetimes to aware ones, and writes assignments.
An agent without an Agent Availability row is always there (as before availability existed).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import frappe
from frappe import _
from frappe.desk.form.assign_to import add as add_assignment
from frappe.desk.form.assign_to import remove as remove_assignment
from frappe.utils import cint, format_datetime, get_fullname, get_system_timezone, get_time, getdate, now_datetime

from support_hub.automation import log
from support_hub.automation.actor import acting_as_automation
from support_hub.engine import availability as engine

_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_FIELDS = ["name", "user", "away", "away_since", "away_until", "shift_pattern", "all_day", "shift_start", "shift_end",
           "time_zone", "days_on", "days_off", "anchor_date", *_WEEKDAYS]
# Tickets whose agent's absence matters: not done, and not parked on purpose until a date.
_DONE_STATUSES = ("Resolved", "Closed", "Postponed")


def _system_zone() -> ZoneInfo:
    return ZoneInfo(get_system_timezone() or "UTC")


def aware(value) -> datetime | None:
    """A naive system-time datetime from the database as an aware one."""
    if not value:
        return None
    value = value if isinstance(value, datetime) else frappe.utils.get_datetime(value)
    return value.replace(tzinfo=_system_zone()) if value.tzinfo is None else value


def now() -> datetime:
    return aware(now_datetime())


def shift_of(row) -> engine.Shift | None:
    if not row.get("shift_pattern"):
        return None
    # Hours only when "All Day" is cleared: Frappe fills every Time field of a new document with the time of
    # day, so an empty start/end cannot mean "all day".
    hours = not row.get("all_day")
    return engine.Shift(
        pattern=row.shift_pattern,
        start=get_time(row.shift_start) if hours and row.get("shift_start") else None,
        end=get_time(row.shift_end) if hours and row.get("shift_end") else None,
        weekdays=frozenset(i for i, day in enumerate(_WEEKDAYS) if row.get(day)),
        days_on=cint(row.get("days_on")),
        days_off=cint(row.get("days_off")),
        anchor=getdate(row.anchor_date) if row.get("anchor_date") else None,
        time_zone=row.get("time_zone") or get_system_timezone() or "UTC",
    )


def schedule_of(row, leaves=()) -> engine.AgentSchedule:
    return engine.AgentSchedule(
        shift=shift_of(row),
        leaves=tuple((getdate(leave.from_date), getdate(leave.to_date)) for leave in leaves),
        away=bool(row.get("away")),
        away_since=aware(row.get("away_since")),
        away_until=aware(row.get("away_until")),
        time_zone=row.get("time_zone") or get_system_timezone() or "UTC",
    )


def schedules(users: list[str] | None = None) -> dict[str, engine.AgentSchedule]:
    """The schedules of these users (all agents with a row when None): two queries whatever the count."""
    filters = {"user": ["in", users]} if users is not None else {}
    if users is not None and not users:
        return {}
    rows = frappe.get_all("Agent Availability", filters=filters, fields=_FIELDS)
    if not rows:
        return {}
    leaves: dict[str, list] = {}
    for leave in frappe.get_all("Agent Leave", filters={"parenttype": "Agent Availability",
                                                        "parent": ["in", [r.name for r in rows]]},
                                fields=["parent", "from_date", "to_date"]):
        leaves.setdefault(leave.parent, []).append(leave)
    return {row.user: schedule_of(row, leaves.get(row.name, ())) for row in rows}


def present(agents: list[str]) -> list[str]:
    """The agents (in order) who are there now: on shift, not away, not on leave."""
    return engine.present(agents, schedules(agents), now())


def status_now(user: str) -> str:
    return engine.availability(schedules([user]).get(user) or engine.AgentSchedule(), now())


# ----- handing on ---------------------------------------------------------------------------------


def hand_on() -> None:
    """Scheduler: a ticket assigned to an agent who has been gone (off shift, away, on leave) for longer
    than Support Hub Settings' "Hand On Tickets After" goes to an agent of its team who is there, with
    a timeline line saying why. Nobody there: it stays and is tried again on the next run."""
    minutes = cint(frappe.db.get_single_value("Support Hub Settings", "hand_on_after_minutes"))
    if minutes <= 0:
        return
    moment = now()
    gone = {}
    for user, schedule in schedules().items():
        since = engine.absent_since(schedule, moment)
        if since is not None and moment - since >= timedelta(minutes=minutes):
            gone[user] = (engine.availability(schedule, moment), since)
    if not gone:
        return
    rows = frappe.db.sql(
        """select todo.allocated_to, ticket.name as ticket, ticket.team
        from `tabToDo` todo join `tabTicket` ticket on ticket.name = todo.reference_name
        where todo.reference_type = 'Ticket' and todo.status = 'Open' and todo.allocated_to in %(users)s
          and ticket.status not in %(done)s
        order by ticket.creation""",
        {"users": list(gone), "done": _DONE_STATUSES},
        as_dict=True,
    )
    default_team = frappe.db.get_single_value("Support Hub Settings", "default_team")
    for row in rows:
        try:
            with acting_as_automation():
                _hand_on_one(row.ticket, row.allocated_to, row.team or default_team, *gone[row.allocated_to])
            frappe.db.commit()
        except Exception:
            frappe.db.rollback()
            frappe.log_error(title=f"Support Hub: hand-on of {row.ticket} failed")


def _hand_on_one(ticket_name: str, absent: str, team: str | None, state: str, since: datetime) -> None:
    from support_hub.automation.routing import pick_agent  # routing imports this module

    if not team:
        return
    successor = pick_agent(team, "Round Robin")
    if not successor or successor == absent:
        return
    ticket = frappe.get_doc("Ticket", ticket_name)
    remove_assignment("Ticket", ticket_name, absent, ignore_permissions=True)
    add_assignment({"doctype": "Ticket", "name": ticket_name, "assign_to": [successor]}, ignore_permissions=True)
    local_since = since.astimezone(_system_zone()).replace(tzinfo=None)
    text = _("Handed on from {0} to {1}: {0} is {2} since {3}").format(
        get_fullname(absent), get_fullname(successor), _(state).lower(), format_datetime(local_since, "dd.MM HH:mm"))
    log.record(ticket, "Hand On", None, f"assign {successor}", text, timeline=text)


def has_permission(doc, ptype=None, user=None, debug=False):
    """An agent writes only their own row (and only "Away", see the doctype's permission levels); managers
    any row. Reading is as the roles say."""
    if ptype not in ("write", "create", "delete"):
        return None
    user = user or frappe.session.user
    if user == "Administrator" or {"Support Manager", "System Manager"} & set(frappe.get_roles(user)):
        return None
    return doc.user == user
