"""E-mail intake decisions: which messages may open a ticket, and which ticket a reply belongs to.

Plain values in, plain answers out. The Frappe side reads the headers of an incoming message,
looks up the Message-IDs it has already seen and the status of the ticket they point to, and
acts on the answer.

Order a caller should ask in:

1. `looks_like_our_own_reply` — our own outgoing mail came back (an alias, a CC to the support
   address): drop it, or the help desk answers itself forever.
2. `is_auto_generated` — out-of-office replies, bounces, mailing lists: never a new ticket, and
   never a reason to reopen one (an auto-reply to our "we got your request" would reopen it).
3. `ticket_number_in_subject` — a reply whose threading headers were lost still names its ticket.
Threading by Message-ID is Frappe's own (its Email Queue and Communication ids); whether a reply
reopens its ticket is engine.reopening's rule, the same for every channel.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from email.header import decode_header, make_header
from email.utils import getaddresses, parseaddr

TICKET_PREFIX = "TCK-"
TICKET_NUMBER_DIGITS = 5  # Ticket.autoname pads the sequence number to five digits

# --- auto-generated mail ------------------------------------------------------------------------

# RFC 3834: anything but "no" means a machine sent it.
AUTO_SUBMITTED_HUMAN = "no"
# Precedence is not standard, but every list manager and most autoresponders set it.
MACHINE_PRECEDENCE = frozenset({"bulk", "junk", "list", "auto_reply", "auto-reply"})
# Set by autoresponders (mail.ru, Yandex, cPanel, vacation scripts); the value varies, presence counts.
AUTOREPLY_HEADERS = ("X-Autoreply", "X-Autorespond")
# Exchange stamps its own automatic mail (OOF, auto replies) with "All" or "OOF, AutoReply".
# Values made only of DR / RN / NRN just ask not to get receipts — Outlook can put that on mail a
# person wrote, so those alone are not a sign of a machine.
AUTO_RESPONSE_SUPPRESS_MACHINE = frozenset({"all", "oof", "autoreply"})
BOUNCE_LOCAL_PARTS = frozenset({"mailer-daemon", "postmaster"})

# Subjects of autoresponders and bounces, matched only at the very start and only when followed by
# ":", "(" or the end. So "Fwd: Undelivered Mail Returned to Sender" (a person asking why their
# mail bounced) and "Out of office mode is broken" (a question about a feature) still open tickets.
_MACHINE_SUBJECTS = (
    # bounces
    "undelivered mail returned to sender",  # Postfix
    "delivery status notification",  # Gmail: "... (Failure)" / "(Delay)"
    "undeliverable",  # Exchange
    "mail delivery failed",  # Exim: "Mail delivery failed: returning message to sender"
    "mail delivery failure",
    "returned mail",  # Sendmail: "Returned mail: see transcript for details"
    "не доставлено",  # Exchange, Russian
    "недоставленное сообщение",
    "уведомление о недоставке",
    "уведомление о состоянии доставки",
    # autoresponders
    r"auto[- ]?reply",
    r"auto[- ]?response",
    "automatic reply",  # Outlook
    r"out of (?:the )?office(?: auto[- ]?reply)?",  # Outlook, older Exchange
    "автоответ",  # mail.ru, Yandex
    "автоматический ответ",  # Outlook, Russian
    "нет на месте",
    "вне офиса",
)
_MACHINE_SUBJECT = re.compile(r"^\s*(?:" + "|".join(_MACHINE_SUBJECTS) + r")(?=\s*(?:[:(\[]|$))", re.IGNORECASE)


def _lower_keys(headers: Mapping[str, str]) -> dict[str, str]:
    """Header names are case-insensitive (RFC 5322); works for dicts and email.message.Message."""
    return {str(name).lower(): str(value) for name, value in headers.items()}


def decode_subject(subject: str | None) -> str:
    """A subject with RFC 2047 encoded words ("=?UTF-8?B?...?=") as readable text."""
    if not subject:
        return ""
    if "=?" not in subject:
        return subject
    try:
        return str(make_header(decode_header(subject)))
    except (ValueError, LookupError, UnicodeDecodeError):  # broken encoding: match what we have
        return subject


def _address(value: str | None) -> str:
    return parseaddr(value or "")[1].strip().lower()


def is_auto_generated(headers: Mapping[str, str], sender: str, subject: str) -> str | None:
    """Why this message must not open a ticket (a machine wrote it), or None for a person's mail.

    `sender` is the From address, bare or with a display name.
    """
    h = _lower_keys(headers)

    auto_submitted = h.get("auto-submitted", "").split(";")[0].strip().lower()
    if auto_submitted and auto_submitted != AUTO_SUBMITTED_HUMAN:
        return f"Auto-Submitted: {auto_submitted}"

    precedence = h.get("precedence", "").strip().lower()
    if precedence in MACHINE_PRECEDENCE:
        return f"Precedence: {precedence}"

    for name in AUTOREPLY_HEADERS:
        if h.get(name.lower(), "").strip():
            return f"{name} header"

    suppress = {token.strip().lower() for token in h.get("x-auto-response-suppress", "").split(",")}
    if suppress & AUTO_RESPONSE_SUPPRESS_MACHINE:
        return f"X-Auto-Response-Suppress: {h['x-auto-response-suppress'].strip()}"

    local_part = _address(sender).split("@")[0]
    if local_part in BOUNCE_LOCAL_PARTS:
        return f"bounce: sender {local_part}"

    # multipart/report carries delivery status (bounces) and read receipts (RFC 6522).
    content_type = h.get("content-type", "").split(";")[0].strip().lower()
    if content_type == "multipart/report":
        return "bounce: Content-Type multipart/report"

    # The null reverse-path is what every delivery report is sent with (RFC 5321 §4.5.5).
    if "return-path" in h and h["return-path"].strip().replace(" ", "") == "<>":
        return "bounce: empty Return-Path"

    match = _MACHINE_SUBJECT.match(decode_subject(subject))
    if match:
        return f"subject: {match.group(0).strip()}"
    return None


def looks_like_our_own_reply(headers: Mapping[str, str], our_addresses: Iterable[str]) -> bool:
    """True when the message was sent by one of our own mailboxes: the loop guard.

    Looks at From, Sender and Return-Path, and at X-Loop (set by procmail, RT and others to the
    address that already handled the message).
    """
    ours = {address.strip().lower() for address in our_addresses if address and address.strip()}
    if not ours:
        return False
    h = _lower_keys(headers)
    for name in ("from", "sender", "return-path", "x-loop"):
        if name not in h:
            continue
        for _name, address in getaddresses([h[name]]):
            if address.strip().lower() in ours:
                return True
    return False


# --- ticket number in the subject ---------------------------------------------------------------

# Cyrillic letters that look like Latin ones: "ТСК-42" typed on a Russian keyboard is still our
# number. One character for one, so match positions stay the same as in the original subject.
_LOOKALIKES = str.maketrans("АВЕКМНОРСТХаеокрстх", "ABEKMHOPCTXaeokpctx")


def _ticket_number_pattern(prefix: str) -> re.Pattern[str]:
    # Not after a letter, digit, "_" or "-" ("ATCK-1", "X-TCK-1"), and not followed by a letter,
    # "-word", a decimal part or "@" ("TCK-42abc", "TCK-42-b", "TCK-4.2", "tck-42@mail.ru").
    return re.compile(
        r"(?<![\w-])" + re.escape(prefix) + r"0*(\d{1,9})(?![\w@]|-\w|[.,]\d)",
        re.IGNORECASE,
    )


def ticket_number_in_subject(subject: str | None, prefix: str = TICKET_PREFIX) -> str | None:
    """The first ticket number in a subject, normalised ("tck-42" -> "TCK-00042"), or None."""
    text = decode_subject(subject).translate(_LOOKALIKES)
    for match in _ticket_number_pattern(prefix).finditer(text):
        number = int(match.group(1))
        if number:  # the sequence starts at 1; "TCK-0" is nobody's ticket
            return f"{prefix.upper()}{number:0{TICKET_NUMBER_DIGITS}d}"
    return None
