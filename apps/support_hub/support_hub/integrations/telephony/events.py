"""Call events from a cloud PBX: the webhook schema, signature checks, parsing, and the call tracker.

Event schema
------------
One JSON object per POST, UTF-8, at most MAX_BODY_BYTES. Field names follow what UIS and Mango
Office send (a thin mapping in the PBX's webhook settings, or a proxy, produces it):

    {
      "event": "call_started" | "call_answered" | "call_finished",
      "event_id": "e-81723",          # unique per event; a retried delivery repeats it
      "call_id": "c-5521",            # the same for every event of one call
      "direction": "inbound",         # optional: "inbound" (default) or "outbound"
      "from_number": "8 (916) 123-45-67",   # caller; "" or "anonymous" when hidden
      "to_number": "+7 495 123-45-67",      # the number dialled (our line)
      "extension": "101",             # who answered; required for call_answered
      "started_at": "2026-05-18T10:00:00+03:00",   # optional
      "answered_at": "2026-05-18T10:00:12+03:00",  # required for call_answered
      "finished_at": "2026-05-18T10:04:40+03:00",  # required for call_finished
      "duration": 268,                # seconds of conversation; optional, call_finished
      "recording_url": "https://..."  # optional, call_finished; http(s) only
    }

Ids may be strings or integers (UIS numbers its call sessions). Timestamps are ISO 8601 with a UTC
offset ("Z" allowed) or Unix seconds (Mango's `timestamp`); a time without an offset is refused,
since the PBX and the site may be in different zones.

Signatures
----------
`verify_signature`: the header carries hex HMAC-SHA256 of the raw body with a shared secret,
optionally as "sha256=<hex>".
"""

from __future__ import annotations

import hashlib
import hmac
import json
import math
import re
from collections.abc import Callable, Iterable, MutableMapping, MutableSet
from dataclasses import dataclass
from datetime import datetime, timezone
from urllib.parse import urlsplit

CALL_STARTED = "call_started"
CALL_ANSWERED = "call_answered"
CALL_FINISHED = "call_finished"
EVENTS = frozenset({CALL_STARTED, CALL_ANSWERED, CALL_FINISHED})
INBOUND, OUTBOUND = "inbound", "outbound"

MAX_BODY_BYTES = 64 * 1024  # a call event is a few hundred bytes; anything huge is not one
MAX_ID_CHARS = 128
# Unix-second timestamps outside this range are a unit mistake (milliseconds) or garbage.
EARLIEST = datetime(2000, 1, 1, tzinfo=timezone.utc)
LATEST = datetime(2100, 1, 1, tzinfo=timezone.utc)
_ASCII_DIGITS = re.compile(r"[0-9]+")  # str.isdigit() also takes "²", which int() refuses


class BadEvent(Exception):
    """A request the endpoint refuses; `status_code` is the HTTP answer (400, or 413 when too big)."""

    def __init__(self, message: str, status_code: int = 400):
        super().__init__(message)
        self.message = message
        self.status_code = status_code


@dataclass(frozen=True)
class CallEvent:
    event: str
    event_id: str
    call_id: str
    from_number: str  # normalised; "" when the caller's number is hidden
    to_number: str
    extension: str | None = None
    direction: str = INBOUND
    started_at: datetime | None = None
    answered_at: datetime | None = None
    finished_at: datetime | None = None
    duration: int | None = None
    recording_url: str | None = None


# --- signatures ---------------------------------------------------------------------------------


def verify_signature(body: bytes, secret: str, header_value: str | None) -> bool:
    """Whether `header_value` is the hex HMAC-SHA256 of `body` under `secret` ("sha256=" optional).

    An empty secret verifies nothing: an unconfigured endpoint must not accept every request.
    """
    if not secret or not header_value:
        return False
    given = header_value.strip()
    if given.lower().startswith("sha256="):
        given = given[len("sha256=") :]
    expected = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    # compare_digest takes as long for a near miss as for a far one: no guessing byte by byte.
    return hmac.compare_digest(expected, given.lower())


# --- phone numbers ------------------------------------------------------------------------------


def normalize_phone(value: object) -> str:
    """Digits only, Russian numbers as +7XXXXXXXXXX; short internal numbers stay as they are.

    "8 (916) 123-45-67", "7 916 123 45 67", "+7-916-123-45-67" -> "+79161234567";
    "0049 30 1234567" -> "+49301234567"; "101" -> "101"; "anonymous" -> "".
    """
    text = str(value or "").strip()
    digits = re.sub(r"\D", "", text)
    if not digits:
        return ""
    if text.startswith("+"):
        return "+" + digits
    if digits.startswith("00") and len(digits) > 4:  # international dialling prefix
        return "+" + digits[2:]
    if len(digits) == 11 and digits[0] in "78":  # 8 is the domestic trunk prefix for +7
        return "+7" + digits[1:]
    return digits


# --- parsing ------------------------------------------------------------------------------------


def _text(payload: dict, name: str, required: bool) -> str | None:
    value = payload.get(name)
    if value is None or value == "":
        if required:
            raise BadEvent(f"missing field: {name}")
        return None
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise BadEvent(f"{name} must be a string")
    text = str(value).strip()
    if not text:
        if required:
            raise BadEvent(f"missing field: {name}")
        return None
    if len(text) > MAX_ID_CHARS:
        raise BadEvent(f"{name} is too long")
    return text


def _phone(payload: dict, name: str) -> str:
    if name not in payload:
        raise BadEvent(f"missing field: {name}")
    value = payload[name]
    if value is not None and (isinstance(value, bool) or not isinstance(value, (str, int))):
        raise BadEvent(f"{name} must be a string")
    if len(str(value or "")) > MAX_ID_CHARS:
        raise BadEvent(f"{name} is too long")
    return normalize_phone(value)


def _timestamp(payload: dict, name: str, required: bool) -> datetime | None:
    value = payload.get(name)
    if value is None or value == "":
        if required:
            raise BadEvent(f"missing field: {name}")
        return None
    if isinstance(value, bool):
        raise BadEvent(f"bad timestamp in {name}")
    try:
        if isinstance(value, (int, float)) or (isinstance(value, str) and _ASCII_DIGITS.fullmatch(value.strip())):
            moment = datetime.fromtimestamp(float(value), timezone.utc)
        elif isinstance(value, str):
            text = value.strip()
            if text.endswith(("Z", "z")):  # fromisoformat takes "Z" only from Python 3.11 on
                text = text[:-1] + "+00:00"
            moment = datetime.fromisoformat(text)
        else:
            raise BadEvent(f"bad timestamp in {name}")
    except (ValueError, OverflowError, OSError):
        raise BadEvent(f"bad timestamp in {name}") from None
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise BadEvent(f"timestamp without a UTC offset in {name}")
    if not EARLIEST <= moment < LATEST:
        raise BadEvent(f"timestamp out of range in {name}")
    return moment


def _duration(payload: dict) -> int | None:
    value = payload.get("duration")
    if value is None or value == "":
        return None
    if isinstance(value, str) and _ASCII_DIGITS.fullmatch(value.strip()):
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise BadEvent("duration must be a number of seconds")
    if value < 0 or value > 7 * 24 * 3600:
        raise BadEvent("duration out of range")
    return int(value)


def _url_text(payload: dict, name: str) -> str | None:
    # Unlike ids, URLs may be long; still bounded.
    value = payload.get(name)
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise BadEvent(f"{name} must be a string")
    if len(value) > 2048:
        raise BadEvent(f"{name} is too long")
    return value.strip() or None


def _recording_url(payload: dict) -> str | None:
    url = _url_text(payload, "recording_url")
    if url is None:
        return None
    parts = urlsplit(url)
    # Agents click this link on the ticket: only web links, never "javascript:" or "file:".
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        raise BadEvent("recording_url must be an http(s) URL")
    return url


def parse_event(body: bytes) -> CallEvent:
    """The event in a webhook body; raises BadEvent for anything that does not fit the schema."""
    if len(body) > MAX_BODY_BYTES:
        raise BadEvent("request body too large", status_code=413)
    try:
        payload = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise BadEvent("body is not UTF-8 JSON") from None
    if not isinstance(payload, dict):
        raise BadEvent("body must be a JSON object")

    kind = _text(payload, "event", required=True)
    if kind not in EVENTS:
        raise BadEvent(f"unknown event: {kind}")
    direction = _text(payload, "direction", required=False) or INBOUND
    if direction not in (INBOUND, OUTBOUND):
        raise BadEvent(f"unknown direction: {direction}")

    event = CallEvent(
        event=kind,
        event_id=_text(payload, "event_id", required=True),
        call_id=_text(payload, "call_id", required=True),
        from_number=_phone(payload, "from_number"),
        to_number=_phone(payload, "to_number"),
        extension=_text(payload, "extension", required=kind == CALL_ANSWERED),
        direction=direction,
        started_at=_timestamp(payload, "started_at", required=False),
        answered_at=_timestamp(payload, "answered_at", required=kind == CALL_ANSWERED),
        finished_at=_timestamp(payload, "finished_at", required=kind == CALL_FINISHED),
        duration=_duration(payload),
        recording_url=_recording_url(payload),
    )
    if event.answered_at and event.finished_at and event.finished_at < event.answered_at:
        raise BadEvent("finished_at is before answered_at")
    return event


def event_key(event: CallEvent) -> str:
    """The idempotency key: a retried delivery of the same event has the same key."""
    return f"{event.call_id}:{event.event}:{event.event_id}"


# --- the call tracker ---------------------------------------------------------------------------

OPEN_TICKET = "open_ticket"
ATTACH_CALL = "attach_call"
RATE_CALL = "rate_call"


@dataclass
class CallRecord:
    """What the tracker remembers about one call between its events."""

    call_id: str
    customer_number: str = ""
    line_number: str = ""
    answered_by: str | None = None
    ticket_opened: bool = False
    finished: bool = False


@dataclass(frozen=True)
class Action:
    """One thing for the Frappe side to do.

    open_ticket: a Phone ticket from `customer_number`, assigned to whoever has `extension`, at `at`.
    attach_call: put `recording_url` and `duration` (seconds) on the call's ticket.
    rate_call: send the rating request to `email` once the call's ticket is in place.
    """

    kind: str
    call_id: str
    customer_number: str = ""
    extension: str | None = None
    at: datetime | None = None
    recording_url: str | None = None
    duration: int | None = None
    email: str | None = None


@dataclass(frozen=True)
class Outcome:
    actions: tuple[Action, ...]
    note: str  # what happened and why, for the automation log


class CallTracker:
    """Decides, event by event, when a call becomes a ticket.

    A ticket opens only when one of `support_extensions` answers: calls to sales or the front
    desk, and calls nobody answered, make none. `customer_email(number)` finds the caller's e-mail
    for the rating request. `calls` and `seen` hold the state between events; pass mappings backed
    by the database when events arrive in different processes.
    """

    def __init__(
        self,
        support_extensions: Iterable[str],
        customer_email: Callable[[str], str | None] = lambda number: None,
        calls: MutableMapping[str, CallRecord] | None = None,
        seen: MutableSet[str] | None = None,
    ):
        self.support_extensions = frozenset(str(e).strip() for e in support_extensions)
        self.customer_email = customer_email
        self.calls = {} if calls is None else calls
        self.seen = set() if seen is None else seen

    def handle(self, event: CallEvent) -> Outcome:
        key = event_key(event)
        if key in self.seen:
            return Outcome((), f"duplicate event {key}")
        self.seen.add(key)
        if event.direction == OUTBOUND:
            return Outcome((), "outbound call: no ticket")

        record = self.calls.get(event.call_id)
        if record is None:
            record = CallRecord(event.call_id, customer_number=event.from_number, line_number=event.to_number)
        actions: list[Action] = []
        if event.event == CALL_STARTED:
            note = "call started"
        elif event.event == CALL_ANSWERED:
            note = self._answered(record, event, actions)
        else:
            note = self._finished(record, event, actions)
        self.calls[event.call_id] = record
        return Outcome(tuple(actions), note)

    def _is_support(self, extension: str | None) -> bool:
        return extension is not None and extension in self.support_extensions

    def _open(self, record: CallRecord, event: CallEvent, actions: list[Action]) -> None:
        record.ticket_opened = True
        record.answered_by = event.extension
        at = event.answered_at or event.started_at or event.finished_at
        actions.append(Action(OPEN_TICKET, record.call_id, record.customer_number, event.extension, at))

    def _answered(self, record: CallRecord, event: CallEvent, actions: list[Action]) -> str:
        if record.finished:
            return "answer reported after the call finished: ignored"
        if record.ticket_opened:
            # Transferred from one support agent to another: still one conversation, one ticket.
            return f"call already has a ticket; now with {event.extension}"
        if not self._is_support(event.extension):
            record.answered_by = event.extension
            return f"answered by {event.extension}, not a support extension: no ticket"
        self._open(record, event, actions)
        return f"answered by support extension {event.extension}: ticket"

    def _finished(self, record: CallRecord, event: CallEvent, actions: list[Action]) -> str:
        if record.finished:
            return "call already finished"
        record.finished = True
        # The answer event can be lost or arrive late; the final event says who talked, so use it.
        if not record.ticket_opened and event.answered_at and self._is_support(event.extension):
            self._open(record, event, actions)
        if not record.ticket_opened:
            return "call finished without a support agent: no ticket"
        duration = event.duration
        if duration is None and event.answered_at and event.finished_at:
            duration = int((event.finished_at - event.answered_at).total_seconds())
        actions.append(
            Action(
                ATTACH_CALL,
                record.call_id,
                record.customer_number,
                record.answered_by,
                event.finished_at,
                recording_url=event.recording_url,
                duration=duration,
            )
        )
        email = self.customer_email(record.customer_number) if record.customer_number else None
        if email:
            actions.append(Action(RATE_CALL, record.call_id, record.customer_number, record.answered_by, email=email))
            return "call finished: recording attached, rating requested"
        return "call finished: recording attached; no e-mail for a rating request"
