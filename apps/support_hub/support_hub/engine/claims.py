"""Rules of the claims desk: who handles a claim, when it is due, which status may follow which, and
which amounts make sense. Nothing here touches the database; the Claim controller asks and stores.

The deadline is the one decision worth reading first (see `claim_deadline`): "N working days" is
counted in whole working days starting the day after the claim arrived, and ends when the office
closes on the Nth of them, the way Russian civil law counts periods (ГК РФ art. 191, 193, 194) and
the way a claims clerk reads "answer within 3 working days".
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from decimal import Decimal

from support_hub.engine.calendar import BusinessCalendar, CalendarError

UTC = timezone.utc
Amount = int | float | Decimal

# --- routing a claim to its handler ------------------------------------------------------------


@dataclass(frozen=True)
class ClaimFacts:
    """What the rules look at. `amount_claimed` None: the customer named no sum (a replacement)."""

    category: str | None
    amount_claimed: Amount | None
    created_at: datetime


@dataclass(frozen=True)
class ClaimRule:
    """Send claims of `category` (None: any) whose amount is within [min_amount, max_amount] (both
    ends included, either end may be open) to `assign_to`. Lower `order` is tried first."""

    name: str
    assign_to: str
    category: str | None = None
    min_amount: Amount | None = None
    max_amount: Amount | None = None
    order: int = 0
    enabled: bool = True

    def matches(self, facts: ClaimFacts) -> bool:
        if not self.enabled:
            return False
        if self.category and not _same_category(self.category, facts.category):
            return False
        if self.min_amount is None and self.max_amount is None:
            return True
        amount = facts.amount_claimed
        if amount is None:
            return False  # an unknown sum satisfies no bound
        above_min = self.min_amount is None or amount >= self.min_amount
        below_max = self.max_amount is None or amount <= self.max_amount
        return above_min and below_max


def _same_category(rule_category: str, claim_category: str | None) -> bool:
    # Categories are Link values, but a stray space or capital in an imported rule must not make
    # the rule silently dead.
    return claim_category is not None and rule_category.strip().casefold() == claim_category.strip().casefold()


def pick_claim_rule(rules: Iterable[ClaimRule], facts: ClaimFacts) -> ClaimRule | None:
    """The first enabled rule, by `order`, whose conditions all hold; None when none does.

    Ties on `order` are broken by rule name, so the answer never depends on the order the database
    happened to return the rules in. Both amount bounds are inclusive: with "max 10 000" on one rule
    and "min 10 000" on the next, a claim of exactly 10 000 goes to whichever has the lower order.
    """
    for rule in sorted(rules, key=lambda r: (r.order, r.name)):
        if rule.matches(facts):
            return rule
    return None


def check_claim_rule(rule: ClaimRule) -> list[str]:
    """What is wrong with a rule as configured (empty when it is usable)."""
    problems = []
    if not rule.assign_to:
        problems.append(f"Rule {rule.name}: nobody to assign claims to")
    for label, value in (("Minimum", rule.min_amount), ("Maximum", rule.max_amount)):
        if value is not None and value < 0:
            problems.append(f"Rule {rule.name}: {label.lower()} amount cannot be negative")
    if rule.min_amount is not None and rule.max_amount is not None and rule.min_amount > rule.max_amount:
        problems.append(f"Rule {rule.name}: minimum amount {rule.min_amount} is above maximum {rule.max_amount}")
    return problems


# --- deadline and reminders --------------------------------------------------------------------

# A calendar with this many days in a row without working time is broken, not merely festive.
_MAX_DAYS_OFF_IN_A_ROW = 366


def claim_deadline(created_at: datetime, calendar: BusinessCalendar, working_days: int = 3) -> datetime:
    """When a claim created at `created_at` must be answered: the end of working hours on the
    `working_days`-th working day after the (local) day it was created. Returned in UTC.

    Why whole days and not N × (minutes of a working day) of working time:
      * it is how the promise reads. "Within 3 working days" of a claim that came on Monday at 17:55
        means "by Thursday evening", not "by Thursday 17:55". Counting from the next day is how
        periods run in Russian law (ГК РФ 191), and a period for acting within an organisation ends
        when its working hours end (ГК РФ 194);
      * the day of arrival never counts, whatever the hour: a claim that came at 09:00 and one that
        came at 23:00 on the same day share a deadline, so nobody games the clock by the hour;
      * working-day length is not a constant: a DST day is an hour longer or shorter in UTC, and
        N × minutes would drift by that hour; here the deadline is always the local closing time.
    Holidays and weekends are simply not working days, so the deadline never falls on one.
    """
    if working_days < 1:
        raise ValueError("working_days must be at least 1")
    if created_at.tzinfo is None:
        raise ValueError("claim_deadline needs a time-zone-aware created_at")
    day = created_at.astimezone(calendar.tz).date()
    counted = days_off_in_a_row = 0
    while True:
        day += timedelta(days=1)
        intervals = calendar.working_intervals_on(day)
        if not intervals:
            days_off_in_a_row += 1
            if days_off_in_a_row > _MAX_DAYS_OFF_IN_A_ROW:
                raise CalendarError("the calendar has no working day ahead (are all days holidays?)")
            continue
        days_off_in_a_row = 0
        counted += 1
        if counted == working_days:
            return intervals[-1][1].astimezone(UTC)


def reminder_moments(
    deadline: datetime, lead_hours: Sequence[float] = (24, 2), after: datetime | None = None
) -> list[datetime]:
    """When to remind the handler: `lead_hours` real (clock) hours before `deadline`, earliest
    first, in UTC. Moments at or before `after` (say, the claim's creation) are dropped: a reminder
    that is already late only adds noise next to the overdue alert.

    Hours are clock hours, not working hours: a reminder is a nudge on a phone, and "24 h before"
    should mean a day before even across a weekend. The arithmetic is done in UTC, so a DST change
    between the reminder and the deadline does not shift it by an hour.
    """
    if deadline.tzinfo is None:
        raise ValueError("reminder_moments needs a time-zone-aware deadline")
    if any(h < 0 for h in lead_hours):
        raise ValueError("lead hours must not be negative")
    end = deadline.astimezone(UTC)
    moments = sorted({end - timedelta(hours=h) for h in lead_hours})
    if after is not None:
        moments = [m for m in moments if m > after]
    return moments


def on_time(deadline: datetime, closed_on: datetime | None) -> bool:
    """True when the claim was closed at or before its deadline. A claim still open is not (yet)
    on time, so an on-time rate is best computed over closed claims only."""
    if closed_on is None:
        return False
    if deadline.tzinfo is None or closed_on.tzinfo is None:
        raise ValueError("on_time needs time-zone-aware datetimes")
    return closed_on <= deadline


# --- statuses ------------------------------------------------------------------------------------

NEW = "New"
IN_REVIEW = "In Review"
WAITING_FOR_CUSTOMER = "Waiting for Customer"
APPROVED = "Approved"
REJECTED = "Rejected"
COMPENSATED = "Compensated"
CLOSED = "Closed"
CLAIM_STATUSES = (NEW, IN_REVIEW, WAITING_FOR_CUSTOMER, APPROVED, REJECTED, COMPENSATED, CLOSED)

claim_status_transitions: dict[str, frozenset[str]] = {
    # Obvious junk can be rejected and duplicates or withdrawn claims closed without a review.
    NEW: frozenset({IN_REVIEW, WAITING_FOR_CUSTOMER, REJECTED, CLOSED}),
    IN_REVIEW: frozenset({WAITING_FOR_CUSTOMER, APPROVED, REJECTED, CLOSED}),
    # The customer answered (back to review) or never did / withdrew (closed). No decision is made
    # while waiting: the answer has to be reviewed first.
    WAITING_FOR_CUSTOMER: frozenset({IN_REVIEW, CLOSED}),
    # Approved is the decision, Compensated the money actually paid; a replacement or repair closes
    # straight from Approved. Back to review when the decision is revised before it is carried out.
    APPROVED: frozenset({COMPENSATED, CLOSED, IN_REVIEW}),
    # A rejection may be appealed, which reopens the review.
    REJECTED: frozenset({CLOSED, IN_REVIEW}),
    # Money paid cannot be un-paid by a status change: the only way on is to close.
    COMPENSATED: frozenset({CLOSED}),
    # Reopening goes through review, never straight to a decision.
    CLOSED: frozenset({IN_REVIEW}),
}


def validate_transition(old: str | None, new: str) -> str | None:
    """An error message when a claim may not go from `old` to `new`, else None.

    `old` None is a claim being created: it starts as New. Staying in the same status is always
    allowed (saving other fields).
    """
    if new not in claim_status_transitions:
        return f"Unknown claim status {new!r}"
    if old is None or old == "":
        return None if new == NEW else f"A new claim starts as {NEW}, not {new}"
    if old not in claim_status_transitions:
        return f"Unknown claim status {old!r}"
    if old == new or new in claim_status_transitions[old]:
        return None
    allowed = ", ".join(s for s in CLAIM_STATUSES if s in claim_status_transitions[old])
    return f"A claim cannot go from {old} to {new} (from {old} it can go to: {allowed})"


# --- amounts -------------------------------------------------------------------------------------

REFUND = "Refund"
COMPENSATION = "Compensation"
REPLACEMENT = "Replacement"
REPAIR = "Repair"
REJECTION = "Rejected"
# Resolutions that pay money out, and therefore need an approved amount.
PAYING_RESOLUTIONS = frozenset({REFUND, COMPENSATION})


def validate_amounts(
    amount_claimed: Amount | None, amount_approved: Amount | None, resolution: str | None
) -> list[str]:
    """Every problem with a claim's amounts (empty when they are consistent).

    `amount_claimed` None means the customer named no sum; then "approved ≤ claimed" cannot be
    checked and is not. `amount_approved` None counts as 0 (nothing approved yet).
    """
    problems = []
    approved = amount_approved if amount_approved is not None else 0
    if amount_claimed is not None and amount_claimed < 0:
        problems.append("Claimed amount cannot be negative")
    if approved < 0:
        problems.append("Approved amount cannot be negative")
    if amount_claimed is not None and approved > amount_claimed >= 0:
        problems.append(f"Approved amount ({_money(approved)}) exceeds the claimed amount ({_money(amount_claimed)})")
    if resolution == REJECTION and approved != 0:
        problems.append(f"A rejected claim cannot have an approved amount ({_money(approved)})")
    if resolution in PAYING_RESOLUTIONS and approved <= 0:
        problems.append(f"A {resolution.lower()} needs an approved amount above zero")
    return problems


def _money(value: Amount) -> str:
    return f"{Decimal(str(value)):,.2f}"


# --- claims on an order's lines ----------------------------------------------------------------
#
# A claim on an order names lines of that order and how much of each went wrong. Prices are never
# typed in: each line is worth the order's own rate, so a claim cannot ask for more than the goods
# cost, and a quantity the customer already returned (or that another claim already covers) cannot
# be claimed twice.

LINE_MISSING = "Missing"
LINE_DAMAGED = "Damaged"
LINE_WRONG_ITEM = "Wrong Item"
LINE_EXPIRED = "Expired"
LINE_LATE = "Late"
LINE_CATEGORIES = (LINE_MISSING, LINE_DAMAGED, LINE_WRONG_ITEM, LINE_EXPIRED, LINE_LATE)

CENT = Decimal("0.01")


def _dec(value: Amount | None) -> Decimal:
    return Decimal(str(value or 0))


def _cents(value: Decimal) -> Decimal:
    return value.quantize(CENT)


@dataclass(frozen=True)
class OrderLine:
    """One line of the order as the books have it. `returned` is what the customer already sent back
    (returns and credit notes), `claimed` what other live claims on this order already cover."""

    line_id: str
    item: str
    qty: Amount
    rate: Amount
    returned: Amount = 0
    claimed: Amount = 0

    @property
    def open_qty(self) -> Decimal:
        """How much of the line may still be claimed."""
        return max(_dec(self.qty) - _dec(self.returned) - _dec(self.claimed), Decimal(0))


@dataclass(frozen=True)
class LineRequest:
    """What the person asks for: this much of that line, for this reason."""

    line_id: str
    qty: Amount
    category: str | None = None


@dataclass(frozen=True)
class ClaimedLine:
    line_id: str
    item: str
    qty: Decimal
    rate: Decimal
    amount: Decimal
    category: str


@dataclass(frozen=True)
class LineProblem:
    """Why a requested line is refused. `kind` is one of the LINE_* codes below; the numbers let the
    caller say it in the user's language. str() is the English sentence."""

    kind: str
    row: int
    item: str = ""
    qty: Decimal = Decimal(0)
    ordered: Decimal = Decimal(0)
    returned: Decimal = Decimal(0)
    claimed: Decimal = Decimal(0)
    available: Decimal = Decimal(0)
    category: str = ""

    def __str__(self) -> str:
        where = f"Row {self.row}" + (f" ({self.item})" if self.item else "")
        if self.kind == NOT_ON_ORDER:
            return f"{where}: this line is not on the order"
        if self.kind == TWICE:
            return f"{where}: the same order line is claimed twice"
        if self.kind == NO_QTY:
            return f"{where}: quantity must be above zero"
        if self.kind == BAD_CATEGORY:
            return f"{where}: unknown category {self.category!r} (one of: {', '.join(LINE_CATEGORIES)})"
        return (
            f"{where}: {_qty(self.qty)} claimed, but only {_qty(self.available)} of {_qty(self.ordered)} "
            f"can be (returned already: {_qty(self.returned)}, in other claims: {_qty(self.claimed)})"
        )


NOT_ON_ORDER = "not_on_order"
TWICE = "twice"
NO_QTY = "no_qty"
BAD_CATEGORY = "bad_category"
TOO_MUCH = "too_much"


def _qty(value: Decimal) -> str:
    return f"{value.normalize():f}"


@dataclass(frozen=True)
class PricedClaim:
    lines: tuple[ClaimedLine, ...]
    total: Decimal
    problems: tuple[LineProblem, ...]


def price_claim_lines(order_lines: Iterable[OrderLine], requests: Sequence[LineRequest]) -> PricedClaim:
    """The claimed lines at the order's rates and their total, or every reason the request is refused.

    A request is refused as a whole when any line is wrong (no partial claims behind the user's back):
    a line not on the order, the same line twice, a quantity of zero or less, an unknown category, or
    more than the line's open quantity (ordered − returned − already claimed elsewhere)."""
    by_id = {line.line_id: line for line in order_lines}
    problems: list[LineProblem] = []
    priced: list[ClaimedLine] = []
    seen: set[str] = set()
    for row, request in enumerate(requests, start=1):
        line = by_id.get(request.line_id)
        if line is None:
            problems.append(LineProblem(NOT_ON_ORDER, row))
            continue
        if request.line_id in seen:
            problems.append(LineProblem(TWICE, row, line.item))
            continue
        seen.add(request.line_id)
        qty = _dec(request.qty)
        if qty <= 0:
            problems.append(LineProblem(NO_QTY, row, line.item, qty=qty))
            continue
        category = request.category or ""
        if category not in LINE_CATEGORIES:
            problems.append(LineProblem(BAD_CATEGORY, row, line.item, category=category))
            continue
        if qty > line.open_qty:
            problems.append(
                LineProblem(
                    TOO_MUCH, row, line.item, qty=qty, ordered=_dec(line.qty), returned=_dec(line.returned),
                    claimed=_dec(line.claimed), available=line.open_qty,
                )
            )
            continue
        rate = _dec(line.rate)
        priced.append(ClaimedLine(line.line_id, line.item, qty, rate, _cents(qty * rate), category))
    if problems:
        return PricedClaim((), Decimal(0), tuple(problems))
    return PricedClaim(tuple(priced), sum((p.amount for p in priced), Decimal(0)), ())


@dataclass(frozen=True)
class RefundProblem:
    """Why a refund is refused; str() is the English sentence."""

    kind: str
    amount: Decimal
    paid: Decimal = Decimal(0)
    refunded: Decimal = Decimal(0)
    limit: Decimal = Decimal(0)

    def __str__(self) -> str:
        if self.kind == NO_AMOUNT:
            return "A refund must be above zero"
        if self.kind == OVER_CLAIM:
            return f"A refund of {_money(self.amount)} is more than the claim's approved {_money(self.limit)}"
        return (
            f"A refund of {_money(self.amount)} is more than the customer paid for the order: paid "
            f"{_money(self.paid)}, refunded already {_money(self.refunded)}, at most {_money(self.limit)} is left"
        )


NO_AMOUNT = "no_amount"
OVER_PAID = "over_paid"
OVER_CLAIM = "over_claim"


def refund_problem(
    amount: Amount, paid: Amount, refunded: Amount, approved: Amount | None = None
) -> RefundProblem | None:
    """Why refunding `amount` on an order is refused, or None.

    `paid` is what the customer paid for the order, `refunded` what was already paid back or is
    waiting to be (draft refunds count: two drafts of the same money must not both be posted).
    `approved`, when given, is the claim's approved amount, which a refund may not exceed either."""
    amount_d = _cents(_dec(amount))
    if amount_d <= 0:
        return RefundProblem(NO_AMOUNT, amount_d)
    if approved is not None and amount_d > _cents(_dec(approved)):
        return RefundProblem(OVER_CLAIM, amount_d, limit=_cents(_dec(approved)))
    paid_d, refunded_d = _cents(_dec(paid)), _cents(_dec(refunded))
    left = max(paid_d - refunded_d, Decimal(0))
    if amount_d > left:
        return RefundProblem(OVER_PAID, amount_d, paid_d, refunded_d, left)
    return None


# --- follow-through: overdue escalation and telling the customer ----------------------------------

# Statuses in which the claim still waits for a decision (the rest are outcomes: the customer has an answer).
UNDECIDED = (NEW, IN_REVIEW, WAITING_FOR_CUSTOMER)


def needs_escalation(status: str, deadline: datetime | None, now: datetime, escalated: bool,
                     postponed_until: datetime | None = None) -> bool:
    """An undecided claim whose deadline has passed goes to the claims lead, once. A claim postponed
    until a moment still to come waits for it (the handler is waiting on purpose); a decided claim, or
    one escalated before (even if it was reopened since), is not escalated again."""
    if escalated or status not in UNDECIDED or deadline is None:
        return False
    if postponed_until is not None and postponed_until > now:
        return False
    return now > deadline


# What the customer is told when a claim reaches a decision, by (status, resolution): one message each.
TELL_APPROVED_REFUND = "approved_refund"
TELL_APPROVED_REPLACEMENT = "approved_replacement"
TELL_APPROVED_COMPENSATION = "approved_compensation"
TELL_APPROVED = "approved"
TELL_COMPENSATED = "compensated"
TELL_REJECTED = "rejected"


def outcome_to_tell(old_status: str | None, new_status: str, resolution: str | None) -> str | None:
    """Which outcome message the customer gets now, or None. Only on the step into a decision (Approved,
    Rejected, Compensated): a save that keeps the status, or Closed (the paperwork after the decision),
    tells nothing new."""
    if new_status == old_status:
        return None
    if new_status == REJECTED:
        return TELL_REJECTED
    if new_status == COMPENSATED:
        return TELL_COMPENSATED
    if new_status == APPROVED:
        return {REFUND: TELL_APPROVED_REFUND, REPLACEMENT: TELL_APPROVED_REPLACEMENT,
                COMPENSATION: TELL_APPROVED_COMPENSATION}.get(resolution or "", TELL_APPROVED)
    return None
