"""Long desk replies as several Telegram messages: engine.message_split."""

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from support_hub.engine.message_split import TELEGRAM_MESSAGE_LIMIT, split_message, utf16_length


def assert_pieces_of(text, pieces, limit):
    """Every piece fits, none is blank, and in order they are the text with only whitespace between."""
    assert all(piece.strip() and utf16_length(piece) <= limit for piece in pieces)
    position = 0
    for piece in pieces:
        found = text.find(piece, position)
        assert found >= 0, piece
        assert not text[position:found].strip(), text[position:found]  # only the dropped whitespace
        position = found + len(piece)
    assert not text[position:].strip()


def test_a_short_text_is_one_message_unchanged():
    assert split_message("  Привет!\n\n") == ["  Привет!\n\n"]
    assert split_message("x" * TELEGRAM_MESSAGE_LIMIT) == ["x" * TELEGRAM_MESSAGE_LIMIT]


def test_cuts_between_paragraphs_first():
    first, second = "Первый абзац. " * 200, "Второй абзац. " * 200
    text = f"{first.strip()}\n\n{second.strip()}"
    assert len(text) > TELEGRAM_MESSAGE_LIMIT
    assert split_message(text) == [first.strip(), second.strip()]


def test_then_between_sentences_then_words_then_hard():
    sentences = "Это предложение номер один. А это — второе, подлиннее" + " слово" * 10
    pieces = split_message(sentences, limit=40)
    assert pieces[0] == "Это предложение номер один."
    assert_pieces_of(sentences, pieces, 40)
    words = "слово " * 20
    assert split_message(words, limit=20)[0] == "слово слово слово"
    assert split_message("a" * 50, limit=20) == ["a" * 20, "a" * 20, "a" * 10]


def test_emoji_count_twice_as_telegram_counts_them():
    text = "😀" * 3000  # 6,000 UTF-16 units
    pieces = split_message(text)
    assert [utf16_length(p) for p in pieces] == [4096, 1904]
    assert "".join(pieces) == text


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.text(alphabet=st.characters(codec="utf-8"), max_size=60),
            st.sampled_from(["\n\n", "\n", ". ", "! ", " ", "  \n \n", "😀", "\t"]),
        ),
        max_size=80,
    ),
    st.integers(min_value=2, max_value=120),
)
def test_any_text_splits_into_fitting_pieces_in_order(parts, limit):
    text = "".join(parts)
    assert_pieces_of(text, split_message(text, limit), limit)


@settings(max_examples=30, deadline=None)
@given(st.lists(st.sampled_from(["Абзац про выплату.", "Ещё строка", "\n", "\n\n", " ", "😀"]), min_size=600, max_size=1500))
def test_real_limit_with_long_replies(parts):
    text = "".join(parts)
    pieces = split_message(text)
    assert_pieces_of(text, pieces, TELEGRAM_MESSAGE_LIMIT)
    assert re.sub(r"\s+", "", "".join(pieces)) == re.sub(r"\s+", "", text)
