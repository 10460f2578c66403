from datetime import datetime, timedelta, timezone

from hypothesis import given
from hypothesis import strategies as st

from support_hub.engine import alerts
from support_hub.engine.escalation import (
    breach_alert_key, escalated_key, pick_agent, reassigned_key, reassignment_due,
)

T0 = datetime(2026, 3, 2, 8, 1, tzinfo=timezone.utc)


def test_reassignment_waits_for_the_policy_minutes_after_the_breach():
    assert not reassignment_due(T0, 30, None, T0 + timedelta(minutes=29))
    assert reassignment_due(T0, 30, None, T0 + timedelta(minutes=30))
    assert not reassignment_due(T0, 0, None, T0 + timedelta(days=3))  # the policy does not reassign


def test_an_answer_after_the_breach_stops_it_and_one_before_does_not():
    assert not reassignment_due(T0, 30, T0 + timedelta(minutes=5), T0 + timedelta(minutes=40))
    assert reassignment_due(T0, 30, T0 - timedelta(hours=2), T0 + timedelta(minutes=40))


def test_the_least_busy_other_member_gets_it():
    members = ["adelia", "boris", "vera"]
    assert pick_agent(members, {"adelia": 1, "boris": 4, "vera": 2}, current=["adelia"]) == "vera"
    assert pick_agent(members, {}, current=["adelia"]) == "boris"  # tie: the team's order
    assert pick_agent(members, {}, current=["boris"], unavailable=["adelia"]) == "vera"
    assert pick_agent(["adelia"], {}, current=["adelia"]) is None


@given(st.lists(st.sampled_from("abcdef"), unique=True), st.dictionaries(st.sampled_from("abcdef"), st.integers(0, 9)),
       st.sets(st.sampled_from("abcdef")))
def test_never_the_current_assignee(members, load, current):
    chosen = pick_agent(members, load, current=current)
    if chosen is None:
        assert set(members) <= current
    else:
        assert chosen in members and chosen not in current
        assert load.get(chosen, 0) == min(load.get(m, 0) for m in members if m not in current)


def test_each_breach_has_its_own_claims():
    key = "TKT-1|Breached|First Response|2026-03-02T11:00:00"
    assert len({escalated_key(key), reassigned_key(key), breach_alert_key(key)}) == 3
    assert escalated_key(key) != escalated_key(key.replace("First Response", "Resolution"))


def test_breach_alert_names_the_deadline_and_escapes_the_subject():
    text = alerts.deadline_breached(lang="en", ticket="TKT-7", subject="<b>broken</b>", target="First Response",
                                    due=datetime(2026, 3, 2, 11, 0), assignee=alerts.Agent("Adelia", "adelia"),
                                    team="L1 <team>", ticket_url="http://x/app/ticket/TKT-7")
    assert text.startswith("🚨 <b>Deadline missed</b>: first response")
    assert "&lt;b&gt;broken&lt;/b&gt;" in text and "@adelia" in text and "Team: L1 &lt;team&gt;" in text
    sent = alerts.render_at_send(text, datetime(2026, 3, 2, 11, 0), datetime(2026, 3, 2, 11, 20))
    assert "Deadline passed 20 min ago" in sent
    assert alerts.deadline_breached(lang="ru", ticket="1", subject="s", target="Resolution").startswith(
        "🚨 <b>Срок нарушен</b>: решение")
