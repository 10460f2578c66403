"""Which ticket fields a person's save may not write (support_hub.engine.system_fields)."""

from datetime import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from support_hub.engine.system_fields import (
    CHANNELS_A_PERSON_MAY_CHOOSE,
    SYSTEM_FIELDS,
    Kind,
    normalise,
    refused_fields,
)

STORED = {
    "subject": "Printer offline",
    "status": "Open",
    "channel": "Email",
    "opened_on": datetime(2026, 3, 2, 10, 0, 0, 123456),
    "first_responded_on": None,
    "sla_paused_minutes": 0.0,
    "intake_done": 1,
    "rating": None,
    "rating_comment": None,
    "telegram_chat_id": None,
}


def test_an_ordinary_edit_touches_nothing_of_the_system():
    assert refused_fields(STORED, {**STORED, "status": "In Progress", "subject": "Printer still offline"}) == []


def test_the_same_values_in_other_shapes_are_no_change():
    # what the desk or a REST body sends back: ISO strings, "" and 0 for nothing
    echoed = {**STORED, "opened_on": "2026-03-02 10:00:00.123456", "first_responded_on": "", "sla_paused_minutes": 0,
              "intake_done": "1", "rating": "", "rating_comment": None, "telegram_chat_id": ""}
    assert refused_fields(STORED, echoed) == []


@pytest.mark.parametrize("field, value", [
    ("sla_paused_minutes", 350_000),  # the due date eight months later
    ("opened_on", "2026-01-01 09:00:00"),
    ("first_responded_on", "2026-03-02 10:05:00"),
    ("rating", "great"),
    ("rating_comment", "Everything perfect"),
    ("telegram_chat_id", "424242"),
    ("intake_done", 0),
    ("opened_on", "not a date"),
])
def test_each_system_field_change_is_refused(field, value):
    assert refused_fields(STORED, {**STORED, field: value}) == [field]


def test_the_channel_never_changes_after_creation():
    assert refused_fields(STORED, {**STORED, "channel": "Phone"}) == ["channel"]


def test_a_new_ticket_may_not_come_with_system_fields():
    assert refused_fields(None, {"subject": "x", "channel": "Phone", "sla_paused_minutes": 0, "intake_done": 0}) == []
    assert refused_fields(None, {"subject": "x", "rating": "great", "opened_on": "2020-01-01"}) == ["opened_on", "rating"]


@pytest.mark.parametrize("channel", ["Telegram", "Web"])
def test_channels_with_their_own_intake_are_not_chosen_by_a_person(channel):
    assert channel not in CHANNELS_A_PERSON_MAY_CHOOSE
    assert refused_fields(None, {"subject": "x", "channel": channel}) == ["channel"]


def test_every_system_field_has_a_kind():
    assert all(isinstance(kind, Kind) for kind in SYSTEM_FIELDS.values())
    assert {"sla_paused_minutes", "opened_on", "first_responded_on", "rating", "rated_on", "rating_comment",
            "telegram_chat_id", "sla_paused_since", "sla_warning_on", "sla_breach_on", "intake_done"} <= set(SYSTEM_FIELDS)


@given(st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1)))
def test_a_datetime_and_its_iso_text_are_the_same(moment):
    assert normalise(Kind.DATETIME, moment) == normalise(Kind.DATETIME, moment.isoformat(" "))


@given(st.sampled_from(list(SYSTEM_FIELDS)), st.sampled_from([None, ""]))
def test_nothing_is_nothing_for_every_field(field, empty):
    assert refused_fields(None, {field: empty}) == []
    assert refused_fields({field: empty}, {field: None}) == []


@given(st.sampled_from([f for f, kind in SYSTEM_FIELDS.items() if kind in (Kind.NUMBER, Kind.FLAG)]))
def test_zero_is_nothing_for_numbers_and_flags(field):
    assert refused_fields(None, {field: 0}) == []
