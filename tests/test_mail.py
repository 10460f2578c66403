from email import message_from_string

import pytest
from hypothesis import given
from hypothesis import strategies as st

from support_hub.engine.mail import (
    decode_subject,
    is_auto_generated,
    looks_like_our_own_reply,
    ticket_number_in_subject,
)

# --- auto-generated mail ------------------------------------------------------------------------

POSTFIX_BOUNCE = """\
Return-Path: <>
Received: from mx1.example.ru (mx1.example.ru [192.0.2.10])
Date: Mon, 18 May 2026 10:02:11 +0300 (MSK)
From: MAILER-DAEMON@mx1.example.ru (Mail Delivery System)
Subject: Undelivered Mail Returned to Sender
To: support@example.com
Auto-Submitted: auto-replied
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status;
\tboundary="8F3C21A0AB.1747551731/mx1.example.ru"
Message-Id: <20260518070211.8F3C21A0AB@mx1.example.ru>

This is a MIME-encapsulated message.
"""

GMAIL_DSN = {
    "Return-Path": "<>",
    "From": "Mail Delivery Subsystem <mailer-daemon@googlemail.com>",
    "Subject": "Delivery Status Notification (Failure)",
    "Content-Type": 'multipart/report; boundary="000000000000a1b2c3"; report-type=delivery-status',
}

EXCHANGE_OOF = {
    "From": "Ivan Petrov <i.petrov@customer.ru>",
    "Subject": "Автоматический ответ: Re: [TCK-00042] Не работает выгрузка",
    "Auto-Submitted": "auto-generated",
    "X-Auto-Response-Suppress": "All",
    "Content-Type": "text/plain; charset=utf-8",
}


def test_postfix_bounce_parsed_from_raw_headers():
    msg = message_from_string(POSTFIX_BOUNCE)
    # email.message.Message works as the headers mapping; Auto-Submitted is checked first.
    assert is_auto_generated(msg, msg["From"], msg["Subject"]) == "Auto-Submitted: auto-replied"


def test_gmail_delivery_status_notification_is_a_bounce():
    reason = is_auto_generated(GMAIL_DSN, GMAIL_DSN["From"], GMAIL_DSN["Subject"])
    assert reason == "bounce: sender mailer-daemon"


def test_exchange_out_of_office_in_russian():
    assert is_auto_generated(EXCHANGE_OOF, EXCHANGE_OOF["From"], EXCHANGE_OOF["Subject"]) == (
        "Auto-Submitted: auto-generated"
    )


@pytest.mark.parametrize(
    "headers, sender, reason",
    [
        ({"auto-submitted": "Auto-Replied; owner-email=x@y.ru"}, "x@y.ru", "Auto-Submitted: auto-replied"),
        ({"Precedence": "bulk"}, "news@shop.ru", "Precedence: bulk"),
        ({"Precedence": "list"}, "list@lists.ru", "Precedence: list"),
        ({"Precedence": "junk"}, "a@b.ru", "Precedence: junk"),
        ({"Precedence": "auto_reply"}, "a@b.ru", "Precedence: auto_reply"),
        ({"X-Autoreply": "yes"}, "a@mail.ru", "X-Autoreply header"),
        ({"X-Autorespond": "Out of office"}, "a@b.ru", "X-Autorespond header"),
        ({"X-Auto-Response-Suppress": "OOF, AutoReply"}, "a@b.ru", "X-Auto-Response-Suppress: OOF, AutoReply"),
        ({}, "postmaster@customer.ru", "bounce: sender postmaster"),
        ({}, '"Mail Delivery System" <MAILER-DAEMON@mx.yandex.ru>', "bounce: sender mailer-daemon"),
        (
            {"Content-Type": "multipart/report; report-type=disposition-notification"},
            "a@b.ru",
            "bounce: Content-Type multipart/report",
        ),
        ({"Return-Path": "<>"}, "a@b.ru", "bounce: empty Return-Path"),
        ({"Return-Path": " < > "}, "a@b.ru", "bounce: empty Return-Path"),
    ],
)
def test_machine_headers(headers, sender, reason):
    assert is_auto_generated(headers, sender, "Вопрос по счёту") == reason


@pytest.mark.parametrize(
    "headers",
    [
        {"Auto-Submitted": "no"},
        {"Precedence": "first-class"},
        {"X-Auto-Response-Suppress": "DR, RN, NRN"},  # receipts only: Outlook puts it on people's mail
        {"Return-Path": "<ivan@customer.ru>"},
        {"Content-Type": "multipart/mixed; boundary=x"},
        {"X-Autoreply": ""},
    ],
)
def test_person_headers_pass(headers):
    assert is_auto_generated(headers, "Иван <ivan@customer.ru>", "Не работает выгрузка в 1С") is None


@pytest.mark.parametrize(
    "subject",
    [
        "Undelivered Mail Returned to Sender",
        "Delivery Status Notification (Delay)",
        "Undeliverable: Счёт за май",
        "Mail delivery failed: returning message to sender",
        "Returned mail: see transcript for details",
        "Auto-Reply: Re: [TCK-00042] Printer",
        "AutoReply: your request",
        "Automatic reply: Invoice",
        "Out of Office: Invoice",
        "Out of Office AutoReply: Invoice",
        "out of office",
        "Автоответ: Re: Счёт",
        "АВТООТВЕТ",
        "Нет на месте: Re: Доступ к кабинету",
        "Не доставлено: Счёт за май",
        "Недоставленное сообщение",
        "Автоматический ответ: Re: Договор",
        "=?UTF-8?B?0JDQstGC0L7QvtGC0LLQtdGCOiDQodGH0ZHRgg==?=",  # "Автоответ: Счёт" encoded
    ],
)
def test_machine_subjects(subject):
    assert is_auto_generated({}, "someone@customer.ru", subject).startswith("subject: ")


@pytest.mark.parametrize(
    "subject",
    [
        "Fwd: Undelivered Mail Returned to Sender",  # a person asking why their mail bounced
        "Re: Out of Office",
        "Out of office mode does not work in the app",
        "Автоответчик в личном кабинете не отключается",
        "Почему письмо не доставлено?",
        "Delivery status of order 1234",
        "",
    ],
)
def test_people_subjects_pass(subject):
    assert is_auto_generated({}, "ivan@customer.ru", subject) is None


def test_decode_subject():
    assert decode_subject("=?UTF-8?B?0JDQstGC0L7QvtGC0LLQtdGCOiDQodGH0ZHRgg==?=") == "Автоответ: Счёт"
    assert decode_subject("=?bogus-charset?Q?x?=") == "=?bogus-charset?Q?x?="
    assert decode_subject(None) == ""


# --- loop guard ---------------------------------------------------------------------------------

OURS = ["support@example.com", "Help@Example.com"]


@pytest.mark.parametrize(
    "headers",
    [
        {"From": "Support <support@example.com>"},
        {"From": "help@example.com"},
        {"From": "ivan@customer.ru", "Sender": "SUPPORT@example.com"},
        {"From": "ivan@customer.ru", "Return-Path": "<support@example.com>"},
        {"From": "list@lists.ru", "X-Loop": "support@example.com"},
    ],
)
def test_our_own_reply_is_caught(headers):
    assert looks_like_our_own_reply(headers, OURS)


def test_customer_mail_is_not_ours():
    headers = {"From": "Ivan <ivan@customer.ru>", "To": "support@example.com", "Cc": "help@example.com"}
    assert not looks_like_our_own_reply(headers, OURS)
    assert not looks_like_our_own_reply({"From": "support@example.com"}, [])


# --- ticket number in the subject ---------------------------------------------------------------


@pytest.mark.parametrize(
    "subject, number",
    [
        ("[TCK-00042] Не работает выгрузка", "TCK-00042"),
        ("Re: TCK-42", "TCK-00042"),
        ("Re: Fwd: Problem with invoice #TCK-00042", "TCK-00042"),
        ("RE: Ответ по заявке tck-42.", "TCK-00042"),
        ("Re: (TCK-000042) printer", "TCK-00042"),
        ("Заявка ТСК-42 (кириллицей)", "TCK-00042"),
        ("TCK-123456 long numbers stay whole", "TCK-123456"),
        ("see https://help.example.com/app/ticket/TCK-00042", "TCK-00042"),
        ("Re: TCK-0 and then TCK-7", "TCK-00007"),
        ("Re: TCK-00042, merged into TCK-00050", "TCK-00042"),
        ("=?UTF-8?Q?Re:_[TCK-00042]_=D0=A1=D1=87=D1=91=D1=82?=", "TCK-00042"),
    ],
)
def test_ticket_number_found(subject, number):
    assert ticket_number_in_subject(subject) == number


@pytest.mark.parametrize(
    "subject",
    [
        "ATTCK-42 is a different system",
        "XTCK-42",
        "ABC-TCK-42",
        "TCK-42abc",
        "TCK-42-b",
        "version TCK-4.2",
        "mail tck-42@customer.ru",
        "TCK-",
        "TCK 42",
        "Заявка 42",
        None,
    ],
)
def test_no_false_hits(subject):
    assert ticket_number_in_subject(subject) is None


def test_custom_prefix():
    assert ticket_number_in_subject("Re: [HD-7] test", prefix="HD-") == "HD-00007"
    assert ticket_number_in_subject("Re: [TCK-7] test", prefix="HD-") is None


@given(st.integers(min_value=1, max_value=10**9 - 1), st.text(alphabet=" :[]()#,.", max_size=3))
def test_any_number_round_trips(number, punctuation):
    subject = f"Re:{punctuation}TCK-{number}{punctuation} тема"
    assert ticket_number_in_subject(subject) == f"TCK-{number:05d}"
