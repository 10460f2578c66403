import pytest
from hypothesis import given
from hypothesis import strategies as st

from support_hub.engine.identity import (
    EMAIL,
    PHONE,
    TELEGRAM,
    ContactRecord,
    Sender,
    classify_sender,
    customer_of,
    match_contact,
    normalize_email,
    normalize_phone,
    normalize_telegram_id,
)

# --- phones ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        "8 912 345-67-01",
        "+7 (912) 3456701",
        "9123456701",
        "89123456701",
        "79123456701",
        "+7 912 345 67 01",
        "8(912)345-67-01",
        "8\u00a0912\u00a0345\u201367\u201301",  # no-break spaces and en dashes from a copied signature
        "tel:+7-912-345-67-01",
        "８９１２３４５６７０１",  # full-width digits
    ],
)
def test_russian_mobile_in_all_its_spellings(raw):
    assert normalize_phone(raw) == "+79123456701"


def test_landline_and_toll_free():
    assert normalize_phone("8 (495) 123-45-67") == "+74951234567"
    assert normalize_phone("8 800 555-35-35") == "+78005553535"


def test_foreign_numbers_keep_their_country():
    assert normalize_phone("+49 151 12345678") == "+4915112345678"
    assert normalize_phone("0049 151 12345678") == "+4915112345678"  # European 00 written in Russia
    assert normalize_phone("+1 650 253 0000") == "+16502530000"


def test_default_region_decides_numbers_without_a_country_code():
    assert normalize_phone("0151 12345678", default_region="DE") == "+4915112345678"


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "   ",
        "hello",
        "1234",
        "+7 123",
        "8 912 345",
        "anna@firm.ru",
        "call me 89123456701",
        "8912345670l",
        None,
        89123456701,
    ],
)
def test_junk_is_not_a_phone(raw):
    assert normalize_phone(raw) is None


@given(st.from_regex(r"9[0-9]{9}", fullmatch=True))
def test_every_spelling_of_a_mobile_normalizes_the_same(national):
    e164 = normalize_phone("+7" + national)
    if e164 is None:  # not every 9xx block is allocated
        return
    spaced = f"8 ({national[:3]}) {national[3:6]}-{national[6:8]}-{national[8:]}"
    assert normalize_phone(spaced) == normalize_phone(national) == normalize_phone("7" + national) == e164


@given(st.text(max_size=40))
def test_normalize_phone_never_raises_and_is_idempotent(raw):
    e164 = normalize_phone(raw)
    if e164 is not None:
        assert e164.startswith("+") and e164[1:].isdigit()
        assert normalize_phone(e164) == e164


# --- email -----------------------------------------------------------------------------------


def test_email_display_name_and_case():
    assert normalize_email("Anna <Anna.Petrova@Firm.RU>") == "anna.petrova@firm.ru"
    assert normalize_email('"Petrova, Anna" <anna@firm.ru>') == "anna@firm.ru"
    assert normalize_email("  <anna@firm.ru>  ") == "anna@firm.ru"
    assert normalize_email("mailto:anna@firm.ru") == "anna@firm.ru"
    assert normalize_email("anna+claims@mail.firm.ru") == "anna+claims@mail.firm.ru"


def test_internationalized_domains_compare_in_ascii():
    assert (
        normalize_email("info@пример.рф")
        == normalize_email("info@xn--e1afmkfd.xn--p1ai")
        == "info@xn--e1afmkfd.xn--p1ai"
    )


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "anna",
        "anna@",
        "@firm.ru",
        "anna@firm",
        "anna@firm.r",  # a one-letter TLD is a typo, not an address
        "anna@@firm.ru",
        "an na@firm.ru",
        "anna..p@firm.ru",
        ".anna@firm.ru",
        "anna@-firm.ru",
        "anna@firm..ru",
        "anna@firm.123",
        None,
    ],
)
def test_invalid_emails(raw):
    assert normalize_email(raw) is None


@given(st.text(max_size=60))
def test_normalize_email_never_raises_and_is_idempotent(raw):
    email = normalize_email(raw)
    if email is not None:
        assert email == email.lower() and email.count("@") == 1
        assert normalize_email(email) == email


# --- Telegram and classification -------------------------------------------------------------


def test_telegram_ids():
    assert normalize_telegram_id("tg:123456789") == "123456789"
    assert normalize_telegram_id("Telegram: 123456789") == "123456789"
    assert normalize_telegram_id(123456789) == "123456789"
    assert normalize_telegram_id("-1001234567890") == "-1001234567890"
    for junk in ("tg:", "tg:@anna", "@anna", "tg:0123", "0", 0, True, "1" * 17, None):
        assert normalize_telegram_id(junk) is None


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("Anna <Anna@Firm.ru>", Sender(EMAIL, "anna@firm.ru")),
        ("+7 (912) 345-67-01", Sender(PHONE, "+79123456701")),
        ("8 912 345-67-01", Sender(PHONE, "+79123456701")),
        ("89123456701", Sender(PHONE, "+79123456701")),  # bare, with the trunk prefix 8
        ("79123456701", Sender(PHONE, "+79123456701")),  # bare, with the country code 7
        ("9123456701", Sender(TELEGRAM, "9123456701")),  # bare, no prefix: a Telegram id
        ("7012345678", Sender(TELEGRAM, "7012345678")),  # also a Kazakh mobile, but bare: Telegram
        ("123456789", Sender(TELEGRAM, "123456789")),
        ("tg:89123456701", Sender(TELEGRAM, "89123456701")),  # an explicit prefix always wins
        ("-1001234567890", Sender(TELEGRAM, "-1001234567890")),
        (5012345678, Sender(TELEGRAM, "5012345678")),
        ("not an address", None),
        ("anna@firm", None),
        ("+7 123", None),
        ("", None),
        (None, None),
    ],
)
def test_classify_sender(raw, expected):
    assert classify_sender(raw) == expected


def test_classify_sender_unpacks_as_a_pair():
    kind, address = classify_sender("Anna <anna@firm.ru>")
    assert (kind, address) == ("email", "anna@firm.ru")


@given(st.one_of(st.text(max_size=40), st.integers()))
def test_classification_is_stable(raw):
    sender = classify_sender(raw)
    if sender is not None:
        assert sender.kind in (EMAIL, PHONE, TELEGRAM)
        # The normalized form classifies as itself (phones keep their '+', so they stay phones).
        again = classify_sender(sender.address if sender.kind != TELEGRAM else f"tg:{sender.address}")
        assert again == sender


# --- contacts --------------------------------------------------------------------------------

ANNA = ContactRecord(
    "Anna Petrova",
    emails=["Anna.Petrova@Firm.ru"],
    phones=["8 (912) 345-67-01"],
    telegram_ids=["123456789"],
    links=[("Supplier", "Paper Ltd"), ("Customer", "Firm LLC"), ("Customer", "Firm Holding")],
)
ORPHAN_DUPLICATE = ContactRecord("anna@firm", emails=["anna.petrova@firm.ru"])
BORIS = ContactRecord(
    "Boris", emails=["boris@firm.ru"], phones=["+7 912 000-00-00", "not a phone"], telegram_ids=[987654321]
)


def test_match_by_each_kind_in_normalized_form():
    contacts = [BORIS, ANNA]
    assert match_contact(*classify_sender("ANNA.PETROVA@firm.ru"), contacts) is ANNA
    assert match_contact(*classify_sender("+79123456701"), contacts) is ANNA
    assert match_contact(*classify_sender("tg:123456789"), contacts) is ANNA
    assert match_contact(TELEGRAM, "987654321", contacts) is BORIS
    assert match_contact(PHONE, "+79120000000", contacts) is BORIS


def test_no_match():
    assert match_contact(EMAIL, "nobody@firm.ru", [ANNA, BORIS]) is None
    assert match_contact(EMAIL, "anna.petrova@firm.ru", []) is None
    # A Telegram id that happens to equal a phone's digits does not match across kinds.
    assert match_contact(TELEGRAM, "89123456701", [ANNA]) is None


def test_a_linked_contact_wins_over_an_orphan_duplicate():
    assert match_contact(EMAIL, "anna.petrova@firm.ru", [ORPHAN_DUPLICATE, ANNA]) is ANNA
    assert match_contact(EMAIL, "anna.petrova@firm.ru", [ORPHAN_DUPLICATE]) is ORPHAN_DUPLICATE


def test_unknown_kind_is_a_programming_error():
    with pytest.raises(ValueError):
        match_contact("fax", "123", [ANNA])


def test_customer_of_takes_the_first_link_of_that_doctype():
    assert customer_of(ANNA, "Customer") == "Firm LLC"
    assert customer_of(ANNA, "Supplier") == "Paper Ltd"
    assert customer_of(ANNA, "Lead") is None
    assert customer_of(BORIS, "Customer") is None
    assert customer_of(None, "Customer") is None
