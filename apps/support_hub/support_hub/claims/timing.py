"""Claim deadline and decision time: translating between the document (naive datetimes in the system
time zone, as Frappe stores them) and the engine (aware datetimes)."""

from __future__ import annotations

from datetime import datetime

from support_hub.claims import settings
from support_hub.engine import claims as engine
from support_hub.system_time import to_aware, to_naive

# Once a claim has one of these statuses the customer has had an answer: the deadline is met or missed.
OUTCOME_STATUSES = (engine.APPROVED, engine.REJECTED, engine.COMPENSATED, engine.CLOSED)


def deadline_for(created_on) -> datetime:
    """The deadline of a claim created at `created_on` (naive, system time zone), stored the same way:
    the end of working hours on the Nth working day after the day it came in (engine.claim_deadline)."""
    due = engine.claim_deadline(to_aware(created_on), settings.calendar(), settings.working_days())
    return to_naive(due)


def track_decision(doc, before, now: datetime) -> None:
    """`decided_on`: when the claim first reached an outcome status; cleared when it is reopened."""
    was_decided = before is not None and before.status in OUTCOME_STATUSES
    if doc.status in OUTCOME_STATUSES:
        if not was_decided or not doc.decided_on:
            doc.decided_on = now
    else:
        doc.decided_on = None


def answered_on_time(deadline, decided_on) -> bool:
    """engine.on_time over stored values."""
    if not deadline:
        return False
    return engine.on_time(to_aware(deadline), to_aware(decided_on))
