"""Canned replies: which of the support desk's prepared answers an agent is offered for a ticket.

A reply belongs to one team or to every team (no team). Searching reads the agent's words as the
routing rules read keywords (engine.wordforms): "возврат" finds the reply about returning goods whether it
says "возврат", "вернуть" or "возвращаем", "refund" finds "refunded". The word still being typed also
matches as a prefix (three letters or more), so the list narrows while typing. Every word of the query must
be found; replies that say it in the name or subject come first, the team's own before the shared ones.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from support_hub.engine import wordforms

PREFIX_MIN = 3


@dataclass(frozen=True)
class CannedReply:
    name: str
    subject: str = ""
    body: str = ""
    team: str | None = None  # None: every team's


def offered(replies: Iterable[CannedReply], team: str | None) -> list[CannedReply]:
    """The replies a ticket of `team` may use: the team's own and the shared ones (a ticket without a team
    gets only the shared ones)."""
    return [r for r in replies if not r.team or (team and r.team == team)]


def may_use(reply: CannedReply, team: str | None) -> bool:
    return bool(offered([reply], team))


class _Indexed:
    def __init__(self, text: str):
        toks = wordforms.tokens(text)
        self.tokens = toks
        self.keys = frozenset().union(*map(wordforms.keys, toks)) if toks else frozenset()

    def has(self, word: str, typing: bool) -> bool:
        if wordforms.keyword_keys(word) & self.keys:
            return True
        return typing and len(word) >= PREFIX_MIN and any(t.startswith(word) for t in self.tokens)


def search(replies: Iterable[CannedReply], query: str, team: str | None, limit: int = 20) -> list[CannedReply]:
    """The replies of `team` that contain every word of `query` in some form, best first."""
    words = wordforms.tokens(query or "")
    typing = bool(query) and not query[-1].isspace()  # the last word may be unfinished
    ranked = []
    for reply in offered(replies, team):
        title, body = _Indexed(f"{reply.name} {reply.subject}"), _Indexed(reply.body)
        score = 0
        for position, word in enumerate(words):
            last = typing and position == len(words) - 1
            if title.has(word, last):
                score += 2
            elif body.has(word, last):
                score += 1
            else:
                break
        else:
            ranked.append((-score, 0 if reply.team else 1, reply.name.lower(), reply))
    ranked.sort(key=lambda row: row[:3])
    return [row[3] for row in ranked[:limit]]


def names(replies: Sequence[CannedReply]) -> list[str]:
    return [r.name for r in replies]
