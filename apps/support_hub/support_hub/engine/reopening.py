"""When a customer's message brings a ticket back to the agents.

One rule for every channel (an e-mail reply, a Telegram message, a web reply): a ticket that waits on
the customer, has a solution proposed or is resolved comes back to Open; a Closed one only within the
reopen window after it was resolved, so an old thread's new problem gets its own ticket (e-mail intake
opens a new one pointing back) and the old one's statistics stay honest.
"""

from __future__ import annotations

from datetime import datetime, timedelta

REOPEN_ON_REPLY = frozenset({"Waiting for Customer", "Solution Proposed", "Resolved"})
CLOSED = "Closed"
OPEN = "Open"


def reply_reopens(status: str | None, resolved_on: datetime | None, now: datetime, window_days: int) -> bool:
    """Whether a customer's message reopens a ticket in `status` (resolved at `resolved_on`)."""
    if status in REOPEN_ON_REPLY:
        return True
    if status != CLOSED or resolved_on is None:
        return False
    return resolved_on >= now - timedelta(days=max(int(window_days or 0), 0))
