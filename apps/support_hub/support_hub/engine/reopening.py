"""When a customer's message brings a ticket back to the agents.

One rule for every channel (an e-mail reply, a Telegram message, a web reply): a ticket that waits on
the customer, has a solution proposed or is resolved comes back to Open; a Closed one only within the
reopen window after it was resolved, so an old thread's new problem gets its own ticket (e-mail intake
opens a new one pointing back) and the old one's statistics stay honest.

After a ticket is resolved, a thank-you alone ("Спасибо!", "thanks 👍") reopens nothing on any channel:
it is the conversation's last word, not a new problem. In a chat, where there is no thread to reply to,
the resolved ticket stays the chat's ticket for `chat_reopen_hours`: a new question within them reopens
it, a later one opens a new ticket (`chat_message_route`).
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from enum import Enum

REOPEN_ON_REPLY = frozenset({"Waiting for Customer", "Solution Proposed", "Resolved"})
CLOSED = "Closed"
RESOLVED = "Resolved"
OPEN = "Open"
DEFAULT_CHAT_REOPEN_HOURS = 72

# Words of thanks and of agreement that end a conversation, in any case, and the emoji that say the same.
_THANKS_WORDS = frozenset(
    """спасибо спасибочки спс благодарю благодарим большое огромное всё все понятно понял поняла ясно
    ок окей ok okay хорошо отлично супер класс вам тебе очень помогли помогло работает заработало да
    thanks thank you thx ty many much so great works worked perfect cheers got it fine all good very
    appreciated""".split()
)
# Of which one must be there: "ок" or "да" alone may answer a question rather than close the matter.
_THANKS_CORE = frozenset({"спасибо", "спасибочки", "спс", "благодарю", "благодарим", "thanks", "thank", "thx", "ty",
                          "cheers", "appreciated"})
_THANKS_EMOJI = "🙏👍❤️♥️😊🙂☺️🤝💐🌹🔥👌🥰😍✨"
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
THANKS_MAX_CHARS = 80


class ChatRoute(str, Enum):
    """Where a chat message goes when the chat's latest ticket is the one given."""

    ADD = "add"  # joins the ticket (which the reopen rule may bring back to Open)
    THANKS = "thanks"  # joins the resolved ticket and reopens nothing
    NEW = "new"  # the ticket was resolved too long ago: the message opens a new one


def is_thanks(text: str | None) -> bool:
    """A short message that only thanks or agrees ("Спасибо!", "Thanks, all good 👍", "🙏"), nothing
    more: no question, no digits, no word outside the thank-you vocabulary."""
    text = (text or "").strip()
    if not text or len(text) > THANKS_MAX_CHARS or "?" in text or any(ch.isdigit() for ch in text):
        return False
    words = [w.lower().replace("ё", "е") for w in _WORD.findall(text)]
    vocabulary = {w.replace("ё", "е") for w in _THANKS_WORDS}
    if not words:  # emoji only
        return any(emoji in text for emoji in _THANKS_EMOJI)
    return all(w in vocabulary for w in words) and (
        any(w in _THANKS_CORE for w in words) or any(emoji in text for emoji in _THANKS_EMOJI))


def chat_message_route(status: str | None, resolved_on: datetime | None, now: datetime, reopen_hours: int,
                       text: str | None, has_files: bool = False) -> ChatRoute:
    """What a chat message does to the chat's latest (not closed) ticket: a thank-you after it was resolved
    changes nothing, a new question within `reopen_hours` of resolving reopens it, a later one opens a new
    ticket. `resolved_on` and `now` in the same clock (both aware, or both naive in one zone)."""
    if status != RESOLVED:
        return ChatRoute.ADD
    if not has_files and is_thanks(text):
        return ChatRoute.THANKS
    if resolved_on is None or resolved_on >= now - timedelta(hours=max(int(reopen_hours or 0), 0)):
        return ChatRoute.ADD
    return ChatRoute.NEW


def reply_reopens(status: str | None, resolved_on: datetime | None, now: datetime, window_days: int,
                  text: str | None = None) -> bool:
    """Whether a customer's message (plain `text`, when known) reopens a ticket in `status` (resolved at
    `resolved_on`). A thank-you alone never reopens a resolved or closed ticket."""
    if status in (RESOLVED, CLOSED) and is_thanks(text):
        return False
    if status in REOPEN_ON_REPLY:
        return True
    if status != CLOSED or resolved_on is None:
        return False
    return resolved_on >= now - timedelta(days=max(int(window_days or 0), 0))
