"""A message names an order of the customer's only by that order's whole number (ERP name or own po_no)."""

from hypothesis import given
from hypothesis import strategies as st

from support_hub.engine.order_mentions import mentioned_order, number_words

ORDERS = [("SAL-ORD-2026-00012", "ЗК-20461"), ("SAL-ORD-2026-00015", None), ("SAL-ORD-2026-00020", "2")]


def test_the_erp_number_in_any_case_after_a_number_sign():
    assert mentioned_order("Где молоко из заказа №SAL-ORD-2026-00012?", ORDERS) == "SAL-ORD-2026-00012"
    assert mentioned_order("заказ # sal-ord-2026-00015, курьер опоздал", ORDERS) == "SAL-ORD-2026-00015"


def test_the_customers_own_number():
    assert mentioned_order("Мой заказ ЗК-20461 привезли без молока.", ORDERS) == "SAL-ORD-2026-00012"
    assert mentioned_order("мой заказ зк-20461", ORDERS) == "SAL-ORD-2026-00012"


def test_a_number_that_is_not_theirs_is_never_linked():
    assert mentioned_order("заказ SAL-ORD-2026-00099 не пришёл", ORDERS) is None
    assert mentioned_order("заказ БК-7713 не пришёл", ORDERS) is None


def test_part_of_a_number_is_not_the_number():
    assert mentioned_order("заказ SAL-ORD-2026-000123", ORDERS) is None
    assert mentioned_order("заказ SAL-ORD-2026-0001", ORDERS) is None
    assert mentioned_order("ORD-2026-00012", ORDERS) is None


def test_a_short_own_number_is_a_quantity_not_an_order():
    assert mentioned_order("привезли 2 пакета вместо трёх", ORDERS) is None


def test_two_orders_named_link_none_and_the_same_twice_links_it():
    assert mentioned_order("SAL-ORD-2026-00012 и SAL-ORD-2026-00015", ORDERS) is None
    assert mentioned_order("SAL-ORD-2026-00012 (он же ЗК-20461)", ORDERS) == "SAL-ORD-2026-00012"


def test_no_orders_or_no_text():
    assert mentioned_order("SAL-ORD-2026-00012", []) is None
    assert mentioned_order("", ORDERS) is None
    assert mentioned_order(None, ORDERS) is None


def test_number_words_keep_inner_separators_and_drop_trailing_punctuation():
    assert number_words("Заказ SAL-ORD-2026-00012, и 3/4 кг, A1.") == ["SAL-ORD-2026-00012", "3/4", "A1"]


@given(st.text(), st.sampled_from(ORDERS[:2]))
def test_an_order_named_by_itself_among_any_words_is_found(noise, order):
    text = f"{noise} {order[0]} {noise}"
    found = mentioned_order(text, ORDERS)
    # Noise may itself name another of the orders, which makes the message ambiguous: then none.
    assert found in (order[0], None)
    if not any(other[0].casefold() in noise.casefold() or (other[1] or "x" * 9).casefold() in noise.casefold()
               for other in ORDERS if other[0] != order[0]):
        assert found == order[0]


@given(st.text())
def test_only_listed_orders_are_ever_returned(text):
    assert mentioned_order(text, ORDERS) in {None, *(name for name, _ in ORDERS)}
