"""A claim on an order's lines: priced at the order's rates, refused when it asks for more than is
left of a line, and a refund never above what the customer paid (engine.claims, no Frappe)."""

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from support_hub.engine.claims import (
    BAD_CATEGORY,
    LINE_CATEGORIES,
    NO_AMOUNT,
    NO_QTY,
    NOT_ON_ORDER,
    OVER_CLAIM,
    OVER_PAID,
    TOO_MUCH,
    TWICE,
    LineRequest,
    OrderLine,
    price_claim_lines,
    refund_problem,
)

MILK = OrderLine("so-1", "Milk 1 l", qty=3, rate=Decimal("89.90"))
BREAD = OrderLine("so-2", "Bread", qty=1, rate=45)
EGGS = OrderLine("so-3", "Eggs 10", qty=2, rate=Decimal("119.50"), returned=1)
ORDER = [MILK, BREAD, EGGS]


def test_lines_are_priced_at_the_order_rates():
    priced = price_claim_lines(ORDER, [LineRequest("so-1", 2, "Missing"), LineRequest("so-2", 1, "Damaged")])
    assert priced.problems == ()
    assert [(line.item, line.qty, line.amount, line.category) for line in priced.lines] == [
        ("Milk 1 l", Decimal(2), Decimal("179.80"), "Missing"),
        ("Bread", Decimal(1), Decimal("45.00"), "Damaged"),
    ]
    assert priced.total == Decimal("224.80")


def test_fractional_quantities_are_rounded_to_kopecks():
    cheese = OrderLine("so-9", "Cheese by weight", qty=Decimal("0.734"), rate=Decimal("899.00"))
    priced = price_claim_lines([cheese], [LineRequest("so-9", Decimal("0.734"), "Expired")])
    assert priced.total == Decimal("659.87")  # 659.866 -> 659.87


def test_returned_quantity_cannot_be_claimed_again():
    priced = price_claim_lines(ORDER, [LineRequest("so-3", 2, "Damaged")])
    assert priced.lines == () and priced.total == 0
    (problem,) = priced.problems
    assert problem.kind == TOO_MUCH and problem.available == 1 and problem.returned == 1
    assert str(problem) == "Row 1 (Eggs 10): 2 claimed, but only 1 of 2 can be (returned already: 1, in other claims: 0)"
    assert price_claim_lines(ORDER, [LineRequest("so-3", 1, "Damaged")]).total == Decimal("119.50")


def test_quantity_in_another_claim_cannot_be_claimed_again():
    claimed = OrderLine("so-1", "Milk 1 l", qty=3, rate=Decimal("89.90"), claimed=2)
    assert price_claim_lines([claimed], [LineRequest("so-1", 2, "Missing")]).problems[0].kind == TOO_MUCH
    assert price_claim_lines([claimed], [LineRequest("so-1", 1, "Missing")]).problems == ()


def test_every_wrong_row_is_reported_and_nothing_is_priced():
    priced = price_claim_lines(
        ORDER,
        [
            LineRequest("so-404", 1, "Missing"),
            LineRequest("so-1", 1, "Missing"),
            LineRequest("so-1", 1, "Missing"),
            LineRequest("so-2", 0, "Missing"),
            LineRequest("so-3", 1, "Stolen"),
        ],
    )
    assert [p.kind for p in priced.problems] == [NOT_ON_ORDER, TWICE, NO_QTY, BAD_CATEGORY]
    assert [p.row for p in priced.problems] == [1, 3, 4, 5]
    assert priced.lines == () and priced.total == 0
    assert "not on the order" in str(priced.problems[0])
    assert "Stolen" in str(priced.problems[3]) and "Missing" in str(priced.problems[3])


def test_a_claim_needs_a_category_per_line():
    assert price_claim_lines(ORDER, [LineRequest("so-1", 1, None)]).problems[0].kind == BAD_CATEGORY


quantities = st.decimals(min_value=0, max_value=50, places=3, allow_nan=False, allow_infinity=False)
rates = st.decimals(min_value=0, max_value=5000, places=2, allow_nan=False, allow_infinity=False)


@st.composite
def orders_and_requests(draw):
    lines = []
    for i in range(draw(st.integers(1, 6))):
        qty = draw(quantities)
        returned = draw(st.decimals(min_value=0, max_value=qty, places=3))
        claimed = draw(st.decimals(min_value=0, max_value=qty, places=3))
        lines.append(OrderLine(f"so-{i}", f"item {i}", qty, draw(rates), returned, claimed))
    picked = draw(st.lists(st.sampled_from(lines), unique_by=lambda line: line.line_id))
    requests = [
        LineRequest(line.line_id, draw(st.decimals(min_value=0, max_value=60, places=3)), draw(st.sampled_from(LINE_CATEGORIES)))
        for line in picked
    ]
    return lines, requests


@given(orders_and_requests())
def test_a_claim_is_priced_exactly_when_every_line_fits(case):
    lines, requests = case
    by_id = {line.line_id: line for line in lines}
    priced = price_claim_lines(lines, requests)
    fits = all(0 < Decimal(r.qty) <= by_id[r.line_id].open_qty for r in requests)
    assert (priced.problems == ()) == fits
    if fits:
        assert priced.total == sum((line.amount for line in priced.lines), Decimal(0))
        # Never more than the open goods are worth (each line rounds by at most half a kopeck).
        ceiling = sum((by_id[r.line_id].open_qty * Decimal(by_id[r.line_id].rate) for r in requests), Decimal(0))
        assert priced.total <= ceiling + Decimal("0.005") * len(requests)
        assert all(line.rate == Decimal(by_id[line.line_id].rate) for line in priced.lines)
    else:
        assert priced.lines == () and priced.total == 0


def test_a_refund_within_what_was_paid_passes():
    assert refund_problem(500, paid=1000, refunded=500) is None
    assert refund_problem(Decimal("0.01"), paid=Decimal("0.01"), refunded=0) is None


def test_refunding_more_than_was_paid_is_refused_with_the_numbers():
    problem = refund_problem(600, paid=1000, refunded=500)
    assert problem.kind == OVER_PAID and problem.limit == 500
    assert str(problem) == (
        "A refund of 600.00 is more than the customer paid for the order: paid 1,000.00, "
        "refunded already 500.00, at most 500.00 is left"
    )
    assert refund_problem(1, paid=0, refunded=0).kind == OVER_PAID  # unpaid order: nothing to give back


def test_a_refund_is_above_zero_and_within_the_approved_amount():
    assert refund_problem(0, paid=100, refunded=0).kind == NO_AMOUNT
    assert refund_problem(-5, paid=100, refunded=0).kind == NO_AMOUNT
    assert refund_problem(80, paid=100, refunded=0, approved=50).kind == OVER_CLAIM


money = st.decimals(min_value=-100, max_value=100000, places=2, allow_nan=False, allow_infinity=False)


@given(money, money, money)
def test_a_refund_passes_exactly_when_it_fits_what_is_left(amount, paid, refunded):
    problem = refund_problem(amount, paid, refunded)
    assert (problem is None) == (0 < amount <= max(paid - refunded, 0))
