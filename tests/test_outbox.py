from collections import Counter
from dataclasses import replace
from datetime import datetime, timedelta, timezone

from hypothesis import example, given, settings
from hypothesis import strategies as st

from support_hub.engine.outbox import (
    DEFAULT_POLICY,
    OutboxItem,
    OutboxStatus,
    SendResult,
    after_attempt,
    backoff_delay,
    customer_message_key,
    deadline_warning_key,
    outbox_key,
    rate_limit_wait,
    rating_key,
    sla_changed_key,
)

T0 = datetime(2026, 5, 4, 12, 0, tzinfo=timezone.utc)


def item(key="a", attempts=0, status=OutboxStatus.QUEUED, next_try=T0, created=T0, chat_id=1):
    return OutboxItem(key, chat_id, "text", attempts, status, next_try, created)


# --- after_attempt -------------------------------------------------------------------------------


def test_ok_is_sent():
    update = after_attempt(item(attempts=2), SendResult.ok(7), T0)
    assert (update.status, update.attempts, update.next_try, update.last_error) == (OutboxStatus.SENT, 3, None, "")


def test_permanent_fails_at_once():
    update = after_attempt(item(), SendResult.permanent("Forbidden: bot was blocked by the user"), T0)
    assert update.status is OutboxStatus.FAILED
    assert update.attempts == 1
    assert "blocked" in update.last_error


def test_transient_backs_off_from_thirty_seconds():
    update = after_attempt(item(), SendResult.transient("HTTP 502"), T0)
    assert update.status is OutboxStatus.QUEUED
    assert update.next_try == T0 + timedelta(seconds=30)
    assert update.last_error == "HTTP 502"
    second = after_attempt(item(attempts=1), SendResult.transient("HTTP 502"), T0)
    assert second.next_try == T0 + timedelta(seconds=60)


def test_backoff_sequence_and_cap():
    delays = [backoff_delay(n).total_seconds() for n in range(1, 9)]
    assert delays == [30, 60, 120, 240, 480, 600, 600, 600]
    assert backoff_delay(10_000) == timedelta(minutes=10)  # no overflow after a day of retries


def test_transient_gives_up_only_after_a_day():
    almost = after_attempt(item(attempts=140), SendResult.transient("timeout"), T0 + timedelta(hours=23, minutes=59))
    assert almost.status is OutboxStatus.QUEUED
    gone = after_attempt(item(attempts=141), SendResult.transient("timeout"), T0 + timedelta(hours=24))
    assert gone.status is OutboxStatus.FAILED
    assert gone.last_error.startswith("gave up after 142 attempts")


def test_without_creation_time_the_attempt_count_bounds_retrying():
    row = item(created=None, attempts=DEFAULT_POLICY.max_attempts - 2)
    assert after_attempt(row, SendResult.transient("x"), T0).status is OutboxStatus.QUEUED
    row = item(created=None, attempts=DEFAULT_POLICY.max_attempts - 1)
    assert after_attempt(row, SendResult.transient("x"), T0).status is OutboxStatus.FAILED


def test_retry_after_never_gives_up():
    update = after_attempt(item(attempts=500), SendResult.wait(3), T0 + timedelta(days=3))
    assert update.status is OutboxStatus.QUEUED
    assert update.next_try == T0 + timedelta(days=3, seconds=3)


@settings(derandomize=True)
@given(seconds=st.integers(1, 86_400), attempts=st.integers(0, 1000))
def test_retry_after_is_honoured_exactly(seconds, attempts):
    update = after_attempt(item(attempts=attempts), SendResult.wait(seconds), T0)
    assert update.next_try - T0 == timedelta(seconds=seconds)
    assert update.attempts == attempts + 1


@settings(derandomize=True)
@given(st.integers(1, 10_000), st.integers(1, 10_000))
def test_backoff_is_monotonic_and_capped(a, b):
    low, high = sorted((a, b))
    assert timedelta(seconds=30) <= backoff_delay(low) <= backoff_delay(high) <= timedelta(minutes=10)


# --- dedupe keys ---------------------------------------------------------------------------------


def test_dedupe_keys_are_stable_and_distinct():
    due = datetime(2026, 5, 4, 15, 0, tzinfo=timezone(timedelta(hours=3)))
    key = deadline_warning_key("TCK-1", "Resolution", due)
    assert key == "deadline|TCK-1|Resolution|2026-05-04T12:00:00+00:00"
    # The same moment in another zone is the same deadline.
    assert key == deadline_warning_key("TCK-1", "Resolution", due.astimezone(timezone.utc))
    assert key != deadline_warning_key("TCK-1", "Resolution", due + timedelta(minutes=1))
    assert key != deadline_warning_key("TCK-1", "First Response", due)
    assert deadline_warning_key("TCK-1", "Resolution", datetime(2026, 5, 4, 15, 0)).endswith("2026-05-04T15:00:00")
    assert sla_changed_key("SLAE-0001") == "sla-changed|SLAE-0001"
    assert rating_key("TCK-1", "bad") != rating_key("TCK-1", "ok")
    assert customer_message_key("COMM-9") == "customer-message|COMM-9"
    assert outbox_key(rating_key("TCK-1", "bad"), -100123) == "rating|TCK-1|bad|-100123"


# --- rate limits ---------------------------------------------------------------------------------


def test_one_message_per_second_per_chat():
    assert rate_limit_wait([], 5, 100.0) == 0
    assert abs(rate_limit_wait([(5, 99.6)], 5, 100.0) - 0.6) < 1e-9
    assert rate_limit_wait([(6, 99.6)], 5, 100.0) == 0


def test_thirty_messages_per_second_overall():
    sent = [(chat, 99.0 + chat / 100) for chat in range(1, 31)]  # 30 sends in 99.01 … 99.30
    assert abs(rate_limit_wait(sent, 999, 99.5) - 0.51) < 1e-9
    assert rate_limit_wait(sent[1:], 999, 99.5) == 0


def test_twenty_per_minute_to_a_group():
    sent = [(-100, 40.0 + i * 2) for i in range(20)]  # 40 … 78
    assert abs(rate_limit_wait(sent, -100, 80.0) - 20.0) < 1e-9
    # A private chat has no per-minute limit.
    private = [(7, 40.0 + i * 2) for i in range(20)]
    assert rate_limit_wait(private, 7, 80.0) == 0


@settings(max_examples=200, derandomize=True)
@given(
    sends=st.lists(st.tuples(st.sampled_from([1, 2, 3, -100, -200]), st.floats(0, 100)), max_size=80),
    chat=st.sampled_from([1, 2, 3, -100, -200]),
    now=st.floats(100, 101),
)
def test_waiting_the_answer_satisfies_every_limit(sends, chat, now):
    sends = [(c, t) for c, t in sends if t <= now]
    wait = rate_limit_wait(sends, chat, now)
    at = now + wait
    assert rate_limit_wait(sends, chat, at) < 1e-9
    assert sum(1 for _, t in sends if t > at - 1.0) < 30
    assert all(at - t >= 1.0 - 1e-9 for c, t in sends if c == chat)


# --- simulation: an outage loses nothing ---------------------------------------------------------


def due(rows, now, limit):
    """What the sender's query picks (integrations/telegram/outbox.py): queued rows that are due, oldest first."""
    ready = [r for r in rows if r.status is OutboxStatus.QUEUED and (r.next_try is None or r.next_try <= now)]
    return sorted(ready, key=lambda r: (r.created, r.key))[:limit]


def stored(row, update):
    """The row as the sender writes `after_attempt`'s answer back."""
    return replace(row, status=update.status, attempts=update.attempts, next_try=update.next_try)


def run_outbox(n_items, outage_start, outage_seconds, tick_seconds, batch, throttle_every, horizon=timedelta(hours=6)):
    """Drive the outbox like the scheduler would; Telegram is down for [outage_start, +outage_seconds)."""
    rows = {
        f"k{i}": OutboxItem(f"k{i}", i % 7 + 1, f"alert {i}", 0, OutboxStatus.QUEUED, T0, T0 + timedelta(seconds=i))
        for i in range(n_items)
    }
    delivered = Counter()
    now = T0
    calls = 0
    while now < T0 + horizon:
        for row in due(rows.values(), now, batch):
            calls += 1
            elapsed = (now - T0).total_seconds()
            if outage_start <= elapsed < outage_start + outage_seconds:
                result = SendResult.transient("HTTP 502 without a Bot API answer")
            elif throttle_every and calls % throttle_every == 0:
                result = SendResult.wait(3)
            else:
                delivered[row.key] += 1
                result = SendResult.ok(calls)
            rows[row.key] = stored(row, after_attempt(row, result, now))
        if all(r.status is not OutboxStatus.QUEUED for r in rows.values()):
            break
        now += timedelta(seconds=tick_seconds)
    return rows, delivered


@settings(max_examples=60, deadline=None, derandomize=True)
@example(n_items=25, outage_start=0, outage_seconds=600, tick_seconds=60, batch=1, throttle_every=0)
@example(n_items=25, outage_start=1, outage_seconds=600, tick_seconds=5, batch=20, throttle_every=3)
@given(
    n_items=st.integers(1, 25),
    outage_start=st.integers(0, 300),
    outage_seconds=st.integers(0, 600),
    tick_seconds=st.sampled_from([5, 10, 30, 60]),
    batch=st.integers(1, 20),
    throttle_every=st.sampled_from([0, 3, 7]),
)
def test_an_outage_of_up_to_ten_minutes_loses_nothing(
    n_items, outage_start, outage_seconds, tick_seconds, batch, throttle_every
):
    rows, delivered = run_outbox(n_items, outage_start, outage_seconds, tick_seconds, batch, throttle_every)
    assert all(r.status is OutboxStatus.SENT for r in rows.values())
    assert delivered == Counter({key: 1 for key in rows})


def test_a_two_day_outage_gives_up_after_a_day():
    rows, delivered = run_outbox(3, 0, 2 * 86_400, 600, 10, 0, horizon=timedelta(days=2))
    assert not delivered
    assert all(r.status is OutboxStatus.FAILED for r in rows.values())
