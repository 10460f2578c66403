"""The every-minute SLA sweep: moves running tickets to Warning and Breached, set-based.

Each ticket carries its next warning and breach moments (sla_warning_on / sla_breach_on; the first
indexed together with sla_status), worked out by the engine whenever it is saved. The sweep therefore
never loads a document: it selects the tickets whose moment has come, records one SLA Event per
transition and updates their status with a handful of statements, however many tickets are open.
"""

from __future__ import annotations

from datetime import datetime

import frappe
from frappe.utils import now_datetime

from support_hub.bulk import chunks
from support_hub.engine.sla import SlaStatus, SweepRow, sweep_transitions
from support_hub.sla.events import record_transitions
from support_hub.system_time import to_aware

RUNNING = [SlaStatus.ON_TRACK.value, SlaStatus.WARNING.value]


def _due_condition(ticket, status: SlaStatus, now: datetime):
    if status is SlaStatus.BREACHED:
        # sla_warning_on <= now adds nothing to the condition (a ticket's warning is at or before its breach:
        # engine.sla.checkpoints, a non-negative lead) but lets one index, (sla_status, sla_warning_on),
        # answer both sweeps.
        return ticket.sla_status.isin(RUNNING) & (ticket.sla_warning_on <= now) & (ticket.sla_breach_on <= now)
    return (ticket.sla_status == SlaStatus.ON_TRACK.value) & (ticket.sla_warning_on <= now) & (ticket.sla_breach_on > now)


def sweep(status: SlaStatus, now: datetime) -> int:
    ticket = frappe.qb.DocType("Ticket")
    rows = (
        frappe.qb.from_(ticket)
        .select(ticket.name, ticket.first_response_due, ticket.resolution_due, ticket.first_responded_on)
        .where(_due_condition(ticket, status, now))
        .run(as_dict=True)
    )
    if not rows:
        return 0
    transitions = sweep_transitions(
        (SweepRow(r.name, to_aware(r.first_response_due), to_aware(r.resolution_due), to_aware(r.first_responded_on)) for r in rows),
        status,
    )
    record_transitions(transitions)
    # A new `modified` (and a doc_update to open forms) keeps a form opened before the sweep from
    # saving the old status back: Frappe reloads it, or refuses it as stale.
    stamp = now_datetime()
    for names in chunks([r.name for r in rows], 1000):
        update = frappe.qb.update(ticket).set(ticket.sla_status, status.value).set(ticket.modified, stamp)
        if status is SlaStatus.BREACHED:
            # A breached ticket has nothing left to watch until someone saves it again.
            update = update.set(ticket.sla_warning_on, None).set(ticket.sla_breach_on, None)
        # The same condition again: a ticket saved since the select keeps what its save decided.
        update.where(ticket.name.isin(names) & _due_condition(ticket, status, now)).run()
    _notify_open_forms([r.name for r in rows], stamp)
    return len(rows)


def _notify_open_forms(names: list[str], stamp: datetime) -> None:
    """After the commit, Frappe's doc_update for each ticket: an open form reloads (or shows the conflict).
    Published directly: frappe.publish_realtime(after_commit=True) checks each message against all the
    queued ones, which is quadratic in a sweep of thousands."""
    from frappe.realtime import emit_via_redis, get_doc_room

    def publish() -> None:
        for name in names:
            emit_via_redis("doc_update", {"modified": stamp, "doctype": "Ticket", "name": name},
                           get_doc_room("Ticket", name))

    frappe.db.after_commit.add(publish)


def run(now: datetime | None = None, commit: bool = True) -> dict[str, int]:
    """Scheduler entry point (every minute)."""
    now = now or now_datetime()
    counts = {
        SlaStatus.BREACHED.value: sweep(SlaStatus.BREACHED, now),
        SlaStatus.WARNING.value: sweep(SlaStatus.WARNING, now),
    }
    if commit:
        frappe.db.commit()
    return counts
