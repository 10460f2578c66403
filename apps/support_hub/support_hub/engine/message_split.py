"""Cutting a long text into messages a chat service accepts.

Telegram refuses a message over 4,096 characters (counted in UTF-16 code units, as it counts
everything); an agent's long answer must arrive as several messages in order rather than fail. A cut
prefers the end of a paragraph, then of a line, then of a sentence, then any space; only a text with
no such place in reach is cut hard. The whitespace at a cut is dropped, nothing else: joined with it,
the pieces are the text again.
"""

from __future__ import annotations

import re

TELEGRAM_MESSAGE_LIMIT = 4096

# Where a cut may go, best first: each pattern's match is the whitespace dropped at the cut.
_CUT_PLACES = (
    re.compile(r"\n[ \t\r\f\v]*\n\s*"),  # between paragraphs
    re.compile(r"\n\s*"),  # between lines
    re.compile(r"(?<=[.!?…;])\s+"),  # after a sentence
    re.compile(r"\s+"),  # between words
)


def utf16_length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def split_message(text: str, limit: int = TELEGRAM_MESSAGE_LIMIT) -> list[str]:
    """The text in pieces of at most `limit` UTF-16 units, in order; a short text is one piece as is.

    Pieces are never empty or only whitespace (a text of nothing but whitespace gives no pieces).
    """
    if limit < 2:
        raise ValueError("limit must leave room for a character outside the BMP")
    if utf16_length(text) <= limit:
        return [text] if text.strip() else []
    pieces: list[str] = []
    rest = text
    while utf16_length(rest) > limit:
        reach = _fitting_prefix(rest, limit)  # rest[:reach] fits
        cut, resume = _best_cut(rest, reach)
        piece = rest[:cut]
        if piece.strip():
            pieces.append(piece)
        rest = rest[resume:]
    if rest.strip():
        pieces.append(rest)
    return pieces


def _fitting_prefix(text: str, limit: int) -> int:
    """The largest n with utf16_length(text[:n]) <= limit."""
    units = 0
    for index, char in enumerate(text):
        units += 2 if ord(char) > 0xFFFF else 1
        if units > limit:
            return index
    return len(text)


def _best_cut(text: str, reach: int) -> tuple[int, int]:
    """(end of this piece, start of the next) for a piece within text[:reach]."""
    for place in _CUT_PLACES:
        # A match may start inside the piece and run past it (the whitespace is dropped anyway), but
        # the piece must keep something: a cut at 0 would make no progress.
        last = None
        for match in place.finditer(text, 0, min(len(text), reach + 1)):
            if 0 < match.start() <= reach:
                last = match
        if last is not None:
            end = last.end()
            # Swallow the rest of a whitespace run the search window cut short.
            while end < len(text) and text[end].isspace():
                end += 1
            return last.start(), end
    return reach, reach
