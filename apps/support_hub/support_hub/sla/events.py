"""SLA Event rows: each SLA transition and each hand-made SLA change, recorded exactly once.

Later features (Telegram alerts) hang on the insertion of these rows, so the dedupe key is what
makes "one deadline warns once" true however often the sweep or a save finds the same transition.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timezone

import frappe
from frappe import _
from frappe.utils import add_to_date, format_datetime, get_fullname, now_datetime

from support_hub import bulk
from support_hub.engine.sla import Postponement, SlaStatus, SlaTarget, Transition
from support_hub.system_time import to_aware, to_naive


def record_transitions(transitions: list[Transition], held: list[Transition] | None = None,
                       held_by: str | None = None) -> list[str]:
    """Insert one SLA Event per new transition; returns the tickets that got a new event. The new
    transitions go to the listeners at once, or, given `held`, into it for the caller to hand over later
    (notify_transitions), all together; their rows then say `held_by` until release_held (by their keys),
    so that a caller killed before it hands them over has them told by retell_held."""
    if not transitions:
        return []
    known = bulk.present("SLA Event", "dedupe_key", (t.dedupe_key for t in transitions))
    now = now_datetime()
    fresh = [t for t in transitions if t.dedupe_key not in known]
    holder = held_by if held is not None else None
    rows = [
        (frappe.generate_hash(length=12), now, now, "Administrator", "Administrator", t.ticket, t.status.value,
         t.target.value, to_naive(t.due), now, t.dedupe_key, holder)
        for t in fresh
    ]
    fields = ["name", "creation", "modified", "owner", "modified_by", "ticket", "event", "target", "due",
              "occurred_on", "dedupe_key", "held_by"]
    # INSERT IGNORE: two overlapping sweeps racing on the same ticket still leave one row.
    bulk.insert("SLA Event", fields, rows, ignore_duplicates=True)
    if held is None:
        notify_transitions(fresh)
    else:
        held.extend(fresh)
    return [t.ticket for t in fresh]


def notify_transitions(fresh: list[Transition]) -> None:
    """Bulk rows fire no document events: the listeners (Telegram alerts, breach escalation) are called.
    They are idempotent (their outbox rows and escalation claims carry the transition's key), so a
    transition told twice is heard once."""
    if fresh:
        for listener in frappe.get_hooks("support_hub_sla_transitions"):
            frappe.get_attr(listener)(fresh)


def release_held(keys: Iterable[str]) -> None:
    """The held transitions were handed to the listeners: their rows stop saying so. Found by their keys:
    held_by has no index of its own, which every SLA Event insert would pay for."""
    for chunk in bulk.chunks(list(keys)):
        frappe.db.sql("update `tabSLA Event` set held_by = null where dedupe_key in %(keys)s", {"keys": chunk})


# A re-plan hands over its transitions within a minute or two of recording them; one still Running after
# this long was killed.
RETELL_AFTER_MINUTES = 10


def retell_held(now=None) -> int:
    """Scheduler safety net (every minute): transitions a killed re-plan (an SLA Replan left Running)
    recorded but never handed to the listeners are handed over now, each re-plan's together (as one
    telling would have: one summary per chat, the same keys); returns how many."""
    cutoff = add_to_date(now or now_datetime(), minutes=-RETELL_AFTER_MINUTES)
    told = 0
    for run in frappe.get_all("SLA Replan", filters={"status": "Running", "started_on": ["<", cutoff]},
                              fields=["name", "started_on"], order_by="started_on"):
        # Its rows were recorded after it started: a range of the `modified` index, not a table scan.
        rows = frappe.db.sql("""select ticket, event, target, due, dedupe_key from `tabSLA Event`
            where modified >= %s and held_by = %s order by modified""", (run.started_on, run.name), as_dict=True)
        notify_transitions([_as_transition(r) for r in rows])
        release_held(r.dedupe_key for r in rows)
        frappe.db.set_value("SLA Replan", run.name, {"status": "Interrupted", "finished_on": now_datetime()},
                            update_modified=False)
        told += len(rows)
    return told


def _as_transition(row) -> Transition:
    """The transition a row recorded, with its moment in the zone its key was written in (the system zone;
    re-plans before 2026-12-04 wrote UTC), so the listeners' keys match those of a first telling."""
    status, target, due = SlaStatus(row.event), SlaTarget(row.target), to_aware(row.due)
    for moment in (due, due.astimezone(timezone.utc)):
        transition = Transition(row.ticket, status, target, moment)
        if transition.dedupe_key == row.dedupe_key:
            return transition
    return Transition(row.ticket, status, target, due)


def record_change(ticket: str, target: str, old, new, *, alert_managers: bool = True, reason: str | None = None,
                  postponement: Postponement | None = None) -> None:
    """One SLA Event for a person's change; listeners alert the managers' chat when `alert_managers`,
    and a change that made a deadline later is also put in each Support Manager's desk notifications."""
    event = frappe.get_doc(
        {
            "doctype": "SLA Event",
            "ticket": ticket,
            "event": "Changed",
            "target": target,
            "occurred_on": now_datetime(),
            "changed_by": frappe.session.user,
            "from_value": str(old or ""),
            "to_value": str(new or ""),
            "later_by_minutes": postponement.later_by_minutes if postponement else None,
            "reason": (reason or "")[:140],
            "alert_managers": int(alert_managers),
            "dedupe_key": f"{ticket}|Changed|{target}|{frappe.generate_hash(length=10)}",
        }
    )
    event.flags.postponed = postponement is not None
    event.insert(ignore_permissions=True)
    if alert_managers and postponement is not None:
        _notify_managers_in_desk(event, postponement)


def _notify_managers_in_desk(event, postponement: Postponement) -> None:
    managers = frappe.get_all(
        "Has Role", filters={"role": "Support Manager", "parenttype": "User",
                             "parent": ["not in", ["Administrator", "Guest", event.changed_by]]},
        pluck="parent", distinct=True,
    )
    managers = frappe.get_all("User", filters={"name": ["in", managers], "enabled": 1}, pluck="name") if managers else []
    if not managers:
        return
    who = get_fullname(event.changed_by)
    target = _(event.target)
    if postponement.later_by_minutes is None:
        subject = _("{0} removed the {1} deadline of ticket {2}").format(who, target, event.ticket)
    else:
        subject = _("{0} moved the {1} deadline of ticket {2} later by {3} min").format(
            who, target, event.ticket, postponement.later_by_minutes)
    content = _("{0} → {1}").format(_show(postponement.old), _show(postponement.new))
    if event.reason:
        content += f" ({event.reason})"
    for user in managers:
        frappe.get_doc({"doctype": "Notification Log", "for_user": user, "from_user": event.changed_by,
                        "type": "Alert", "document_type": "Ticket", "document_name": event.ticket,
                        "subject": frappe.utils.escape_html(subject), "email_content": frappe.utils.escape_html(content),
                        }).insert(ignore_permissions=True)


def _show(moment) -> str:
    return format_datetime(moment) if moment else _("(empty)")
