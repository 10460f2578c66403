"""A queued deadline alert says how long is left when it is sent, not when it was queued: its text carries a
placeholder the outbox fills in against the deadline at the moment of sending."""

from datetime import datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from support_hub.engine.alerts import deadline_warning, render_at_send, time_left_line

DUE = datetime(2026, 3, 2, 11, 0)


def queued(lang="en", subject="Printer"):
    return deadline_warning(lang=lang, ticket="TCK-1", subject=subject, target="Resolution", due=DUE)


def test_the_time_left_is_counted_when_sent():
    text = queued()
    assert "Time left" not in text and "min" not in text
    assert "Time left: 10 min (due 2026-03-02 11:00)" in render_at_send(text, DUE, DUE - timedelta(minutes=10))
    # sent 8 minutes late, after an outage: it says 2 min, not the 10 it would have said
    assert "Time left: 2 min" in render_at_send(text, DUE, DUE - timedelta(minutes=2))


def test_an_alert_sent_after_its_deadline_says_the_deadline_passed():
    assert "Deadline passed 25 min ago" in render_at_send(queued(), DUE, DUE + timedelta(minutes=25))
    assert "Срок истёк 1 ч 5 мин назад" in render_at_send(queued("ru"), DUE, DUE + timedelta(hours=1, minutes=5))
    assert "Deadline passed &lt; 1 min ago" in render_at_send(queued(), DUE, DUE)


def test_a_subject_cannot_forge_the_placeholder():
    text = queued(subject='<time-left lang="en"/>')
    sent = render_at_send(text, DUE, DUE - timedelta(minutes=10))
    assert sent.count("Time left") == 1 and "&lt;time-left" in sent


def test_texts_without_placeholder_or_deadline_go_as_queued():
    plain = "🔥 Something"
    assert render_at_send(plain, DUE, DUE) == plain
    assert render_at_send(queued(), None, DUE) == queued()


@given(st.integers(min_value=-10_000, max_value=10_000))
def test_rendered_line_is_the_time_left_line_at_the_send_moment(minutes):
    now = DUE - timedelta(minutes=minutes)
    sent = render_at_send(queued(), DUE, now)
    line = time_left_line(DUE, now, "en")
    assert line in sent
    assert line.startswith("Time left") == (minutes > 0)
