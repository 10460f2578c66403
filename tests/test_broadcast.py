from collections import Counter
from datetime import datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from support_hub.engine.broadcast import (
    EMAIL,
    OWN_CHANNEL,
    REASON_CLOSED,
    SEND,
    SKIP,
    TELEGRAM,
    Recipient,
    RecipientState,
    TaggedTicket,
    can_transition,
    dedupe_key,
    next_batch,
    plan_recipients,
    progress,
    send_decision,
)

PENDING, SENT, FAILED = RecipientState.PENDING, RecipientState.SENT, RecipientState.FAILED
T0 = datetime(2026, 2, 2, 9, 0)


def tagged(ticket, customer="Firm", channel=EMAIL, address="anna@firm.ru", is_open=True, hours=0, **other):
    return TaggedTicket(
        ticket=ticket,
        customer_key=customer,
        customer_name=customer and f"{customer} LLC",
        channel=channel,
        contact_address=address,
        status="Open" if is_open else "Closed",
        is_open=is_open,
        opened_at=T0 + timedelta(hours=hours),
        other_addresses=other,
    )


# --- planning --------------------------------------------------------------------------------


def test_one_message_per_customer_on_the_newest_open_ticket():
    tickets = [
        tagged("T-1", hours=1),
        tagged("T-2", hours=5),
        tagged("T-3", hours=9, is_open=False),  # newer, but closed
        tagged("T-4", customer="Other", address="boss@other.ru"),
    ]
    recipients, skipped = plan_recipients(tickets, only_open=False, channel_mode=EMAIL)
    assert skipped == []
    assert recipients == [
        Recipient("Firm", "Firm", "T-2", EMAIL, "anna@firm.ru", ("T-1", "T-2", "T-3"), "Firm LLC"),
        Recipient("Other", "Other", "T-4", EMAIL, "boss@other.ru", ("T-4",), "Other LLC"),
    ]


def test_only_open_leaves_closed_tickets_and_their_tags_alone():
    tickets = [
        tagged("T-1", hours=1),
        tagged("T-3", hours=9, is_open=False),
        tagged("T-9", customer="Gone", is_open=False),
    ]
    recipients, skipped = plan_recipients(tickets, only_open=True, channel_mode=EMAIL)
    assert [(r.ticket, r.all_tickets) for r in recipients] == [("T-1", ("T-1",))]
    assert [(s.ticket, s.reason) for s in skipped] == [("T-3", REASON_CLOSED), ("T-9", REASON_CLOSED)]


def test_a_customer_with_only_closed_tickets_gets_it_on_the_newest():
    tickets = [tagged("T-1", is_open=False, hours=1), tagged("T-2", is_open=False, hours=2)]
    (recipient,), _ = plan_recipients(tickets, only_open=False, channel_mode=EMAIL)
    assert recipient.ticket == "T-2"


def test_the_landing_ticket_must_have_an_address_on_the_channel():
    tickets = [
        tagged("T-1", hours=1),  # email ticket
        tagged("T-2", channel=TELEGRAM, address="123456789", hours=5),  # newer, but no email
    ]
    (recipient,), skipped = plan_recipients(tickets, only_open=True, channel_mode=EMAIL)
    assert (recipient.ticket, recipient.address, recipient.all_tickets) == ("T-1", "anna@firm.ru", ("T-1", "T-2"))
    assert skipped == []  # T-2's customer got the message: its tag comes off too
    (recipient,), _ = plan_recipients(tickets, only_open=True, channel_mode=TELEGRAM)
    assert (recipient.ticket, recipient.channel, recipient.address) == ("T-2", TELEGRAM, "123456789")
    (recipient,), _ = plan_recipients(tickets, only_open=True, channel_mode=OWN_CHANNEL)
    assert (recipient.ticket, recipient.channel) == ("T-2", TELEGRAM)


def test_addresses_known_from_the_contact_count():
    ticket = tagged("T-1", channel=TELEGRAM, address="123456789", Email=" anna@firm.ru ")
    (recipient,), _ = plan_recipients([ticket], only_open=True, channel_mode=EMAIL)
    assert (recipient.channel, recipient.address) == (EMAIL, "anna@firm.ru")


def test_unreachable_customers_are_reported_ticket_by_ticket():
    tickets = [
        tagged("T-1", customer="A", channel=TELEGRAM, address="1"),
        tagged("T-2", customer="A", address=""),
        tagged("T-3", customer="B", channel="Web", address="b@firm.ru"),
        tagged("T-4", customer="C", address="   "),
    ]
    recipients, skipped = plan_recipients(tickets, only_open=True, channel_mode=EMAIL)
    assert [r.customer_key for r in recipients] == []
    assert {s.ticket: s.reason for s in skipped} == {t.ticket: "no Email address" for t in tickets}
    recipients, skipped = plan_recipients(tickets, only_open=True, channel_mode=TELEGRAM)
    assert [(r.customer_key, r.all_tickets) for r in recipients] == [("A", ("T-1", "T-2"))]
    assert {s.ticket: s.reason for s in skipped} == {"T-3": "no Telegram chat", "T-4": "no Telegram chat"}
    _, skipped = plan_recipients(tickets, only_open=True, channel_mode=OWN_CHANNEL)
    assert {s.ticket: s.reason for s in skipped} == {
        "T-3": "a Web ticket has no channel to send on",
        "T-4": "no Email address",
    }


def test_tickets_without_a_customer_are_grouped_by_address():
    tickets = [
        tagged("T-1", customer=None, address="x@mail.ru", hours=1),
        tagged("T-2", customer=None, address="x@mail.ru", hours=2),
        tagged("T-3", customer=None, address="y@mail.ru"),
        tagged("T-4", customer=None, address=None),
    ]
    recipients, skipped = plan_recipients(tickets, only_open=True, channel_mode=EMAIL)
    assert [(r.key, r.customer_key, r.ticket, r.all_tickets) for r in recipients] == [
        ("address:Email:x@mail.ru", None, "T-2", ("T-1", "T-2")),
        ("address:Email:y@mail.ru", None, "T-3", ("T-3",)),
    ]
    assert [(s.ticket, s.reason) for s in skipped] == [("T-4", "no Email address")]


def test_a_ticket_listed_twice_is_one_ticket_and_unknown_modes_fail():
    (recipient,), _ = plan_recipients([tagged("T-1"), tagged("T-1")], only_open=True, channel_mode=EMAIL)
    assert recipient.all_tickets == ("T-1",)
    with pytest.raises(ValueError):
        plan_recipients([], only_open=True, channel_mode="SMS")


def test_missing_open_dates_sort_oldest():
    undated = TaggedTicket("T-1", "Firm", "Firm LLC", EMAIL, "a@firm.ru", "Open", True, opened_at=None)
    (recipient,), _ = plan_recipients([tagged("T-2"), undated], only_open=True, channel_mode=EMAIL)
    assert recipient.ticket == "T-2"


ticket_rows = st.builds(
    tagged,
    ticket=st.sampled_from([f"T-{i}" for i in range(30)]),
    customer=st.sampled_from([None, "A", "B", "C", "D"]),
    channel=st.sampled_from([EMAIL, TELEGRAM, "Web"]),
    address=st.sampled_from([None, "", "x@mail.ru", "y@mail.ru", "42"]),
    is_open=st.booleans(),
    hours=st.integers(0, 5),
)


@given(st.lists(ticket_rows, max_size=40), st.booleans(), st.sampled_from([EMAIL, TELEGRAM, OWN_CHANNEL]))
def test_every_tagged_ticket_is_either_covered_or_skipped_once(tickets, only_open, mode):
    recipients, skipped = plan_recipients(tickets, only_open, mode)
    covered = [t for r in recipients for t in r.all_tickets]
    distinct = {t.ticket for t in tickets}
    assert sorted(covered + [s.ticket for s in skipped]) == sorted(distinct)
    assert len({r.key for r in recipients}) == len(recipients)
    customers = [r.customer_key for r in recipients if r.customer_key]
    assert len(customers) == len(set(customers))  # one message per customer
    first = {}
    for t in tickets:
        first.setdefault(t.ticket, t)
    for r in recipients:
        landing = first[r.ticket]
        assert r.ticket in r.all_tickets and r.address and r.channel in (EMAIL, TELEGRAM)
        assert r.channel == (landing.channel if mode == OWN_CHANNEL else mode)
        assert landing.address_on(r.channel) == r.address
        if only_open:
            assert all(first[t].is_open for t in r.all_tickets)
        reachable = [
            first[t]
            for t in r.all_tickets
            if first[t].address_on(r.channel) and (mode != OWN_CHANNEL or first[t].channel == r.channel)
        ]
        assert landing.is_open or not any(t.is_open for t in reachable)


# --- dedupe keys and states ------------------------------------------------------------------


def test_dedupe_keys():
    assert dedupe_key("BC-0001", "Firm") == "broadcast:BC-0001:Firm"
    long_a, long_b = "A" * 200, "A" * 199 + "B"
    assert dedupe_key("BC-0001", long_a) != dedupe_key("BC-0001", long_b)
    assert len(dedupe_key("BC-0001", long_a)) <= 140
    assert dedupe_key("BC-0001", long_a) == dedupe_key("BC-0001", long_a)
    assert len(dedupe_key("B" * 300, "x" * 300)) <= 140


@given(st.sets(st.text(min_size=1, max_size=200), max_size=20))
def test_dedupe_keys_are_distinct_within_a_broadcast(customers):
    keys = {dedupe_key("BC-0007", c) for c in customers}
    assert len(keys) == len(customers) and all(len(k) <= 140 for k in keys)


def test_recipient_state_machine():
    assert can_transition(PENDING, SENT) and can_transition("Pending", "Failed")
    # Both outcomes are final: nothing is sent twice, and a failure waits for a person.
    for final in (SENT, FAILED):
        assert not any(can_transition(final, new) for new in (PENDING, SENT, FAILED))
    assert not can_transition(PENDING, PENDING)
    with pytest.raises(ValueError):
        can_transition("Sending", SENT)  # no such state


@pytest.mark.parametrize("state, decision", [(PENDING, SEND), ("Pending", SEND), (SENT, SKIP), (FAILED, SKIP)])
def test_send_decision(state, decision):
    assert send_decision(state) == decision


def test_batches_and_progress():
    states = {"a": SENT, "c": PENDING, "d": "Pending", "e": FAILED, "f": PENDING}
    assert next_batch(states, 2) == ["c", "d"]
    assert next_batch(states, 10) == ["c", "d", "f"]
    assert next_batch(states, 0) == []
    assert progress(states) == (2, 5, 40.0)
    assert progress(list(states.values())) == (2, 5, 40.0)
    assert progress({}) == (0, 0, 100.0)
    assert progress([SENT, FAILED]) == (2, 2, 100.0)


# --- exactly once under crashes --------------------------------------------------------------


class Crash(Exception):
    """The worker process dies: whatever was not committed is lost."""


class Database:
    """Committed state only. `commit` applies all its writes or, if the process dies first, none."""

    def __init__(self, keys):
        self.states = {key: PENDING for key in keys}
        self.messages = []  # dedupe keys of message rows (a duplicate would appear twice)

    def commit(self, states=(), messages=()):
        self.messages.extend(messages)
        self.states.update(states)


def run_job(db, broadcast, crash_after=None, batch_size=3, split_commit=False, fails=()):
    """One run of the broadcast job as broadcasts/sending.py runs it. It dies just before its
    `crash_after`-th commit (None: never).

    With `split_commit` the message row and the state change go in two transactions, which breaks
    the module's rule on purpose (the control experiment below).
    """
    commits = 0

    def commit(**writes):
        nonlocal commits
        if commits == crash_after:
            raise Crash
        commits += 1
        db.commit(**writes)

    states = dict(db.states)  # what the job loads when it starts, then keeps up to date
    while batch := next_batch(states, batch_size):
        for key in batch:
            if send_decision(db.states[key]) == SEND:  # the stored state, read under the row lock
                if key in fails:  # the message could not even be written (bad address): no row, Failed
                    commit(states={key: FAILED})
                elif split_commit:
                    commit(messages=[dedupe_key(broadcast, key)])
                    commit(states={key: SENT})
                else:
                    commit(messages=[dedupe_key(broadcast, key)], states={key: SENT})
            states[key] = db.states[key]


def run_until_done(db, broadcast, crash_points, **options):
    for crash_after in crash_points:
        try:
            run_job(db, broadcast, crash_after=crash_after, **options)
        except Crash:
            pass
    run_job(db, broadcast, **options)  # the last run is allowed to finish


@given(n=st.integers(1, 25), crash_points=st.lists(st.integers(0, 30), max_size=8), batch_size=st.integers(1, 7))
def test_every_recipient_is_messaged_exactly_once_whatever_crashes(n, crash_points, batch_size):
    keys = [f"customer {i}" for i in range(n)]
    db = Database(keys)
    run_until_done(db, "BC-1", crash_points, batch_size=batch_size)
    assert Counter(db.messages) == Counter(dedupe_key("BC-1", k) for k in keys)
    assert set(db.states.values()) == {SENT}
    assert progress(db.states) == (n, n, 100.0)


@given(n=st.integers(1, 15), failing=st.sets(st.integers(0, 14)), crash_points=st.lists(st.integers(0, 20), max_size=6))
def test_failures_send_nothing_and_everyone_else_exactly_once(n, failing, crash_points):
    keys = [f"c{i}" for i in range(n)]
    fails = {f"c{i}" for i in failing}
    db = Database(keys)
    run_until_done(db, "BC-2", crash_points, fails=fails)
    assert Counter(db.messages) == Counter(dedupe_key("BC-2", k) for k in keys if k not in fails)
    assert all(db.states[k] == (FAILED if k in fails else SENT) for k in keys)


def test_a_second_run_started_meanwhile_sends_nothing_again():
    db = Database(["a", "b", "c"])
    stale = dict(db.states)  # a run that loaded the states before the first one finished
    run_job(db, "BC-4")
    assert next_batch(stale, 10) == ["a", "b", "c"]
    assert [send_decision(db.states[key]) for key in next_batch(stale, 10)] == [SKIP, SKIP, SKIP]


def test_the_message_and_its_state_must_commit_together():
    """The control experiment: with the message committed on its own, a crash in between messages
    someone twice, because the recipient is still Pending when the job resumes."""
    db = Database(["a"])
    run_until_done(db, "BC-3", [1], split_commit=True)  # commit 0 writes a's message; die before 1
    assert db.messages.count(dedupe_key("BC-3", "a")) == 2
    db = Database(["a"])
    run_until_done(db, "BC-3", [0, 1])
    assert db.messages.count(dedupe_key("BC-3", "a")) == 1
