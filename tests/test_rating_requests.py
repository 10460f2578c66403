"""When a customer is asked for a rating (support_hub.engine.rating_links.rating_request): once per ticket,
when it first becomes Resolved or Closed, on every channel that has a customer to ask."""

from hypothesis import given
from hypothesis import strategies as st

from support_hub.engine.rating_links import ASK_BY_EMAIL, ASK_IN_TELEGRAM, DONE_STATUSES, rating_request

STATUSES = ("Open", "In Progress", "Waiting for Customer", "Postponed", "In Development", "Solution Proposed",
            "Resolved", "Closed")
CHANNELS = ("Email", "Telegram", "Web", "Phone", "Internal")


def ask(**changes):
    values = dict(channel="Email", status_before="In Progress", status_now="Resolved", rated=False, requested=False,
                  telegram_chat=None, email="anna@example.com")
    values.update(changes)
    return rating_request(**values)


def test_email_web_and_phone_tickets_are_asked_by_email_on_resolved_and_on_closed():
    for channel in ("Email", "Web", "Phone"):
        for status in ("Resolved", "Closed"):
            assert ask(channel=channel, status_now=status) == ASK_BY_EMAIL, (channel, status)


def test_telegram_tickets_are_asked_in_the_bot_on_resolved_and_on_closed():
    for status in ("Resolved", "Closed"):
        assert ask(channel="Telegram", status_now=status, telegram_chat=12345, email=None) == ASK_IN_TELEGRAM
    assert ask(channel="Telegram", telegram_chat=None, email=None) is None  # no chat to ask in


def test_closing_a_resolved_ticket_does_not_ask_again():
    assert ask(status_before="Resolved", status_now="Closed") is None
    assert ask(status_before="Closed", status_now="Resolved") is None


def test_a_reopened_ticket_resolved_again_is_not_asked_twice():
    assert ask(status_before="Open", status_now="Resolved", requested=True) is None


def test_rated_tickets_internal_tickets_and_customers_without_an_address_are_not_asked():
    assert ask(rated=True) is None
    assert ask(channel="Internal") is None
    assert ask(email=None) is None
    assert ask(channel="Phone", email="+79161234567") is None  # a phone number is no address for a link
    assert ask(status_now="Waiting for Customer") is None


def test_a_new_ticket_made_already_resolved_is_asked_once():
    assert ask(status_before=None, status_now="Closed") == ASK_BY_EMAIL


@given(st.sampled_from(CHANNELS), st.one_of(st.none(), st.sampled_from(STATUSES)), st.sampled_from(STATUSES),
       st.booleans(), st.booleans(), st.sampled_from([None, 777]), st.sampled_from([None, "", "x@example.com"]))
def test_a_request_only_ever_goes_out_on_the_step_into_done(channel, before, now, rated, requested, chat, email):
    medium = rating_request(channel=channel, status_before=before, status_now=now, rated=rated, requested=requested,
                            telegram_chat=chat, email=email)
    if medium is not None:
        assert now in DONE_STATUSES and before not in DONE_STATUSES and not rated and not requested
        assert medium == (ASK_IN_TELEGRAM if channel == "Telegram" else ASK_BY_EMAIL)
        assert channel != "Internal"
