"""Rating links: a customer rates a ticket by opening a link from a message, without logging in.

Each link carries a random one-time token. Only its SHA-256 digest is stored (Rating Link), so the
database — or anyone reading it — cannot give out working links, and nothing about it depends on
the site's keys or name: a link stays valid when the configuration changes and cannot be computed
from a ticket number. A link works until it expires or until the ticket is rated (through it or on
any other channel); after that it says so, and nothing it sends changes the rating.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum

# The three answers the Telegram bot's emoji buttons give (engine/alerts.RATING_EMOJI), worst first.
RATINGS = ("bad", "ok", "great")
LINK_VALID_FOR = timedelta(days=30)
COMMENT_CHARS = 2000
# token_urlsafe(32): 43 characters of [A-Za-z0-9_-], 256 random bits.
TOKEN_BYTES = 32
_TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]{20,128}")


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def token_digest(token: str) -> str:
    """What the database keeps of a token: its SHA-256, in hex."""
    return hashlib.sha256(token.encode()).hexdigest()


def well_formed(token: object) -> bool:
    return isinstance(token, str) and bool(_TOKEN_SHAPE.fullmatch(token))


def expiry(issued_on: datetime) -> datetime:
    return issued_on + LINK_VALID_FOR


class LinkState(Enum):
    VALID = "valid"  # show the question, accept one answer
    UNKNOWN = "unknown"  # no such token: mistyped, cut off, or made up
    EXPIRED = "expired"
    RATED = "rated"  # the ticket has its rating already (through this link or any other channel)


@dataclass(frozen=True)
class StoredLink:
    expires_on: datetime
    used_on: datetime | None
    ticket_rating: str | None


def link_state(link: StoredLink | None, now: datetime) -> LinkState:
    """An already rated ticket says so even after the link expired: that is the more useful answer."""
    if link is None:
        return LinkState.UNKNOWN
    if link.used_on or link.ticket_rating:
        return LinkState.RATED
    if now >= link.expires_on:
        return LinkState.EXPIRED
    return LinkState.VALID


def clean_comment(comment: object) -> str | None:
    """The customer's optional words, trimmed and cut to a size a timeline and an alert can carry."""
    text = str(comment or "").strip()
    return text[:COMMENT_CHARS] or None


# ---- when to ask ------------------------------------------------------------------------------------
# A ticket is done for the customer in either of these; the first one it reaches asks for the rating.
DONE_STATUSES = ("Resolved", "Closed")
# The bot asks a Telegram customer with its emoji buttons; e-mail, web and phone customers get an
# e-mail with a rating link. Internal tickets have no customer to ask.
ASK_IN_TELEGRAM = "Telegram"
ASK_BY_EMAIL = "Email"
_BY_EMAIL_CHANNELS = ("Email", "Web", "Phone")


def rating_request(*, channel: str | None, status_before: str | None, status_now: str | None, rated: bool,
                   requested: bool, telegram_chat: object = None, email: str | None = None) -> str | None:
    """How to ask for the customer's rating now — ASK_IN_TELEGRAM, ASK_BY_EMAIL — or None.

    Once per ticket: when it first becomes Resolved or Closed (Resolved → Closed, or a reopened ticket
    resolved again, asks nothing: `requested` says a request, on any channel, went out before), never
    for a rated ticket, and only where there is somewhere to send it."""
    if rated or requested:
        return None
    if status_now not in DONE_STATUSES or status_before in DONE_STATUSES:
        return None
    if channel == "Telegram":
        return ASK_IN_TELEGRAM if telegram_chat else None
    if channel in _BY_EMAIL_CHANNELS and email and "@" in email:
        return ASK_BY_EMAIL
    return None
