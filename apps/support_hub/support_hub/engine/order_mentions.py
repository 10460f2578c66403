"""Which of the customer's orders does a message name? ("где молоко из заказа SAL-ORD-2026-00012?")

A customer names an order by the ERP's number (``SAL-ORD-2026-00012``, in any letter case, after
"№" or "#") or by their own number (the order's ``po_no``, e.g. ``ЗК-20461``). The message is cut into
number-like words (at least one digit; letters, digits, '-', '/', '.', '_' inside), and a word names an
order when it *is* that order's number — never a part of it, so ``SAL-ORD-2026-000123`` does not name
``…-00012`` and "2 кг" never names an order whose own number is "2".

Only the customer's own orders are candidates, so a number that is someone else's never links. A
message naming two different orders of theirs links none: the agent picks.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

# A number-like word: starts and ends with a letter or digit, may have separators inside.
_WORD = re.compile(r"[^\W_](?:[\w\-/.]*[^\W_])?", re.UNICODE)
# A customer's own number shorter than this is too likely to be a quantity or a price.
MIN_OWN_NUMBER_LENGTH = 4


def normalize_number(value: str) -> str:
    """How numbers are compared: letter case and the usual "№"/"#" prefixes do not matter."""
    return (value or "").strip().lstrip("№#").strip().casefold()


def number_words(text: str) -> list[str]:
    """The number-like words of `text`, in order, without duplicates (as written)."""
    seen, words = set(), []
    for match in _WORD.finditer(text or ""):
        word = match.group(0)
        if any(ch.isdigit() for ch in word) and word.casefold() not in seen:
            seen.add(word.casefold())
            words.append(word)
    return words


def mentioned_order(text: str, orders: Iterable[tuple[str, str | None]]) -> str | None:
    """The one order among `orders` — (name, the customer's own number or None) — that `text` names;
    None when it names none of them, or more than one."""
    words = {normalize_number(w) for w in number_words(text)}
    if not words:
        return None
    named = set()
    for name, own_number in orders:
        own = normalize_number(own_number or "")
        if normalize_number(name) in words or (len(own) >= MIN_OWN_NUMBER_LENGTH and own in words):
            named.add(name)
    return named.pop() if len(named) == 1 else None
