"""SLA Event rows: each SLA transition and each hand-made SLA change, recorded exactly once.

Later features (Telegram alerts) hang on the insertion of these rows, so the dedupe key is what
makes "one deadline warns once" true however often the sweep or a save finds the same transition.
"""

from __future__ import annotations

import frappe
from frappe import _
from frappe.utils import format_datetime, get_fullname, now_datetime

from support_hub import bulk
from support_hub.engine.sla import Postponement, Transition
from support_hub.system_time import to_naive


def record_transitions(transitions: list[Transition], held: list[Transition] | None = None) -> list[str]:
    """Insert one SLA Event per new transition; returns the tickets that got a new event. The new
    transitions go to the listeners at once, or, given `held`, into it for the caller to hand over later
    (notify_transitions), all together."""
    if not transitions:
        return []
    known = bulk.present("SLA Event", "dedupe_key", (t.dedupe_key for t in transitions))
    now = now_datetime()
    fresh = [t for t in transitions if t.dedupe_key not in known]
    rows = [
        (frappe.generate_hash(length=12), now, now, "Administrator", "Administrator", t.ticket, t.status.value,
         t.target.value, to_naive(t.due), now, t.dedupe_key)
        for t in fresh
    ]
    fields = ["name", "creation", "modified", "owner", "modified_by", "ticket", "event", "target", "due",
              "occurred_on", "dedupe_key"]
    # INSERT IGNORE: two overlapping sweeps racing on the same ticket still leave one row.
    bulk.insert("SLA Event", fields, rows, ignore_duplicates=True)
    if held is None:
        notify_transitions(fresh)
    else:
        held.extend(fresh)
    return [t.ticket for t in fresh]


def notify_transitions(fresh: list[Transition]) -> None:
    """Bulk rows fire no document events: the listeners (Telegram alerts, breach escalation) are called."""
    if fresh:
        for listener in frappe.get_hooks("support_hub_sla_transitions"):
            frappe.get_attr(listener)(fresh)


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


def _chunks(items, size):
    for i in range(0, len(items), size):
        yield items[i : i + size]
