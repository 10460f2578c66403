"""Breach escalation: what happens when a ticket misses an SLA deadline.

At the breach, once per ticket and deadline missed: an alert to the team's Telegram chat and an e-mail
to the team's manager. Then, where the ticket's policy asks for it, a ticket nobody has answered for
N minutes after the breach is handed to another available agent of its team. The Frappe side
(support_hub.sla.escalation) claims each of these under the keys below (a unique row each), so a
sweep that runs twice, or two that overlap, escalate once.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta


def escalated_key(breach_key: str) -> str:
    """The claim on a breach's alert and e-mail; `breach_key` is the Breached SLA Event's dedupe key."""
    return f"{breach_key}|Escalated"


def reassigned_key(breach_key: str) -> str:
    return f"{breach_key}|Reassigned"


def breach_alert_key(breach_key: str) -> str:
    """The Telegram outbox key of a breach's team alert (one per chat, see engine.outbox.outbox_key)."""
    return f"breach|{breach_key}"


def reassignment_due(breached_on: datetime, minutes: int, last_reply: datetime | None, now: datetime) -> bool:
    """Whether a breached ticket is to be handed on now: the policy asks for it (`minutes` > 0), that
    long has passed since the breach, and no agent has answered the customer since the breach."""
    if minutes <= 0 or now < breached_on + timedelta(minutes=minutes):
        return False
    return last_reply is None or last_reply < breached_on


def pick_agent(members: Iterable[str], open_tickets: Mapping[str, int], current: Iterable[str] = (),
               unavailable: Iterable[str] = ()) -> str | None:
    """The team member to hand a breached ticket to: not one of its current assignees, not unavailable,
    the one with fewest open tickets (ties: the team's order). None when nobody else is there."""
    skip = set(current) | set(unavailable)
    candidates = [(open_tickets.get(user, 0), order, user) for order, user in enumerate(members) if user not in skip]
    return min(candidates)[2] if candidates else None
