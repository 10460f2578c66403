"""Word forms: reduce Russian and English words to canonical keys so a keyword matches any form.

Every token becomes a small set of keys. Two words match when their key sets share a key; matching
is never by substring, so "кот" does not hit "котировки" and "бан" does not hit "банк".

* Cyrillic tokens: the pymorphy3 lemma of the first parse ("зарплаты" -> "зарплата"), plus the
  Russian Snowball stem of that lemma ("зарплат"), plus, for adjectives, verbs and a few noun types,
  the stem with a derivational suffix removed ("зарплатный" -> "зарплатн" -> "зарплат",
  "импортировать" -> "импортирова" -> "импорт"). That is what lets a noun keyword hit its adjective
  or verb. Stem-derived keys shorter than MIN_STEM letters are dropped: short stems collide with
  unrelated words ("оса" and "ось" both stem to "ос").
* Latin tokens: the English Snowball stem ("invoicing" -> "invoic").
* Tokens with digits or mixed scripts: the token itself, with Latin look-alike letters mapped to
  Cyrillic so "1C" typed on either keyboard is the same key.

Keys are cached per token (lru_cache), so the hot path of a long text is a regex, one lower() and a
cached call per token; the morphological analyser is only paid for the first sight of a word form.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Sequence

import Stemmer

MIN_STEM = 4  # stem-derived keys shorter than this over-match (see module doc); lemmas always count
DEFAULT_MAX_GAP = 1  # words allowed between two consecutive phrase words ("выгрузка *наш* банк")

# Letters and digits of any script; underscores and punctuation separate tokens.
_TOKEN_RE = re.compile(r"[^\W_]+")
_CYRILLIC_RE = re.compile(r"[а-я]+")
_LATIN_RE = re.compile(r"[a-z]+")

# Latin letters that look like Cyrillic ones (and back): a customer's keyboard layout should not
# decide whether "1С" matches.
_LAT_TO_CYR = str.maketrans("aceopxykmthb", "асеорхукмтнв")
_CYR_TO_LAT = str.maketrans("асеорхукмтнв", "aceopxykmthb")

# pymorphy3 part-of-speech tags grouped by what derivational suffixes their lemma stem can carry.
_ADJECTIVE_POS = frozenset({"ADJF", "ADJS", "COMP"})
_VERB_POS = frozenset({"INFN", "VERB", "PRTF", "PRTS", "GRND"})
# Longest first. Adjective stems: "банковск" -> "банк", "налогов" -> "налог", "зарплатн" -> "зарплат".
_ADJECTIVE_SUFFIXES = ("овск", "евск", "енн", "онн", "ов", "ев", "ск", "н")
# Verb stems: "импортирова" -> "импорт", "синхронизирова" -> "синхрон".
_VERB_SUFFIXES = ("изирова", "ирова", "ова", "ева", "ыва", "ива")
_VERB_THEME_VOWELS = ("а", "я", "е", "и")  # "создa" -> "созд", "блокирова" -> "блокиров"

STOP_WORDS = frozenset(
    "в во на с со к ко по о об от до из за у и а но или ли не ни же бы для при про под над без "
    "через это то как что мы вы я он она они наш ваш мой "
    "a an the of to in on at for by with from and or but is are be not no my our your it this that".split()
)

_analyzer = None
_english = Stemmer.Stemmer("english")
_russian = Stemmer.Stemmer("russian")


def _morph():
    """The one MorphAnalyzer of the process, built on first use (loading it takes ~0.2 s)."""
    global _analyzer
    if _analyzer is None:
        import pymorphy3

        _analyzer = pymorphy3.MorphAnalyzer()
    return _analyzer


def tokens(text: str) -> list[str]:
    """Lower-case tokens of `text`, ё read as е, punctuation dropped."""
    return _TOKEN_RE.findall(text.lower().replace("ё", "е"))


def words(text: str) -> list[str]:
    """The tokens of `text` as written (for explanations); aligned with tokens() position by position."""
    return _TOKEN_RE.findall(text)


@lru_cache(maxsize=1 << 18)
def keys(token: str) -> frozenset[str]:
    """Canonical keys of one token (any case; ё is folded here too)."""
    token = token.lower().replace("ё", "е")
    if _CYRILLIC_RE.fullmatch(token):
        return _russian_keys(token)
    if _LATIN_RE.fullmatch(token):
        return frozenset((_english.stemWord(token),))
    return _mixed_keys(token)


def text_keys(text: str) -> list[frozenset[str]]:
    """keys() of every token of `text`, in order."""
    return list(map(keys, tokens(text)))


def _russian_keys(token: str) -> frozenset[str]:
    parse = _morph().parse(token)[0]
    lemma = parse.normal_form.replace("ё", "е")
    out = {lemma}
    stem = _russian.stemWord(lemma)
    candidates = [stem]
    pos = parse.tag.POS
    if pos in _ADJECTIVE_POS:
        candidates.append(_strip_first(stem, _ADJECTIVE_SUFFIXES))
    elif pos in _VERB_POS:
        candidates.append(_strip_first(stem, _VERB_SUFFIXES))
        if stem.endswith(_VERB_THEME_VOWELS):
            candidates.append(stem[:-1])
    elif pos == "NOUN":
        # "выгрузка" -> "выгрузк" -> "выгруз" meets "выгрузить"; only for long stems, or "банк"
        # would become "бан".
        if stem.endswith("к") and len(stem) > 5:
            candidates.append(stem[:-1])
        # Verbal nouns: "удаление" -> "удален" -> "удал" meets "удалить".
        if lemma.endswith(("ение", "ание")) and stem.endswith(("ен", "ан")):
            candidates.append(stem[:-2])
    out.update(c for c in candidates if len(c) >= MIN_STEM)
    return frozenset(out)


def _strip_first(stem: str, suffixes: tuple[str, ...]) -> str:
    for suffix in suffixes:
        if stem.endswith(suffix):
            return stem[: -len(suffix)]
    return stem


def _mixed_keys(token: str) -> frozenset[str]:
    if not token.isalpha():
        # Letters with digits ("1c", "mp3") are compared verbatim; reading Latin look-alikes as
        # Cyrillic makes "1C" and "1С" one key whichever keyboard typed them.
        return frozenset((token.translate(_LAT_TO_CYR),))
    cyrillic = sum(1 for ch in token if "а" <= ch <= "я")
    latin = sum(1 for ch in token if "a" <= ch <= "z")
    if cyrillic and latin:
        # A word typed with a stray letter from the other layout: read it in its dominant script.
        mapped = token.translate(_LAT_TO_CYR if cyrillic >= latin else _CYR_TO_LAT)
        if _CYRILLIC_RE.fullmatch(mapped) or _LATIN_RE.fullmatch(mapped):
            return keys(mapped)
        return frozenset((mapped,))
    # Other scripts (Greek, CJK, ...): the token is its own key.
    return frozenset((token,))


# ----- phrases ----------------------------------------------------------------------------------


class IndexedText:
    """A text's keys with, for every key, the positions it occurs at: built once per text when
    many phrases will be matched against it."""

    __slots__ = ("keys", "positions")

    def __init__(self, text_keys: Sequence[frozenset[str]]):
        self.keys = text_keys
        positions: dict[str, list[int]] = {}
        for i, token_keys in enumerate(text_keys):
            for key in token_keys:
                bucket = positions.get(key)
                if bucket is None:
                    positions[key] = [i]
                else:
                    bucket.append(i)
        self.positions = positions


@dataclass(frozen=True)
class MatchInfo:
    """Where a keyword matched: `pairs` maps text token positions to the keyword's words."""

    keyword: str
    pairs: tuple[tuple[int, str], ...]

    @property
    def start(self) -> int:
        return self.pairs[0][0]

    @property
    def end(self) -> int:
        """One past the last matched text token."""
        return self.pairs[-1][0] + 1

    def explain(self, text_words: Sequence[str]) -> str:
        """«text words» ~ «keyword», e.g. «зарплаты» ~ «зарплата»."""
        span = " ".join(text_words[self.start : self.end])
        return f"«{span}» ~ «{self.keyword}»"


class Phrase:
    """A keyword of one or more words, compiled once and matched against many texts.

    Words must appear in order, with at most `max_gap` other words between consecutive ones. Stop
    words inside a phrase ("выгрузка *в* банк") are optional, so "выгрузка для банка" matches too;
    leading and trailing stop words are dropped. A phrase made only of stop words keeps them all.
    """

    __slots__ = ("keyword", "max_gap", "_elements", "anchor_keys")

    def __init__(self, keyword: str, max_gap: int = DEFAULT_MAX_GAP):
        self.keyword = keyword.strip()
        self.max_gap = max_gap
        toks = tokens(keyword)
        has_content = any(t not in STOP_WORDS for t in toks)
        elements = [(t, keys(t), has_content and t in STOP_WORDS) for t in toks]
        while elements and elements[0][2]:
            elements.pop(0)
        while elements and elements[-1][2]:
            elements.pop()
        self._elements: tuple[tuple[str, frozenset[str], bool], ...] = tuple(elements)
        # Keys of the longest required word: a text can only match if it has one of these, which
        # makes them good keys for an inverted index over many phrases.
        required = [e for e in elements if not e[2]]
        self.anchor_keys: frozenset[str] = max(required, key=lambda e: len(e[0]))[1] if required else frozenset()

    def __bool__(self) -> bool:
        return bool(self._elements)

    def __repr__(self) -> str:
        return f"Phrase({self.keyword!r})"

    def could_match(self, present_keys) -> bool:
        """False when some required word has none of its keys among `present_keys` (a set or dict
        of all keys of a text): a cheap test before match() when checking many phrases."""
        return all(not k.isdisjoint(present_keys) for _, k, optional in self._elements if not optional)

    def match(self, text: Sequence[frozenset[str]] | IndexedText) -> MatchInfo | None:
        """The first (leftmost) occurrence of the phrase in a text given as text_keys(), or None.

        Given an IndexedText, only the positions where the first word occurs are tried, which is
        what makes checking many phrases against one long text cheap.
        """
        if not self._elements:
            return None
        first_word, first_keys, _ = self._elements[0]
        if isinstance(text, IndexedText):
            text_keys = text.keys
            if len(first_keys) == 1:
                starts = text.positions.get(next(iter(first_keys)), ())
            else:
                starts = sorted({i for k in first_keys for i in text.positions.get(k, ())})
        else:
            text_keys = text
            starts = [i for i, token_keys in enumerate(text_keys) if not first_keys.isdisjoint(token_keys)]
        if len(self._elements) == 1:
            return MatchInfo(self.keyword, ((starts[0], first_word),)) if starts else None
        for i in starts:
            rest = self._match_rest(text_keys, 1, i)
            if rest is not None:
                return MatchInfo(self.keyword, ((i, first_word), *rest))
        return None

    def _match_rest(self, text_keys, element: int, previous: int) -> list[tuple[int, str]] | None:
        if element == len(self._elements):
            return []
        word, word_keys, optional = self._elements[element]
        for j in range(previous + 1, min(previous + 2 + self.max_gap, len(text_keys))):
            if not word_keys.isdisjoint(text_keys[j]):
                rest = self._match_rest(text_keys, element + 1, j)
                if rest is not None:
                    return [(j, word), *rest]
        if optional:
            return self._match_rest(text_keys, element + 1, previous)
        return None
