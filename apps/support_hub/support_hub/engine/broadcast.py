"""Tag Broadcasts: "tell everyone whose ticket has tag X, then drop the tag", decided without a database.

A broadcast goes to customers, not tickets: a customer with three tagged tickets gets one message,
on their most recent open ticket, and the tag comes off all three. The plan is computed once and
stored as one recipient row per customer (carrying its `dedupe_key`, unique, so a customer is
planned once); a background job then walks the rows in batches (`next_batch`) through

    Pending → Sent | Failed

Exactly-once rests on two rules the job keeps: it decides on a recipient (`send_decision`) with the
state as stored, under the recipient's row lock, and it writes the message row (the Communication,
or the Telegram outbox row) and the recipient's move to Sent in ONE database transaction. After any
crash the database holds either both or neither: a recipient whose message was written is Sent and
is skipped, one whose transaction was lost is still Pending and has no message, so it is sent on
resume, for the first time. Actual delivery is the outbox's (or the email queue's) job, with its own
retries; "Sent" here means "handed to it exactly once".
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum
from typing import NamedTuple

EMAIL = "Email"
TELEGRAM = "Telegram"
OWN_CHANNEL = "Ticket's Own Channel"
CHANNEL_MODES = (EMAIL, TELEGRAM, OWN_CHANNEL)
# Channels a broadcast can be sent over; a Web or Phone ticket has nowhere to send it on its own.
SENDABLE_CHANNELS = (EMAIL, TELEGRAM)

# --- planning ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TaggedTicket:
    """A ticket carrying the broadcast's tag, with what planning needs to know about it."""

    ticket: str
    customer_key: str | None  # the Customer (or the contact) the ticket belongs to; None: unknown
    customer_name: str | None
    channel: str  # the channel the ticket came in on
    contact_address: str | None  # the sender's address on that channel (email, Telegram chat id)
    status: str
    is_open: bool
    opened_at: datetime | None = None  # "most recent" means opened last
    # Addresses on other channels known from the contact (a Telegram ticket's customer may have an
    # email on file), so an "Email" broadcast can reach them too.
    other_addresses: Mapping[str, str] = field(default_factory=dict)

    def address_on(self, channel: str) -> str | None:
        if channel == self.channel and self.contact_address and self.contact_address.strip():
            return self.contact_address.strip()
        other = self.other_addresses.get(channel)
        return other.strip() if other and other.strip() else None


@dataclass(frozen=True, slots=True)
class Recipient:
    """One customer to message: on `ticket`, over `channel`, to `address`."""

    key: str  # unique within the broadcast: the customer key, or the address when there is none
    customer_key: str | None
    ticket: str  # the ticket the message lands on (threaded there)
    channel: str
    address: str
    all_tickets: tuple[str, ...]  # every tagged ticket of the customer in scope: the tag comes off each
    customer_name: str | None = None


@dataclass(frozen=True, slots=True)
class Skipped:
    """A tagged ticket whose customer gets no message; it keeps its tag so someone can follow up."""

    ticket: str
    customer_key: str | None
    reason: str


class Plan(NamedTuple):
    recipients: list[Recipient]
    skipped: list[Skipped]


REASON_CLOSED = "ticket is closed (the broadcast is for open tickets only)"


def _no_address_reason(channel: str) -> str:
    if channel not in SENDABLE_CHANNELS:
        return f"a {channel} ticket has no channel to send on"
    return "no Telegram chat" if channel == TELEGRAM else f"no {channel} address"


def _landing_order(t: TaggedTicket) -> tuple:
    # Open before closed, then opened last, then by name. When opened_at is missing the third item
    # is only ever compared with another missing one, so naive and aware datetimes never meet.
    return (t.is_open, t.opened_at is not None, t.opened_at or 0, t.ticket)


def plan_recipients(tickets: Iterable[TaggedTicket], only_open: bool, channel_mode: str) -> Plan:
    """One recipient per customer, and the tagged tickets whose customer cannot be reached.

    * Scope: with `only_open`, closed tickets are skipped (and keep their tag).
    * Channel: `channel_mode` "Email" or "Telegram" sends everyone over that channel; "Ticket's Own
      Channel" uses the channel of the ticket the message lands on.
    * Landing ticket: the customer's most recent open ticket that has an address on the channel
      (a closed one only when the customer has no open ticket in scope).
    * A customer none of whose tickets has an address is reported ticket by ticket in `skipped`.
      A ticket without an address whose customer is reached through another ticket is not skipped:
      the customer got the message, so its tag comes off too (it is in `all_tickets`).
    * Tickets without a customer are grouped by their address instead (`key` "address:<ch>:<addr>").
    Recipients come in the order their customers first appear in `tickets`.
    """
    if channel_mode not in CHANNEL_MODES:
        raise ValueError(f"unknown channel mode {channel_mode!r} (expected one of {', '.join(CHANNEL_MODES)})")
    skipped: list[Skipped] = []
    groups: dict[str, list[TaggedTicket]] = {}
    seen: set[str] = set()
    for t in tickets:
        if t.ticket in seen:  # a ticket listed twice (the tag joined twice) is one ticket
            continue
        seen.add(t.ticket)
        if only_open and not t.is_open:
            skipped.append(Skipped(t.ticket, t.customer_key, REASON_CLOSED))
            continue
        key = t.customer_key
        if not key:
            channel = t.channel if channel_mode == OWN_CHANNEL else channel_mode
            address = t.address_on(channel) if channel in SENDABLE_CHANNELS else None
            if address is None:
                skipped.append(Skipped(t.ticket, None, _no_address_reason(channel)))
                continue
            key = f"address:{channel}:{address}"
        groups.setdefault(key, []).append(t)

    recipients: list[Recipient] = []
    for key, group in groups.items():
        best: TaggedTicket | None = None
        best_address = best_channel = None
        for t in group:
            channel = t.channel if channel_mode == OWN_CHANNEL else channel_mode
            if channel not in SENDABLE_CHANNELS:
                continue
            address = t.address_on(channel)
            if address is not None and (best is None or _landing_order(t) > _landing_order(best)):
                best, best_address, best_channel = t, address, channel
        if best is None:
            for t in group:
                channel = t.channel if channel_mode == OWN_CHANNEL else channel_mode
                skipped.append(Skipped(t.ticket, t.customer_key, _no_address_reason(channel)))
            continue
        recipients.append(
            Recipient(
                key=key,
                customer_key=best.customer_key,
                ticket=best.ticket,
                channel=best_channel,
                address=best_address,
                all_tickets=tuple(t.ticket for t in group),
                customer_name=best.customer_name,
            )
        )
    return Plan(recipients, skipped)


_MAX_KEY_LENGTH = 140  # Frappe's name/Data length: the key may be stored in either


def dedupe_key(broadcast: str, customer_key: str) -> str:
    """The key the message row of one recipient carries (pass `Recipient.key` as `customer_key`).

    Readable when it fits, hashed when a long customer name would make it too long to store.
    """
    key = f"broadcast:{broadcast}:{customer_key}"
    if len(key) <= _MAX_KEY_LENGTH:
        return key
    digest = hashlib.sha256(f"{broadcast}\x00{customer_key}".encode()).hexdigest()[:32]
    return f"broadcast:{broadcast[: _MAX_KEY_LENGTH - 44]}:#{digest}"


# --- recipient states ----------------------------------------------------------------------------


class RecipientState(str, Enum):
    PENDING = "Pending"
    SENT = "Sent"
    FAILED = "Failed"


RECIPIENT_TRANSITIONS: dict[RecipientState, frozenset[RecipientState]] = {
    RecipientState.PENDING: frozenset({RecipientState.SENT, RecipientState.FAILED}),
    # Final: a sent message is never sent again, and a failed one (a bad address, a template that
    # does not render for this customer) needs a person, not a blind retry.
    RecipientState.SENT: frozenset(),
    RecipientState.FAILED: frozenset(),
}


def can_transition(old: RecipientState | str, new: RecipientState | str) -> bool:
    return RecipientState(new) in RECIPIENT_TRANSITIONS[RecipientState(old)]


def _states(states: Mapping[str, RecipientState | str]) -> Iterable[tuple[str, RecipientState]]:
    return ((key, RecipientState(state)) for key, state in states.items())


def next_batch(states: Mapping[str, RecipientState | str], limit: int) -> list[str]:
    """Up to `limit` Pending recipients, in plan order (the mapping's order).

    The job keeps `states` up to date as it goes, so each call hands out the next ones; a job that
    starts again after a crash loads the stored states and carries on with what is still Pending.
    """
    if limit <= 0:
        return []
    batch = []
    for key, state in _states(states):
        if state is RecipientState.PENDING:
            batch.append(key)
            if len(batch) == limit:
                break
    return batch


SEND, SKIP = "send", "skip"


def send_decision(stored_state: RecipientState | str) -> str:
    """Whether to message a recipient now: 'send' or 'skip'.

    Ask with the state as stored, read under the recipient's row lock: only a Pending recipient is
    sent. Another run that got there first has moved it on, so it is skipped, and a crash before
    the commit leaves it Pending with no message written, so it is sent exactly once on resume.
    """
    return SEND if RecipientState(stored_state) is RecipientState.PENDING else SKIP


def progress(states: Mapping[str, RecipientState | str] | Iterable[RecipientState | str]) -> tuple[int, int, float]:
    """(done, total, percent): done counts Sent and Failed, the states nothing more happens in.
    An empty broadcast is 100% done."""
    values = states.values() if isinstance(states, Mapping) else states
    done = total = 0
    for state in values:
        total += 1
        done += RecipientState(state) in (RecipientState.SENT, RecipientState.FAILED)
    percent = 100.0 if total == 0 else round(100.0 * done / total, 1)
    return done, total, percent
