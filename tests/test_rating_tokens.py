"""Rating link tokens: random, stored as a digest, one answer, an expiry (support_hub.engine.rating_links)."""

from datetime import datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from support_hub.engine.rating_links import (
    LINK_VALID_FOR,
    LinkState,
    StoredLink,
    clean_comment,
    expiry,
    link_state,
    new_token,
    token_digest,
    well_formed,
)

NOW = datetime(2026, 3, 2, 12, 0)


def test_tokens_are_random_url_safe_and_kept_only_as_a_digest():
    tokens = {new_token() for _ in range(200)}
    assert len(tokens) == 200
    assert all(well_formed(t) and len(t) >= 40 for t in tokens)
    token = next(iter(tokens))
    digest = token_digest(token)
    assert len(digest) == 64 and token not in digest
    assert token_digest(token) == digest  # stable: nothing of the site's configuration goes into it


def test_malformed_tokens_are_not_looked_up():
    for token in (None, "", "short", "x" * 500, "has space in it and more letters", "a/b" * 10, ["list"], 42):
        assert not well_formed(token)


def test_a_link_lives_thirty_days():
    assert LINK_VALID_FOR == timedelta(days=30)
    link = StoredLink(expiry(NOW), None, None)
    assert link_state(link, NOW + timedelta(days=29, hours=23)) is LinkState.VALID
    assert link_state(link, NOW + timedelta(days=30)) is LinkState.EXPIRED


def test_unknown_used_and_rated_links():
    assert link_state(None, NOW) is LinkState.UNKNOWN
    assert link_state(StoredLink(expiry(NOW), NOW, "bad"), NOW) is LinkState.RATED
    # rated on another channel (the bot): the link has nothing left to ask
    assert link_state(StoredLink(expiry(NOW), None, "great"), NOW) is LinkState.RATED
    # an old link to a rated ticket says "rated", the more useful answer than "expired"
    assert link_state(StoredLink(NOW - timedelta(days=1), None, "ok"), NOW) is LinkState.RATED


@given(st.text(max_size=5000))
def test_comments_are_trimmed_and_bounded(text):
    cleaned = clean_comment(text)
    assert cleaned is None or (cleaned == cleaned.strip() and 0 < len(cleaned) <= 2000)
    assert clean_comment("   ") is None
