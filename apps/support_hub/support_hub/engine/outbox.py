"""Decisions for the Telegram alert outbox: what to send now, and what a send attempt means.

An alert becomes one outbox row per recipient chat (queued → sent | failed). A scheduler job picks
the queued rows that are due, oldest first (one indexed query), claims each for a lease, sends it, and
stores `after_attempt`'s answer. Nothing here talks to Telegram or the database, so the retry rules
can be tested with simulated clocks.

The rules exist to make one promise: a Telegram outage (or our own network's) of up to ten minutes
loses no alert. Transient failures back off exponentially with a cap, and a row is only given up on
after a day of trying; only Telegram saying "this chat will never accept it" fails a row at once.
"""

from __future__ import annotations

import hashlib

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from enum import Enum


class OutboxStatus(str, Enum):
    QUEUED = "Queued"
    SENT = "Sent"
    FAILED = "Failed"


class SendKind(str, Enum):
    OK = "ok"
    RETRY_AFTER = "retry_after"  # Telegram flood control (HTTP 429): it says exactly when to come back
    TRANSIENT = "transient"  # 5xx, timeouts, refused connections: try again later
    PERMANENT = "permanent"  # 400/403: chat not found, bot blocked, bad markup — retrying cannot help


@dataclass(frozen=True)
class SendResult:
    """The outcome of one Bot API send, as far as the outbox cares."""

    kind: SendKind
    retry_after: float = 0.0  # seconds; only for RETRY_AFTER
    error: str = ""
    message_id: int | None = None  # only for OK
    # A group upgraded to a supergroup answers 400 with its new id; the caller may re-address alerts.
    migrate_to_chat_id: int | None = None

    @classmethod
    def ok(cls, message_id: int | None = None) -> SendResult:
        return cls(SendKind.OK, message_id=message_id)

    @classmethod
    def wait(cls, seconds: float, error: str = "Too Many Requests") -> SendResult:
        return cls(SendKind.RETRY_AFTER, retry_after=float(seconds), error=error)

    @classmethod
    def transient(cls, error: str) -> SendResult:
        return cls(SendKind.TRANSIENT, error=error)

    @classmethod
    def permanent(cls, error: str, migrate_to_chat_id: int | None = None) -> SendResult:
        return cls(SendKind.PERMANENT, error=error, migrate_to_chat_id=migrate_to_chat_id)


@dataclass(frozen=True)
class OutboxItem:
    key: str  # unique: the alert's dedupe key plus the chat (see `outbox_key`)
    chat_id: int | str
    text: str
    attempts: int = 0
    status: OutboxStatus = OutboxStatus.QUEUED
    next_try: datetime | None = None  # None: due at once
    created: datetime | None = None  # when queued; orders the queue and bounds retrying


@dataclass(frozen=True)
class Update:
    """The new values of a row's status, attempts, next_try and last_error."""

    status: OutboxStatus
    attempts: int
    next_try: datetime | None
    last_error: str = ""


@dataclass(frozen=True)
class RetryPolicy:
    first_delay: timedelta = timedelta(seconds=30)
    factor: int = 2
    max_delay: timedelta = timedelta(minutes=10)
    # Give up on transient failures only after this long since the row was queued…
    give_up_after: timedelta = timedelta(hours=24)
    # …or after this many attempts (about a day of tries at the capped delay), for rows with no `created`.
    max_attempts: int = 150


DEFAULT_POLICY = RetryPolicy()


def backoff_delay(failures: int, policy: RetryPolicy = DEFAULT_POLICY) -> timedelta:
    """Wait after the `failures`-th consecutive transient failure: 30 s, 60 s, 120 s … capped at 10 min."""
    if failures < 1:
        return timedelta(0)
    # Compare exponents, not values: 2**failures would grow without bound for a row retried for a day.
    cap_seconds = policy.max_delay.total_seconds()
    delay_seconds = policy.first_delay.total_seconds()
    for _ in range(failures - 1):
        delay_seconds *= policy.factor
        if delay_seconds >= cap_seconds:
            return policy.max_delay
    return min(timedelta(seconds=delay_seconds), policy.max_delay)


def after_attempt(item: OutboxItem, result: SendResult, now: datetime, policy: RetryPolicy = DEFAULT_POLICY) -> Update:
    """What the row becomes after one send attempt with `result`."""
    attempts = item.attempts + 1
    if result.kind is SendKind.OK:
        return Update(OutboxStatus.SENT, attempts, None, "")
    if result.kind is SendKind.PERMANENT:
        return Update(OutboxStatus.FAILED, attempts, None, result.error)
    if result.kind is SendKind.RETRY_AFTER:
        # Flood control is Telegram telling us exactly when to come back: honour it to the second, and
        # never give up on it — being throttled says nothing about whether the chat can be reached.
        return Update(OutboxStatus.QUEUED, attempts, now + timedelta(seconds=result.retry_after), result.error)
    if _exhausted(item, attempts, now, policy):
        return Update(OutboxStatus.FAILED, attempts, None, f"gave up after {attempts} attempts: {result.error}")
    return Update(OutboxStatus.QUEUED, attempts, now + backoff_delay(attempts, policy), result.error)


def _exhausted(item: OutboxItem, attempts: int, now: datetime, policy: RetryPolicy) -> bool:
    if item.created is not None:
        return now - item.created >= policy.give_up_after
    return attempts >= policy.max_attempts


# --- dedupe keys --------------------------------------------------------------------------------
# One alert per event, however often the sweep or a save finds it: the Frappe side inserts an outbox
# row only if its key is new. Keys are short, readable and stable across recomputation.


def deadline_warning_key(ticket: str, target: str, due: datetime) -> str:
    """A deadline warns once per due date: moving the deadline warns again, re-finding it does not."""
    return f"deadline|{ticket}|{target}|{_stamp(due)}"


def sla_changed_key(sla_event: str) -> str:
    return f"sla-changed|{sla_event}"


def rating_key(ticket: str, rating: str) -> str:
    """Changing one's mind (bad → ok) alerts again; pressing the same button twice does not."""
    return f"rating|{ticket}|{rating}"


def customer_message_key(communication: str) -> str:
    return f"customer-message|{communication}"


def outbox_key(alert_key: str, chat_id: int | str) -> str:
    """One row per alert and recipient chat."""
    return f"{alert_key}|{chat_id}"


def _stamp(moment: datetime) -> str:
    return _utc(moment).isoformat(timespec="seconds") if moment.tzinfo else moment.isoformat(timespec="seconds")


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(timezone.utc) if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


# --- rate limits --------------------------------------------------------------------------------
# Telegram's published limits for bots: about 30 messages per second overall, one per second to the
# same chat, and 20 per minute to the same group. Exceeding them earns 429s, which `after_attempt`
# handles — but waiting up front keeps a burst of alerts from being throttled at all.

GLOBAL_PER_SECOND = 30
CHAT_INTERVAL = 1.0
GROUP_PER_MINUTE = 20


def is_group_chat(chat_id: int | str) -> bool:
    """Groups and channels have negative ids (or @channel usernames)."""
    text = str(chat_id)
    return text.startswith(("-", "@"))


def rate_limit_wait(
    sent: Iterable[tuple[int | str, float]],
    chat_id: int | str,
    now: float,
    *,
    global_per_second: int = GLOBAL_PER_SECOND,
    chat_interval: float = CHAT_INTERVAL,
    group_per_minute: int = GROUP_PER_MINUTE,
) -> float:
    """Seconds to wait before sending to `chat_id`, given earlier sends as (chat_id, timestamp) pairs.

    Timestamps are seconds on any monotonic clock (time.monotonic(), epoch seconds). Only sends of the
    last minute matter; callers may forget older ones.
    """
    recent = [(str(c), t) for c, t in sent if t > now - 60.0]
    target = str(chat_id)
    ready = now
    last_second = sorted(t for _, t in recent if t > now - 1.0)
    if len(last_second) >= global_per_second:
        # The oldest send that keeps the window full must leave it first.
        ready = max(ready, last_second[-global_per_second] + 1.0)
    to_chat = sorted(t for c, t in recent if c == target)
    if to_chat:
        ready = max(ready, to_chat[-1] + chat_interval)
    if is_group_chat(chat_id) and len(to_chat) >= group_per_minute:
        ready = max(ready, to_chat[-group_per_minute] + 60.0)
    return max(0.0, ready - now)


def summary_key(alert_keys: list[str]) -> str:
    """A summary of many alerts is queued once: its key stands for exactly the alerts it sums up."""
    return "summary|" + hashlib.sha1("\n".join(sorted(alert_keys)).encode()).hexdigest()
