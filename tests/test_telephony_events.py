import hashlib
import hmac
import json
from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from support_hub.integrations.telephony.events import (
    ATTACH_CALL,
    MAX_BODY_BYTES,
    OPEN_TICKET,
    RATE_CALL,
    BadEvent,
    CallTracker,
    event_key,
    normalize_phone,
    parse_event,
    verify_signature,
)

MSK = timezone(timedelta(hours=3))
SECRET = "s3cr3t"


def body(**fields) -> bytes:
    event = {
        "event": "call_started",
        "event_id": "e-1",
        "call_id": "c-1",
        "from_number": "8 (916) 123-45-67",
        "to_number": "+7 495 123-45-67",
        "started_at": "2026-05-18T10:00:00+03:00",
    }
    event.update(fields)
    return json.dumps({k: v for k, v in event.items() if v is not ...}).encode()


def answered(extension="101", **fields):
    fields.setdefault("event_id", "e-2")
    return parse_event(
        body(event="call_answered", extension=extension, answered_at="2026-05-18T10:00:12+03:00", **fields)
    )


def finished(extension="101", **fields):
    fields.setdefault("event_id", "e-3")
    fields.setdefault("answered_at", "2026-05-18T10:00:12+03:00")
    return parse_event(
        body(event="call_finished", extension=extension, finished_at="2026-05-18T10:04:40+03:00", **fields)
    )


# --- signatures ---------------------------------------------------------------------------------


def test_hmac_signature():
    raw = body()
    digest = hmac.new(SECRET.encode(), raw, hashlib.sha256).hexdigest()
    assert verify_signature(raw, SECRET, digest)
    assert verify_signature(raw, SECRET, "sha256=" + digest.upper())
    assert not verify_signature(raw + b" ", SECRET, digest)
    assert not verify_signature(raw, "other", digest)
    assert not verify_signature(raw, SECRET, "")
    assert not verify_signature(raw, SECRET, None)
    assert not verify_signature(raw, SECRET, "zz" * 32)


def test_blank_secret_verifies_nothing():
    raw = body()
    assert not verify_signature(raw, "", hmac.new(b"", raw, hashlib.sha256).hexdigest())


# --- phone numbers ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw, normalised",
    [
        ("8 (916) 123-45-67", "+79161234567"),
        ("79161234567", "+79161234567"),
        ("+7-916-123-45-67", "+79161234567"),
        ("8 800 555-35-35", "+78005553535"),
        (79161234567, "+79161234567"),
        ("0049 30 1234567", "+49301234567"),
        ("+49 30 1234567", "+49301234567"),
        ("101", "101"),
        ("anonymous", ""),
        ("", ""),
        (None, ""),
    ],
)
def test_normalize_phone(raw, normalised):
    assert normalize_phone(raw) == normalised


@given(st.from_regex(r"9[0-9]{9}", fullmatch=True), st.sampled_from(["8{}", "7{}", "+7{}", "8 ({}", "+7 {}"]))
def test_russian_numbers_in_any_spelling_agree(ten_digits, spelling):
    assert normalize_phone(spelling.format(ten_digits)) == "+7" + ten_digits


# --- parsing ------------------------------------------------------------------------------------


def test_parse_started():
    event = parse_event(body())
    assert event.event == "call_started"
    assert event.from_number == "+79161234567"
    assert event.to_number == "+74951234567"
    assert event.started_at == datetime(2026, 5, 18, 7, 0, tzinfo=timezone.utc)
    assert event.extension is None and event.direction == "inbound"


def test_parse_finished_with_unix_timestamps_and_int_ids():
    event = parse_event(
        body(
            event="call_finished",
            call_id=5521,
            event_id=81723,
            extension=101,
            answered_at=1747551612,
            finished_at="1747551880",
            duration="268",
            recording_url="https://records.uiscom.ru/5521.mp3",
        )
    )
    assert (event.call_id, event.event_id, event.extension) == ("5521", "81723", "101")
    assert event.finished_at - event.answered_at == timedelta(seconds=268)
    assert event.duration == 268
    assert event.recording_url == "https://records.uiscom.ru/5521.mp3"


def test_zulu_time_accepted():
    assert parse_event(body(started_at="2026-05-18T07:00:00Z")).started_at.utcoffset() == timedelta(0)


@pytest.mark.parametrize(
    "raw, message",
    [
        (b"{not json", "body is not UTF-8 JSON"),
        (b"\xff\xfe", "body is not UTF-8 JSON"),
        (b"[1, 2]", "body must be a JSON object"),
        (b"[" * 100000, "request body too large"),
        (body(event="call_transferred"), "unknown event: call_transferred"),
        (body(event=...), "missing field: event"),
        (body(call_id=...), "missing field: call_id"),
        (body(event_id="  "), "missing field: event_id"),
        (body(from_number=...), "missing field: from_number"),
        (body(to_number=["x"]), "to_number must be a string"),
        (body(call_id=True), "call_id must be a string"),
        (body(call_id="x" * 500), "call_id is too long"),
        (body(event="call_answered", answered_at="2026-05-18T10:00:12+03:00"), "missing field: extension"),
        (body(event="call_answered", extension="101"), "missing field: answered_at"),
        (body(event="call_finished"), "missing field: finished_at"),
        (body(started_at="2026-05-18T10:00:00"), "timestamp without a UTC offset in started_at"),
        (body(started_at="yesterday"), "bad timestamp in started_at"),
        (body(started_at="2026-13-01T00:00:00+03:00"), "bad timestamp in started_at"),
        (body(started_at=True), "bad timestamp in started_at"),
        (body(started_at=1747551600000), "bad timestamp in started_at"),  # milliseconds
        (body(started_at=1e300), "bad timestamp in started_at"),
        (body(started_at=5), "timestamp out of range in started_at"),
        (body(started_at={"t": 1}), "bad timestamp in started_at"),
        (body(duration=-1), "duration out of range"),
        (body(duration="²"), "duration must be a number of seconds"),
        (body(duration="long"), "duration must be a number of seconds"),
        (body(recording_url="javascript:alert(1)"), "recording_url must be an http(s) URL"),
        (body(recording_url="file:///etc/passwd"), "recording_url must be an http(s) URL"),
        (body(recording_url=42), "recording_url must be a string"),
        (body(direction="sideways"), "unknown direction: sideways"),
        (
            body(
                event="call_finished", answered_at="2026-05-18T10:05:00+03:00", finished_at="2026-05-18T10:04:00+03:00"
            ),
            "finished_at is before answered_at",
        ),
    ],
)
def test_bad_events(raw, message):
    with pytest.raises(BadEvent) as caught:
        parse_event(raw)
    assert caught.value.message == message
    assert caught.value.status_code == (413 if len(raw) > MAX_BODY_BYTES else 400)


def test_deeply_nested_json_is_a_bad_event_not_a_crash():
    raw = b"[" * 30000 + b"]" * 30000  # under the size limit, far over the parser's recursion limit
    with pytest.raises(BadEvent) as caught:
        parse_event(raw)
    assert caught.value.status_code == 400


@given(st.binary(max_size=300))
def test_any_bytes_parse_or_raise_bad_event(raw):
    try:
        parse_event(raw)
    except BadEvent as error:
        assert error.status_code == 400


def test_event_key_repeats_for_a_retried_delivery():
    assert event_key(parse_event(body())) == event_key(parse_event(body())) == "c-1:call_started:e-1"
    assert event_key(parse_event(body(event_id="e-9"))) != event_key(parse_event(body()))


# --- the tracker --------------------------------------------------------------------------------


def tracker(**kw):
    kw.setdefault("customer_email", {"+79161234567": "ivan@customer.ru"}.get)
    return CallTracker(["101", "102"], **kw)


def kinds(outcome):
    return [action.kind for action in outcome.actions]


def test_support_call_opens_ticket_then_attaches_and_asks_for_rating():
    calls = tracker()
    assert kinds(calls.handle(parse_event(body()))) == []
    opened = calls.handle(answered())
    assert kinds(opened) == [OPEN_TICKET]
    action = opened.actions[0]
    assert (action.customer_number, action.extension) == ("+79161234567", "101")
    assert action.at == datetime(2026, 5, 18, 10, 0, 12, tzinfo=MSK)

    done = calls.handle(finished(recording_url="https://rec.example/1.mp3"))
    assert kinds(done) == [ATTACH_CALL, RATE_CALL]
    attach, rate = done.actions
    assert attach.recording_url == "https://rec.example/1.mp3"
    assert attach.duration == 268  # computed from answered_at / finished_at when not sent
    assert rate.email == "ivan@customer.ru"


def test_no_rating_request_without_an_email():
    calls = tracker(customer_email=lambda number: None)
    calls.handle(answered())
    outcome = calls.handle(finished(duration=250))
    assert kinds(outcome) == [ATTACH_CALL]
    assert outcome.actions[0].duration == 250
    assert "no e-mail" in outcome.note


def test_hidden_number_gets_a_ticket_but_no_rating():
    calls = tracker()
    calls.handle(answered(from_number="anonymous"))
    assert kinds(calls.handle(finished(from_number="anonymous"))) == [ATTACH_CALL]


def test_call_answered_by_sales_makes_no_ticket():
    calls = tracker()
    outcome = calls.handle(answered(extension="200"))
    assert kinds(outcome) == [] and "not a support extension" in outcome.note
    assert kinds(calls.handle(finished(extension="200"))) == []


def test_transfer_from_sales_to_support_opens_one_ticket():
    calls = tracker()
    calls.handle(answered(extension="200"))
    assert kinds(calls.handle(answered(extension="102", event_id="e-2b"))) == [OPEN_TICKET]
    assert kinds(calls.handle(answered(extension="101", event_id="e-2c"))) == []  # support to support
    outcome = calls.handle(finished(extension="101"))
    assert outcome.actions[0].extension == "102"  # the ticket's agent is whoever picked it up first


def test_missed_call_makes_no_ticket():
    calls = tracker()
    calls.handle(parse_event(body()))
    assert kinds(calls.handle(finished(extension=..., answered_at=...))) == []


def test_lost_answer_event_recovered_from_the_final_event():
    calls = tracker()
    assert kinds(calls.handle(finished())) == [OPEN_TICKET, ATTACH_CALL, RATE_CALL]
    assert kinds(calls.handle(answered())) == []  # arrives late: ignored


def test_outbound_calls_make_no_ticket():
    calls = tracker()
    assert kinds(calls.handle(answered(direction="outbound"))) == []


def test_repeated_events_processed_once():
    calls = tracker()
    assert kinds(calls.handle(answered())) == [OPEN_TICKET]
    repeat = calls.handle(answered())
    assert kinds(repeat) == [] and repeat.note.startswith("duplicate")
    assert kinds(calls.handle(finished())) == [ATTACH_CALL, RATE_CALL]
    # A PBX that re-sends with a fresh event id is still caught: the call is already finished.
    assert kinds(calls.handle(finished(event_id="e-3-again"))) == []


def test_state_can_live_outside_the_tracker():
    calls, seen = {}, set()
    tracker(calls=calls, seen=seen).handle(answered())
    # The next webhook request builds a fresh tracker over the same stored state.
    assert kinds(tracker(calls=calls, seen=seen).handle(answered())) == []
    assert kinds(tracker(calls=calls, seen=seen).handle(finished())) == [ATTACH_CALL, RATE_CALL]


@given(st.permutations(range(3)), st.lists(st.integers(0, 2), max_size=4))
def test_any_order_and_repeats_give_at_most_one_of_each_action(order, repeats):
    events = [parse_event(body()), answered(), finished()]
    stream = [events[i] for i in order] + [events[i] for i in repeats]
    calls = tracker()
    actions = [kind for event in stream for kind in kinds(calls.handle(event))]
    assert actions.count(OPEN_TICKET) == 1
    assert actions.count(ATTACH_CALL) == 1
    assert actions.count(RATE_CALL) == 1
    assert actions.index(OPEN_TICKET) < actions.index(ATTACH_CALL) < actions.index(RATE_CALL)
