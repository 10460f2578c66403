"""Canned replies offered for a ticket (support_hub.engine.canned_replies): per team, searched by word forms."""

from hypothesis import given
from hypothesis import strategies as st

from support_hub.engine.canned_replies import CannedReply, may_use, names, offered, search

REPLIES = [
    CannedReply("Возврат товара", "Как оформить возврат", "Чтобы вернуть товар, заполните заявление", "Sales"),
    CannedReply("Доставка задерживается", "Ваш заказ в пути", "Заказ доставят в течение двух дней", None),
    CannedReply("Refund issued", "Your refund", "We refunded the payment to your card", "Billing"),
    CannedReply("Пароль", "Сброс пароля", "Откройте ссылку, чтобы сменить пароль", None),
    CannedReply("Банковские реквизиты", "Реквизиты", "Оплата по счёту на банковские реквизиты", "Billing"),
]


def test_a_team_gets_its_own_replies_and_the_shared_ones_never_another_teams():
    assert names(offered(REPLIES, "Sales")) == ["Возврат товара", "Доставка задерживается", "Пароль"]
    assert names(offered(REPLIES, None)) == ["Доставка задерживается", "Пароль"]
    assert not may_use(REPLIES[2], "Sales") and may_use(REPLIES[2], "Billing") and may_use(REPLIES[1], "Sales")


def test_word_forms_find_a_reply_in_any_form_of_the_word():
    assert names(search(REPLIES, "возвраты ", "Sales")) == ["Возврат товара"]
    assert names(search(REPLIES, "вернуть ", "Sales")) == ["Возврат товара"]  # the family of «возврат»
    assert names(search(REPLIES, "доставили ", "Sales")) == ["Доставка задерживается"]
    assert names(search(REPLIES, "refunds ", "Billing")) == ["Refund issued"]
    assert names(search(REPLIES, "паролей ", "Billing")) == ["Пароль"]


def test_every_word_must_be_found_and_look_alikes_do_not_count():
    assert search(REPLIES, "возврат пароля ", "Sales") == []
    assert search(REPLIES, "достать ", "Sales") == []  # «достать» is not «доставка»


def test_the_word_being_typed_matches_as_a_prefix():
    assert names(search(REPLIES, "возвр", "Sales")) == ["Возврат товара"]
    assert names(search(REPLIES, "рекв", "Billing")) == ["Банковские реквизиты"]
    assert search(REPLIES, "рекв ", "Billing") == []  # a finished word is a word, not a prefix


def test_an_empty_query_lists_the_teams_replies_own_first_then_by_name():
    assert names(search(REPLIES, "", "Billing")) == ["Refund issued", "Банковские реквизиты", "Доставка задерживается",
                                                     "Пароль"]


def test_title_matches_rank_above_body_matches():
    replies = [CannedReply("Общий ответ", "", "про оплату счёта", None), CannedReply("Оплата", "", "", None)]
    assert names(search(replies, "оплата ", None)) == ["Оплата", "Общий ответ"]


@given(st.sampled_from(["Sales", "Billing", None, "Other"]), st.text(max_size=20))
def test_search_never_offers_another_teams_reply(team, query):
    for reply in search(REPLIES, query, team):
        assert may_use(reply, team)
