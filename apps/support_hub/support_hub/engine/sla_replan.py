"""Re-planning the open tickets of one SLA policy after the policy itself changed.

A manager adds a holiday, changes business hours, targets or the warning lead: every open ticket on
that policy gets the deadlines the policy now gives it, counted as on any save (engine.sla.deadlines:
from the opening, plus the working time each target was paused). Two things are not rewritten:

* a deadline already met (first response given) — it is no longer a promise to anyone;
* a deadline that has already passed (or passed before the ticket was paused) — that breach happened
  under the policy in force at the time, and a holiday added afterwards does not undo it.

A deadline that the new policy puts in the past is breached now, and reported as a transition like
the sweep's, so the alerts fire once.

Speed: a policy can have a hundred thousand open tickets and the whole re-plan, database writes
included, should take seconds. So this works on POSIX timestamps (floats, None for no value) rather
than datetimes, and carries its own copy of the status rules of engine.sla (evaluate, checkpoints,
next_deadline) on floats; tests/test_sla_replan.py checks the copy against those functions.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timezone
from typing import NamedTuple

from .sla import Policy, SlaStatus, SlaTarget, Transition

UTC = timezone.utc
_STATUS = {s.value: s for s in SlaStatus}
# A recomputed deadline within this of the stored one is the stored one (float round trips).
_SAME_SECONDS = 0.001

ON_TRACK, WARNING, BREACHED, PAUSED = (SlaStatus.ON_TRACK.value, SlaStatus.WARNING.value, SlaStatus.BREACHED.value,
                                       SlaStatus.PAUSED.value)


class OpenTicket(NamedTuple):
    """What re-planning reads of one open ticket; moments are POSIX timestamps or None."""

    name: str
    priority: str | None
    opened_on: float
    first_response_due: float | None
    resolution_due: float | None
    first_responded_on: float | None = None
    paused_since: float | None = None
    response_paused_minutes: float = 0.0
    paused_minutes: float = 0.0
    status: str | None = None
    warning_on: float | None = None
    breach_on: float | None = None
    next_due: float | None = None


class Replanned(NamedTuple):
    """The SLA fields one ticket gets, which deadlines moved (for its SLA Events), and the Warning or
    Breached transition the change causes, if any."""

    name: str
    first_response_due: float | None
    resolution_due: float | None
    status: str
    warning_on: float | None
    breach_on: float | None
    next_due: float | None
    first_response_moved: bool
    resolution_moved: bool
    transition: Transition | None


def _moment(ts: float) -> datetime:
    return datetime.fromtimestamp(ts, UTC)


def replan_one(policy: Policy, ticket: OpenTicket, now: float) -> Replanned | None:
    """The ticket's fields under `policy` as it is now; None when nothing about it changes (or the
    policy has no target for its priority any more: then it keeps what it has until it is saved)."""
    target = policy.target_for(ticket.priority)
    if target is None:
        return None
    add = policy.calendar.add_working_minutes_epoch
    paused = ticket.paused_since is not None
    stopped = ticket.paused_since if paused and ticket.paused_since < now else now
    responded = ticket.first_responded_on

    first = old_first = ticket.first_response_due
    if first is None or (responded is None and first > stopped):
        first = add(ticket.opened_on, target.first_response_minutes + ticket.response_paused_minutes)
        if old_first is not None and abs(first - old_first) < _SAME_SECONDS:
            first = old_first
    resolution = old_resolution = ticket.resolution_due
    if resolution is None or resolution > stopped:
        resolution = add(ticket.opened_on, target.resolution_minutes + ticket.paused_minutes)
        if old_resolution is not None and abs(resolution - old_resolution) < _SAME_SECONDS:
            resolution = old_resolution

    # engine.sla.evaluate / checkpoints / next_deadline, on floats, for an open ticket.
    first_late = (responded if responded is not None else stopped) > first
    resolution_late = stopped > resolution
    watched = (SlaTarget.FIRST_RESPONSE, first) if responded is None and first <= resolution else (SlaTarget.RESOLUTION, resolution)
    warning_lead = policy.warning_minutes * 60.0
    if first_late or resolution_late:
        status = BREACHED
    elif paused:
        status = PAUSED
    elif now >= watched[1] - warning_lead:
        status = WARNING
    else:
        status = ON_TRACK
    warning_on = breach_on = None
    if status in (ON_TRACK, WARNING):
        warning_on, breach_on = watched[1] - max(warning_lead, 0.0), watched[1]  # as sla.checkpoints
    next_due = watched[1]

    first_moved, resolution_moved = first != old_first, resolution != old_resolution
    if (not first_moved and not resolution_moved and status == ticket.status and warning_on == ticket.warning_on
            and breach_on == ticket.breach_on and next_due == ticket.next_due):
        return None
    transition = None
    if status != ticket.status and status in (WARNING, BREACHED):
        if status == WARNING:
            about = watched
        elif responded is None and first < stopped:
            about = (SlaTarget.FIRST_RESPONSE, first)  # the missed first response, as the timer shows it
        else:
            about = (SlaTarget.RESOLUTION, resolution) if resolution_late else (SlaTarget.FIRST_RESPONSE, first)
        transition = Transition(ticket.name, _STATUS[status], about[0], _moment(about[1]))
    return Replanned(ticket.name, first, resolution, status, warning_on, breach_on, next_due, first_moved,
                     resolution_moved, transition)


def replan(policy: Policy, tickets: Iterable[OpenTicket], now: float) -> list[Replanned]:
    """replan_one for many tickets; only those that change are returned."""
    out = []
    for ticket in tickets:
        result = replan_one(policy, ticket, now)
        if result is not None:
            out.append(result)
    return out
