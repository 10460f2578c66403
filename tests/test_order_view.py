"""An order's lines recounted from its delivery notes: a shortfall is not a return, a return is not a shortfall."""

from hypothesis import given
from hypothesis import strategies as st

from support_hub.engine.order_view import DELIVERED, PENDING, SHORT, line_view, money_view

LINES = [{"line": "milk", "qty": 3}, {"line": "bread", "qty": 1}]


def by_line(view):
    return {row["line"]: row for row in view}


def test_nothing_delivered_yet_is_pending_not_short():
    view = by_line(line_view(LINES, []))
    assert {k: (v["state"], v["missing"]) for k, v in view.items()} == {"milk": (PENDING, 0), "bread": (PENDING, 0)}


def test_a_short_delivery_is_short_on_that_line_only():
    view = by_line(line_view(LINES, [{"line": "milk", "qty": 2}, {"line": "bread", "qty": 1}]))
    assert (view["milk"]["state"], view["milk"]["missing"], view["milk"]["delivered"]) == (SHORT, 1, 2)
    assert view["bread"]["state"] == DELIVERED


def test_a_returned_item_stays_delivered_and_counts_as_returned():
    rows = [{"line": "milk", "qty": 3}, {"line": "bread", "qty": 1}, {"line": "milk", "qty": -1, "is_return": 1}]
    milk = by_line(line_view(LINES, rows))["milk"]
    assert (milk["state"], milk["delivered"], milk["returned"], milk["missing"]) == (DELIVERED, 3, 1, 0)


def test_a_line_left_out_of_a_delivered_order_is_short_by_all_of_it():
    bread = by_line(line_view(LINES, [{"line": "milk", "qty": 3}]))["bread"]
    assert (bread["state"], bread["missing"]) == (SHORT, 1)


def test_money_invoiced_less_credit_notes_paid_refunded_outstanding():
    money = money_view(
        [{"grand_total": 418.8, "outstanding": 0}, {"grand_total": -95, "is_return": 1, "outstanding": 0},
         {"grand_total": 497, "outstanding": 497}],
        [{"payment_type": "Receive", "amount": 419}, {"payment_type": "Pay", "amount": 95}],
    )
    assert money == {"invoiced": 915.8, "credited": 95, "paid": 419, "refunded": 95, "outstanding": 497}


@given(st.lists(st.tuples(st.sampled_from(["milk", "bread"]), st.integers(1, 5), st.booleans()), max_size=8))
def test_returns_never_change_delivered_or_missing(deliveries):
    rows = [{"line": line, "qty": -qty if is_return else qty, "is_return": is_return} for line, qty, is_return in deliveries]
    without_returns = [r for r in rows if not r["is_return"]]
    with_, without = by_line(line_view(LINES, rows)), by_line(line_view(LINES, without_returns))
    for line in with_:
        assert (with_[line]["delivered"], with_[line]["missing"]) == (without[line]["delivered"], without[line]["missing"])
        assert with_[line]["missing"] == 0 or with_[line]["state"] == SHORT
