"""Ticket fields that only the system writes, and whether a person's save would write one.

The SLA clock, the sweep, first response, intake, the waiting ladder, the Telegram bot, telephony and
the rating writer keep these fields; a person who could set them could move a due date by months
(`sla_paused_minutes`), fake the CSAT (`rating`) or queue a bot message to any chat
(`telegram_chat_id`). So a person's save may not give them a value on a new ticket nor change them on
an existing one. The channel is the customer's way in: chosen once, at creation, and a person may
only choose one that needs no system bookkeeping (an agent logging a phone call picks Phone; a
Telegram chat or a web form ticket is opened by its own intake code).

Values arrive in several shapes — datetimes from the database, ISO strings from a REST body or the
desk, 0 and "" for nothing — so each field is compared by its kind, not by its raw value.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from enum import Enum


class Kind(Enum):
    DATETIME = "datetime"
    NUMBER = "number"
    FLAG = "flag"
    TEXT = "text"


SYSTEM_FIELDS: dict[str, Kind] = {
    # the SLA clock and its sweep
    "opened_on": Kind.DATETIME,
    "first_responded_on": Kind.DATETIME,
    "resolved_on": Kind.DATETIME,
    "sla_status": Kind.TEXT,
    "sla_paused_since": Kind.DATETIME,
    "sla_paused_minutes": Kind.NUMBER,
    "sla_response_paused_minutes": Kind.NUMBER,
    "sla_warning_on": Kind.DATETIME,
    "sla_breach_on": Kind.DATETIME,
    "next_due": Kind.DATETIME,
    # intake and the waiting ladder
    "intake_done": Kind.FLAG,
    "waiting_since": Kind.DATETIME,
    "ladder_steps_done": Kind.TEXT,
    "close_reason": Kind.TEXT,
    # the customer's rating (support_hub.ratings.record_rating)
    "rating": Kind.TEXT,
    "rating_comment": Kind.TEXT,
    "rated_on": Kind.DATETIME,
    # channels: the bot's chat, the PBX's call
    "telegram_chat_id": Kind.TEXT,
    "call_recording": Kind.TEXT,
    "call_duration": Kind.NUMBER,
}

CHANNEL_FIELD = "channel"
# Channels a person may give a ticket they create; the others belong to their intake code.
CHANNELS_A_PERSON_MAY_CHOOSE = ("Internal", "Email", "Phone")


def normalise(kind: Kind, value: object) -> object:
    """One comparable value per meaning: None for every kind of nothing."""
    if value is None or value == "":
        return None
    if kind is Kind.DATETIME:
        if isinstance(value, str):
            try:
                value = datetime.fromisoformat(value.strip())
            except ValueError:
                return value  # not a datetime at all: certainly not what is stored
        return value.replace(tzinfo=None) if isinstance(value, datetime) else value
    if kind is Kind.NUMBER:
        try:
            number = float(value)
        except (TypeError, ValueError):
            return value
        return number or None
    if kind is Kind.FLAG:
        try:
            return 1 if int(value) else None
        except (TypeError, ValueError):
            return value
    text = str(value)
    return text if text.strip() else None


def refused_fields(before: Mapping | None, after: Mapping) -> list[str]:
    """The fields a person's save may not write, in SYSTEM_FIELDS order (channel last).

    `before` is the stored ticket (None for a new one), `after` what the save would store.
    """
    if before is None:
        refused = [f for f, kind in SYSTEM_FIELDS.items() if normalise(kind, after.get(f)) is not None]
        channel = after.get(CHANNEL_FIELD)
        if channel and channel not in CHANNELS_A_PERSON_MAY_CHOOSE:
            refused.append(CHANNEL_FIELD)
        return refused
    refused = [
        f for f, kind in SYSTEM_FIELDS.items() if normalise(kind, before.get(f)) != normalise(kind, after.get(f))
    ]
    if normalise(Kind.TEXT, before.get(CHANNEL_FIELD)) != normalise(Kind.TEXT, after.get(CHANNEL_FIELD)):
        refused.append(CHANNEL_FIELD)
    return refused
