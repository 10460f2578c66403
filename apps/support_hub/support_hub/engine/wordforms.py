"""Word forms: reduce Russian and English words to canonical keys so a keyword matches any form of its
own word, and the verbs and adjectives of its own family, but not an unrelated word that merely looks alike.

Every token becomes a small set of keys; a keyword word matches a text word when the keyword's keys
(keyword_keys) and the text word's keys (keys) share one. Matching is never by substring, so "кот" does not
hit "котировки" and "бан" does not hit "банк".

Russian (pymorphy3 + the Russian Snowball stemmer):

* The **lemma** is a key: every form of the same word matches ("зарплаты" ~ "зарплата"). A text word is read
  by its most probable parse; a keyword is read in its dictionary form when it is one (the keyword «банка»
  means a jar, not the genitive of «банк», so it does not match "банк"; the text "из банка" is read as
  «банк», as pymorphy3 reads it 19 times out of 20, so the keyword «банк» matches it).
* **Family keys** let a noun keyword hit the verb, participle or adjective the customer used for the same
  thing: the Snowball stem of the lemma with a derivational suffix removed and a consonant alternation
  undone — "доставили"/"доставлен" (доставить) ~ «доставка» via «достав», "доставлять" via «доставл» ->
  «достав», "оплачивать"/"оплаченный" ~ «оплата» via «оплач» -> «оплат», "возвращать" ~ «возврат» via
  «возвращ» -> «возврат», "банковский" ~ «банк». A few families whose words do not share a stem at all are
  listed by hand (_FAMILIES: «вернуть» belongs to «возврат»).
* Family keys carry the part of speech of the word they come from (N noun, V verb or participle, A adjective
  or adverb). A keyword's family keys name the other parts of speech it may meet, so two **different nouns**
  never match by family: «банк» does not match «банка» (a jar, in a keyword), «доставка» not «доставщик»;
  a verb or adjective keyword still meets the aspect pair or adjective of its family ("выгрузить" ~
  "выгружать").
* Family keys shorter than MIN_STEM letters are dropped: short stems collide with unrelated words ("оса"
  and "ось" both stem to "ос"; "достать" stems to "доста", which shares only letters with «достав», and so
  «доставка» does not match "достать", "достали" or "достаток").
* A negated adjective or participle counts as its word: "недоставленный" ~ «доставка», "неоплаченный" ~
  «оплата» (an undelivered order is a delivery problem to a support lead). Only when the rest is a known word.

English (the English Snowball stemmer): the stem ("refunded", "refunding" ~ «refund»); a noun in -ery is also
read as its verb ("delivery" -> "deliver" -> «deliv», so "delivered" ~ «delivery»; "deliberate" stems to
«deliber» and does not); a few irregular forms by hand ("paid" ~ «pay», "payment" ~ «pay»).

Tokens with digits or mixed scripts: the token itself, with Latin look-alike letters mapped to Cyrillic so
"1C" typed on either keyboard is the same key.

why_word() says in words why two words matched, for the routing rule's Test button. Keys are cached per
token (lru_cache), so the hot path of a long text is a regex, one lower() and a cached call per token; the
morphological analyser is only paid for the first sight of a word form.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple, Sequence

import Stemmer

MIN_STEM = 4  # family keys shorter than this over-match (see module doc); lemmas always count
DEFAULT_MAX_GAP = 1  # words allowed between two consecutive phrase words ("выгрузка *наш* банк")

# Letters and digits of any script; underscores and punctuation separate tokens.
_TOKEN_RE = re.compile(r"[^\W_]+")
_CYRILLIC_RE = re.compile(r"[а-я]+")
_LATIN_RE = re.compile(r"[a-z]+")

# Latin letters that look like Cyrillic ones (and back): a customer's keyboard layout should not
# decide whether "1С" matches.
_LAT_TO_CYR = str.maketrans("aceopxykmthb", "асеорхукмтнв")
_CYR_TO_LAT = str.maketrans("асеорхукмтнв", "aceopxykmthb")

# Parts of speech as far as families go: pymorphy3 tags grouped into noun, verb (with participles and
# gerunds, whose lemma is the infinitive) and adjective (with adverbs: "срочно" ~ "срочный").
NOUN, VERB, ADJECTIVE = "N", "V", "A"
_POS_CLASS = {
    "NOUN": NOUN,
    **dict.fromkeys(("INFN", "VERB", "PRTF", "PRTS", "GRND"), VERB),
    **dict.fromkeys(("ADJF", "ADJS", "COMP", "ADVB"), ADJECTIVE),
}
# Which parts of speech a keyword word meets by family: everything but noun with noun (two nouns with
# one stem are two things: «банк» and «банка», «доставка» and «доставщик»; a noun's forms meet by lemma).
_MEETS = {NOUN: (VERB, ADJECTIVE), VERB: (NOUN, VERB, ADJECTIVE), ADJECTIVE: (NOUN, VERB, ADJECTIVE)}

# Verbal nouns count as their verb for families ("возвращение", "блокирование", "удаление").
_VERBAL_NOUN_ENDINGS = ("ение", "ание", "тие")
# Derivational suffixes, longest first, taken off the Snowball stem of a lemma.
# Adjective stems: "банковск" -> "банк", "налогов" -> "налог", "зарплатн" -> "зарплат".
_ADJECTIVE_SUFFIXES = ("овск", "евск", "енн", "онн", "ов", "ев", "ск", "н")
# Verb stems: "импортирова" -> "импорт", "синхронизирова" -> "синхрон" and "синхрониз" (every one that fits).
_VERB_SUFFIXES = ("изирова", "ирова", "ова", "ева", "ыва", "ива")
_VERB_THEME_VOWELS = ("а", "я", "е", "и")  # "создa" -> "созд", "доставля" -> "доставл"
# Consonant alternations between a verb and its noun, undone at the end of a base:
# "возвращ" -> "возврат", "оплач" -> "оплат", "выгруж" -> "выгруз", "подтвержд" -> "подтверд",
# "доставл" -> "достав" (the л that follows a labial in "доставлять", "доставленный").
_ALTERNATIONS = {"жд": ("д",), "щ": ("т",), "ч": ("т",), "ж": ("з", "д"),
                 "вл": ("в",), "бл": ("б",), "пл": ("п",), "мл": ("м",), "фл": ("ф",)}
# Families whose words share no stem, by lemma: extra bases. Kept short and to support vocabulary.
_FAMILIES = {"вернуть": ("возврат",)}
# English: irregular forms and nouns whose verb the stemmer does not reach, by Snowball stem.
_ENGLISH_FAMILIES = {"paid": "pay", "payment": "pay", "shipment": "ship", "sent": "send", "bought": "buy",
                     "lost": "lose", "loss": "lose"}

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


class Reading(NamedTuple):
    """How one Russian word is read: its lemma, part of speech (N/V/A or None) and family bases."""

    lemma: str
    pos: str | None
    bases: tuple[str, ...]
    negated: str | None = None  # "недоставленный" is read as не + this lemma ("доставить")
    # The word is also a dictionary form under a less likely parse ("банка", the jar): it is then a
    # lemma key too, so a keyword always matches its own spelling.
    also_lemma: str | None = None


def _normalise(token: str) -> tuple[str, str]:
    """(script, token) with case and ё folded and a stray letter of the other layout mapped:
    script is "ru", "en" or "" (digits, other scripts: the token is its own key)."""
    token = token.lower().replace("ё", "е")
    if _CYRILLIC_RE.fullmatch(token):
        return "ru", token
    if _LATIN_RE.fullmatch(token):
        return "en", token
    if not token.isalpha():
        # Letters with digits ("1c", "mp3") are compared verbatim; reading Latin look-alikes as
        # Cyrillic makes "1C" and "1С" one key whichever keyboard typed them.
        return "", token.translate(_LAT_TO_CYR)
    cyrillic = sum(1 for ch in token if "а" <= ch <= "я")
    latin = sum(1 for ch in token if "a" <= ch <= "z")
    if cyrillic and latin:
        # A word typed with a stray letter from the other layout: read it in its dominant script.
        mapped = token.translate(_LAT_TO_CYR if cyrillic >= latin else _CYR_TO_LAT)
        if _CYRILLIC_RE.fullmatch(mapped):
            return "ru", mapped
        if _LATIN_RE.fullmatch(mapped):
            return "en", mapped
        return "", mapped
    # Other scripts (Greek, CJK, ...): the token is its own key.
    return "", token


@lru_cache(maxsize=1 << 18)
def keys(token: str) -> frozenset[str]:
    """Canonical keys of one token of a text (any case; ё is folded here too)."""
    script, token = _normalise(token)
    if script == "ru":
        reading = russian_reading(token)
        lemmas = (reading.lemma, reading.also_lemma) if reading.also_lemma else (reading.lemma,)
        return frozenset((*lemmas, *(f"{reading.pos}:{base}" for base in reading.bases)))
    if script == "en":
        return _english_keys(token)
    return frozenset((token,))


@lru_cache(maxsize=1 << 14)
def keyword_keys(token: str) -> frozenset[str]:
    """Canonical keys of one word of a keyword: its lemma, and its family bases addressed to the parts
    of speech it may meet in a text (see _MEETS)."""
    script, token = _normalise(token)
    if script == "ru":
        reading = russian_reading(token, keyword=True)
        family = (f"{pos}:{base}" for pos in _MEETS.get(reading.pos, ()) for base in reading.bases)
        return frozenset((reading.lemma, *family))
    if script == "en":
        return _english_keys(token)
    return frozenset((token,))


def text_keys(text: str) -> list[frozenset[str]]:
    """keys() of every token of `text`, in order."""
    return list(map(keys, tokens(text)))


def russian_reading(token: str, keyword: bool = False) -> Reading:
    """How a lower-case Cyrillic token is read. A text word by its most probable parse; a keyword by the
    parse in which it is its own dictionary form, when there is one (keywords are written that way)."""
    morph = _morph()
    parses = morph.parse(token)
    parse = parses[0]
    own = next((p for p in parses if p.normal_form.replace("ё", "е") == token), None)
    if keyword and own is not None:
        parse = own
    lemma = parse.normal_form.replace("ё", "е")
    also_lemma = token if own is not None and lemma != token else None
    pos = _POS_CLASS.get(parse.tag.POS)
    bases = _bases(lemma, pos)
    if pos == NOUN and lemma.endswith(_VERBAL_NOUN_ENDINGS):
        pos = VERB  # "возвращение" is the verb's action: it meets «возврат» as "возвращать" does
    if pos in (VERB, ADJECTIVE) and token.startswith("не") and len(token) - 2 >= MIN_STEM + 2:
        rest = token[2:]
        if morph.word_is_known(rest):
            inner = morph.parse(rest)[0]
            inner_pos = _POS_CLASS.get(inner.tag.POS)
            if inner_pos in (VERB, ADJECTIVE):
                inner_lemma = inner.normal_form.replace("ё", "е")
                inner_bases = _bases(inner_lemma, inner_pos)
                return Reading(lemma, inner_pos, _unique(bases + inner_bases), inner_lemma, also_lemma)
    return Reading(lemma, pos, bases, also_lemma=also_lemma)


def _bases(lemma: str, pos: str | None) -> tuple[str, ...]:
    """Family bases of a lemma: its Snowball stem, without a derivational suffix, alternation undone."""
    if pos is None:
        return ()
    stem = _russian.stemWord(lemma)
    candidates = [stem]
    if pos == ADJECTIVE:
        candidates.append(_strip_first(stem, _ADJECTIVE_SUFFIXES))
    elif pos == VERB:
        candidates.extend(stem[: -len(s)] for s in _VERB_SUFFIXES if stem.endswith(s))
        if stem.endswith(_VERB_THEME_VOWELS):
            candidates.append(stem[:-1])
    else:
        # "выгрузка" -> "выгрузк" -> "выгруз" meets "выгрузить"; only for long stems, or "банк"
        # would become "бан".
        if stem.endswith("к") and len(stem) > 5:
            candidates.append(stem[:-1])
        # Verbal nouns: "удаление" -> "удален" -> "удал" meets "удалить".
        if lemma.endswith(("ение", "ание")) and stem.endswith(("ен", "ан")):
            candidates.append(stem[:-2])
        # "-ация": "интеграц" -> "интегр" meets "интегрировать".
        if lemma.endswith("ация") and stem.endswith("ац"):
            candidates.append(stem[:-2])
    for candidate in list(candidates):
        # Looked up by the last two letters, then the last one ("жд" before "ж").
        for ending in (candidate[-2:], candidate[-1:]):
            originals = _ALTERNATIONS.get(ending)
            if originals:
                candidates.extend(candidate[: -len(ending)] + original for original in originals)
                break
    candidates.extend(_FAMILIES.get(lemma, ()))
    return _unique(c for c in candidates if len(c) >= MIN_STEM)


def _unique(items) -> tuple[str, ...]:
    return tuple(dict.fromkeys(items))


def _strip_first(stem: str, suffixes: tuple[str, ...]) -> str:
    for suffix in suffixes:
        if stem.endswith(suffix):
            return stem[: -len(suffix)]
    return stem


def _english_keys(token: str) -> frozenset[str]:
    stem = _english.stemWord(token)
    out = {stem}
    # A noun in -ery is also its verb: "delivery" -> "deliveri" -> "deliver" -> "deliv" meets "delivered".
    if stem.endswith("eri") and token.endswith(("ery", "eries")):
        base = _english.stemWord(stem[:-1])
        if len(base) >= MIN_STEM:
            out.add(base)
    if stem in _ENGLISH_FAMILIES:
        out.add(_ENGLISH_FAMILIES[stem])
    return frozenset(out)


# ----- why two words match ----------------------------------------------------------------------


@dataclass(frozen=True)
class WordMatch:
    """Why a text word matched a keyword word, for people: `kind` is
    "same" (the very word), "form" (a form of the keyword's lemma), "family" (another word of the
    keyword's family, sharing `shared`), or "stem" (an English or other word sharing the key `shared`)."""

    kind: str
    text_word: str
    keyword_word: str
    text_lemma: str
    keyword_lemma: str
    shared: str = ""
    negated: str | None = None  # the text word is не + this lemma


def why_word(keyword_word: str, text_word: str) -> WordMatch | None:
    """Why `text_word` matches `keyword_word`, or None when it does not."""
    shared = keyword_keys(keyword_word) & keys(text_word)
    if not shared:
        return None
    k_script, k_token = _normalise(keyword_word)
    t_script, t_token = _normalise(text_word)
    if k_token == t_token:
        return WordMatch("same", text_word, keyword_word, t_token, k_token)
    if k_script == t_script == "ru":
        k, t = russian_reading(k_token, keyword=True), russian_reading(t_token)
        if k.lemma in (t.lemma, t.also_lemma):
            return WordMatch("form", text_word, keyword_word, t.lemma, k.lemma)
        base = max((key.split(":", 1)[1] for key in shared if ":" in key), key=len, default="")
        return WordMatch("family", text_word, keyword_word, t.lemma, k.lemma, base, t.negated)
    return WordMatch("stem", text_word, keyword_word, t_token, k_token, max(shared, key=len))


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
        elements = [(t, keyword_keys(t), has_content and t in STOP_WORDS) for t in toks]
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
