"""Who wrote this? Turning a sender string into a normalized address and finding its contact.

A sender arrives as whatever the channel gives us: an email From header ("Anna <anna@firm.ru>"), a
phone number typed by a person in any of the usual Russian ways ("8 912 345-67-01"), or a Telegram
chat id. Contacts store addresses just as loosely, so both sides are normalized the same way before
they are compared: emails lower-cased, phones in E.164 (via `phonenumbers`), Telegram ids as the
decimal integer Telegram uses.

When the channel is known (the Telegram bot knows it got a chat id), call the specific normalizer;
`classify_sender` is for strings of unknown origin, and its one real ambiguity (bare digits: a phone
or a Telegram id?) is settled by the rule documented on `classify_sender`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from email.utils import parseaddr
from typing import NamedTuple

import phonenumbers

EMAIL, PHONE, TELEGRAM = "email", "phone", "telegram"

# --- phones ----------------------------------------------------------------------------------

# What a typed phone number may contain besides digits. Anything else (letters, '@', words around
# the number) means the string is not a phone number: we never fish a number out of free text.
_PHONE_PUNCTUATION = set(" +-().\u2010\u2011\u2012\u2013\u2014\u2212/")


def _phone_text(raw: str) -> str | None:
    """`raw` tidied for phone parsing, or None when it has characters no phone number has."""
    # NFKC turns full-width digits into ASCII and no-break spaces into spaces (copy-paste debris).
    text = unicodedata.normalize("NFKC", raw).strip()
    if text.lower().startswith("tel:"):
        text = text[4:].strip()
    if not text or not any(c.isdigit() for c in text):
        return None
    if any(not (c.isdigit() or c in _PHONE_PUNCTUATION) for c in text):
        return None
    return text


def _parse_phone(text: str, default_region: str) -> phonenumbers.PhoneNumber | None:
    try:
        number = phonenumbers.parse(text, default_region, keep_raw_input=True)
    except phonenumbers.NumberParseException:
        number = None
    if number is not None and phonenumbers.is_valid_number(number):
        return number
    # Russia's own international prefix is 810, but people write the European 00 out of habit
    # ("0049 151 ..."); phonenumbers only knows the region's official prefix, so try it as '+'.
    if text.startswith("00"):
        return _parse_phone("+" + text[2:], default_region)
    return None


def normalize_phone(raw: str | None, default_region: str = "RU") -> str | None:
    """The E.164 form ('+79123456701') of a typed phone number, or None when it is not a valid one.

    Numbers without a country code are read as numbers of `default_region`, with its trunk prefix
    ('8 912 ...' in Russia) or without it ('912 ...').
    """
    if not isinstance(raw, str):
        return None
    text = _phone_text(raw)
    if text is None:
        return None
    number = _parse_phone(text, default_region)
    if number is None:
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _bare_digits_are_a_phone(digits: str, default_region: str) -> bool:
    """True when a string of bare digits carries a prefix only a phone number has (see classify_sender)."""
    number = _parse_phone(digits, default_region)
    if number is None:
        return False
    if number.country_code_source != phonenumbers.CountryCodeSource.FROM_DEFAULT_COUNTRY:
        return True  # '79123456701': starts with the country code
    # '89123456701': longer than the national number, so a trunk prefix ('8') was written.
    return len(digits) > len(phonenumbers.national_significant_number(number))


# --- email -----------------------------------------------------------------------------------

# Deliberately simple: one '@', a local part without spaces or address punctuation, a dotted domain
# of letters/digits/hyphens ending in a real-looking TLD. It rejects typos, not exotic RFC 5322 forms.
_LOCAL_PART = re.compile(r"[^\s@<>()\[\]\\,;:\"]+")
_DOMAIN_LABEL = re.compile(r"(?!-)[a-z0-9-]{1,63}(?<!-)")
_TLD = re.compile(r"[a-z]{2,63}|xn--[a-z0-9-]{1,59}")


def _ascii_domain(domain: str) -> str | None:
    """The domain in its ASCII form: 'пример.рф' and 'xn--e1afmkfd.xn--p1ai' must compare equal."""
    try:
        domain = domain.encode("idna").decode("ascii") if not domain.isascii() else domain
    except UnicodeError:
        return None
    return domain.lower()


def normalize_email(raw: str | None) -> str | None:
    """The bare, lower-cased address of an email sender ('Anna <A@Firm.ru>' → 'a@firm.ru'), or None.

    The whole address is lower-cased: strictly the local part is case-sensitive, but no mail server a
    customer uses treats it so, and matching 'Anna@' to 'anna@' is what support staff expect.
    """
    if not isinstance(raw, str):
        return None
    text = unicodedata.normalize("NFKC", raw).strip()
    if text.lower().startswith("mailto:"):
        text = text[7:]
    _, address = parseaddr(text)
    address = address.strip()
    if address.count("@") != 1:
        return None
    local, domain = address.rsplit("@", 1)
    if not _LOCAL_PART.fullmatch(local) or local.startswith(".") or local.endswith(".") or ".." in local:
        return None
    domain = _ascii_domain(domain.rstrip("."))
    if domain is None:
        return None
    labels = domain.split(".")
    if len(labels) < 2 or not all(_DOMAIN_LABEL.fullmatch(label) for label in labels):
        return None
    if not _TLD.fullmatch(labels[-1]):
        return None
    return f"{local.lower()}@{domain}"


# --- Telegram --------------------------------------------------------------------------------

_TG_PREFIXES = ("tg:", "telegram:")
# User ids fit in 52 bits (at most 16 digits); group and channel chat ids are negative ('-100...').
_TG_ID = re.compile(r"-?[1-9][0-9]{0,15}")


def normalize_telegram_id(raw: str | int | None) -> str | None:
    """A Telegram chat id as Telegram writes it ('tg:123' → '123'), or None.

    Accepts an int, bare digits, or digits after a 'tg:' / 'telegram:' prefix. Usernames ('@anna')
    are not ids: people change them, so they cannot identify anyone.
    """
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        raw = str(raw)  # then the same range check as for text
    if not isinstance(raw, str):
        return None
    text = raw.strip()
    for prefix in _TG_PREFIXES:
        if text.lower().startswith(prefix):
            text = text[len(prefix) :].strip()
            break
    return text if _TG_ID.fullmatch(text) else None


# --- classification --------------------------------------------------------------------------


class Sender(NamedTuple):
    kind: str  # EMAIL, PHONE or TELEGRAM
    address: str  # normalized


def classify_sender(raw: str | int | None, default_region: str = "RU") -> Sender | None:
    """What kind of address a sender string is, normalized; None when it is none of them.

    The rule, in order:
      1. an int, or a string starting 'tg:' / 'telegram:'  → Telegram id;
      2. anything with an '@' (after a display name)         → email, if valid;
      3. anything written with '+' or phone punctuation      → phone, if valid;
      4. bare digits (optionally '-' for group chats)        → a phone only when they carry a prefix
         that only phone numbers have: the country code ('79123456701') or the region's trunk prefix
         ('89123456701'), and the result is a valid number. Otherwise a Telegram id.

    Rule 4 is where the ambiguity lies: today's Telegram user ids are 9-10 digits, exactly the
    length of a Russian number written without '8' ('9123456701' may be either; '7012345678' is
    both a Telegram id and a valid Kazakh mobile). A number typed by a person almost always carries
    '8', '+7' or '7'; a bare id is what integrations pass. So bare digits without such a prefix are
    read as a Telegram id. `normalize_phone` itself still accepts '9123456701' when the caller knows
    the string is a phone number.
    """
    if isinstance(raw, int) and not isinstance(raw, bool):
        tg = normalize_telegram_id(raw)
        return Sender(TELEGRAM, tg) if tg else None
    if not isinstance(raw, str):
        return None
    text = unicodedata.normalize("NFKC", raw).strip()
    if text.lower().startswith(_TG_PREFIXES):
        tg = normalize_telegram_id(text)
        return Sender(TELEGRAM, tg) if tg else None
    if "@" in text:
        email = normalize_email(text)
        return Sender(EMAIL, email) if email else None
    if re.fullmatch(r"-?[0-9]+", text):
        if not text.startswith("-") and _bare_digits_are_a_phone(text, default_region):
            return Sender(PHONE, normalize_phone(text, default_region))
        tg = normalize_telegram_id(text)
        return Sender(TELEGRAM, tg) if tg else None
    phone = normalize_phone(text, default_region)
    return Sender(PHONE, phone) if phone else None


# --- contacts --------------------------------------------------------------------------------


@dataclass(frozen=True)
class ContactRecord:
    """A contact as stored: addresses in whatever form people typed them, and its Dynamic Links."""

    name: str
    emails: Sequence[str] = ()
    phones: Sequence[str] = ()
    telegram_ids: Sequence[str | int] = ()
    links: Sequence[tuple[str, str]] = field(default_factory=tuple)  # (link_doctype, link_name)


def contact_addresses(contact: ContactRecord, kind: str, default_region: str = "RU") -> set[str]:
    """The contact's addresses of one kind, normalized as senders are (unusable ones dropped)."""
    if kind == EMAIL:
        values = (normalize_email(e) for e in contact.emails)
    elif kind == PHONE:
        values = (normalize_phone(p, default_region) for p in contact.phones)
    elif kind == TELEGRAM:
        values = (normalize_telegram_id(t) for t in contact.telegram_ids)
    else:
        raise ValueError(f"unknown sender kind {kind!r}")
    return {v for v in values if v}


def match_contact(
    sender_kind: str, normalized: str, contacts: Iterable[ContactRecord], default_region: str = "RU"
) -> ContactRecord | None:
    """The contact that owns this (already normalized) address, or None.

    Several contacts can share an address (duplicates, a shared office mailbox). The first one in
    list order that links to anything wins, else the first match: a contact tied to a customer is
    worth more than an orphan an earlier intake created. Pass contacts in the order you prefer.
    """
    first_match = None
    for contact in contacts:
        if normalized in contact_addresses(contact, sender_kind, default_region):
            if contact.links:
                return contact
            if first_match is None:
                first_match = contact
    return first_match


def customer_of(contact: ContactRecord | None, customer_doctype: str) -> str | None:
    """The first linked document of `customer_doctype` (e.g. 'Customer'), or None."""
    if contact is None:
        return None
    for doctype, name in contact.links:
        if doctype == customer_doctype and name:
            return name
    return None
