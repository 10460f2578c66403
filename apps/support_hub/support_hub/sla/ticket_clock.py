"""Keeps a Ticket's SLA fields right on every save: policy, due dates, pauses, status, checkpoints.

The decisions are the engine's (support_hub.engine.sla); this module only translates between
the document (naive datetimes in the system time zone) and the engine (aware datetimes).
"""

from __future__ import annotations

from datetime import datetime

from frappe import _
from frappe.utils import get_datetime, now_datetime

from support_hub.engine import sla
from support_hub.sla.policies import enabled_policies
from support_hub.system_time import to_aware, to_naive

DUE_FIELDS = ("first_response_due", "resolution_due")
GUARDED_FIELDS = ("sla_policy", *DUE_FIELDS)
# Per target: its due date, the working minutes paused while it ran, and when it was met.
_PAUSE_TOTALS = (
    ("first_response_due", "sla_response_paused_minutes", "first_responded_on"),
    ("resolution_due", "sla_paused_minutes", "resolved_on"),
)


def facts(doc) -> sla.TicketFacts:
    return sla.TicketFacts(
        ticket_type=doc.get("ticket_type") or None,
        team=doc.get("team") or None,
        channel=doc.get("channel") or None,
        priority=doc.get("priority") or None,
    )


def _changed(doc, before, fieldname) -> bool:
    if before is None:
        return bool(doc.get(fieldname))
    old, new = before.get(fieldname), doc.get(fieldname)
    if fieldname in DUE_FIELDS:
        old, new = (get_datetime(old) if old else None), (get_datetime(new) if new else None)
    return (old or None) != (new or None)


def apply(doc, now: datetime | None = None) -> None:
    """Bring the ticket's SLA fields up to date before it is saved."""
    now_local = now or now_datetime()
    now_aware = to_aware(now_local)
    before = None if doc.is_new() else doc.get_doc_before_save()
    policies = enabled_policies()

    _track_resolution(doc, now_local)

    manual_dues = any(_changed(doc, before, f) for f in DUE_FIELDS) and before is not None
    manual_policy = before is not None and _changed(doc, before, "sla_policy")
    reselection = sla.needs_reselection(None if before is None else facts(before), facts(doc))
    if manual_dues:
        doc.flags.sla_changed_by_hand = True  # the dates stand as given
        doc.flags.sla_change_reason = _("set by hand")
    elif manual_policy and doc.sla_policy in policies:
        doc.flags.sla_changed_by_hand = True
        doc.flags.sla_change_reason = _("policy chosen by hand")
        _set_deadlines(doc, policies[doc.sla_policy])
    elif reselection or not doc.sla_policy:
        if reselection and before is not None:
            labels = ", ".join(_(doc.meta.get_label(f)) for f in reselection.reasons)
            doc.flags.sla_change_reason = _("{0} changed").format(labels)
        chosen = sla.select_policy(policies.values(), facts(doc))
        doc.sla_policy = chosen.name if chosen else None
        if chosen:
            _set_deadlines(doc, chosen)
        else:
            doc.first_response_due = doc.resolution_due = None

    policy = policies.get(doc.sla_policy)
    _track_pause(doc, policy, now_aware)
    _set_status(doc, policy, now_aware)


def _track_resolution(doc, now_local: datetime) -> None:
    done = doc.status in sla.DONE_STATUSES
    if done and not doc.resolved_on:
        doc.resolved_on = now_local
    elif not done and doc.resolved_on:
        doc.resolved_on = None  # reopened: the resolution clock runs again


def _set_deadlines(doc, policy: sla.Policy) -> None:
    start = to_aware(doc.opened_on or doc.creation or now_datetime())
    due = sla.deadlines(policy, doc.priority, start, paused_minutes=float(doc.sla_paused_minutes or 0),
                        first_response_paused_minutes=float(doc.sla_response_paused_minutes or 0))
    doc.first_response_due = to_naive(due.first_response_due)
    doc.resolution_due = to_naive(due.resolution_due)


def _track_pause(doc, policy: sla.Policy | None, now: datetime) -> None:
    should_pause = policy is not None and doc.status in policy.pause_statuses and not doc.resolved_on
    if should_pause and not doc.sla_paused_since:
        doc.sla_paused_since = to_naive(now)
    elif not should_pause and doc.sla_paused_since:
        since = to_aware(doc.sla_paused_since)
        if policy is not None:
            # Each target counts the pause only if it was still running when the pause began
            # (sla.pause_credit): a pause after a breach neither moves the missed deadline nor grows
            # the total a later re-selection counts from, so it cannot hide the breach.
            for fieldname, total_field, done_field in _PAUSE_TOTALS:
                due = to_aware(doc.get(fieldname))
                credit = sla.pause_credit(policy.calendar, due, to_aware(doc.get(done_field)), since, now)
                if credit > 0:
                    doc.set(total_field, float(doc.get(total_field) or 0) + credit)
                    doc.set(fieldname, to_naive(policy.calendar.add_working_minutes(due, credit)))
        doc.sla_paused_since = None
        doc.flags.sla_change_reason = doc.flags.sla_change_reason or _("clock resumed after a pause")


def clock(doc) -> sla.Clock:
    return sla.Clock(
        first_response_due=to_aware(doc.first_response_due),
        resolution_due=to_aware(doc.resolution_due),
        first_responded_on=to_aware(doc.first_responded_on),
        resolved_on=to_aware(doc.resolved_on),
        paused=bool(doc.sla_paused_since),
        paused_since=to_aware(doc.sla_paused_since),
    )


def _set_status(doc, policy: sla.Policy | None, now: datetime) -> None:
    warning = policy.warning_minutes if policy else 15
    state = clock(doc)
    status = sla.evaluate(state, now, warning)
    doc.sla_status = status.value if status else None
    points = sla.checkpoints(state, status, warning)
    doc.sla_warning_on = to_naive(points.warning_on)
    doc.sla_breach_on = to_naive(points.breach_on)
    # The queues' order: the earliest deadline still to meet, kept through a breach (unlike the
    # sweep's checkpoints), gone once the ticket is resolved.
    pending = sla.next_deadline(state)
    doc.next_due = to_naive(pending[1]) if pending else None
