"""SLA decisions: which policy governs a ticket, its due dates, pauses, and its SLA status.

Everything here works on plain values. The Frappe side loads policies and tickets, asks these
functions, and writes the answers back.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import Enum

from .calendar import BusinessCalendar

DEFAULT_PAUSE_STATUSES = frozenset({"Waiting for Customer", "Postponed"})
DONE_STATUSES = frozenset({"Resolved", "Closed"})
# The ticket attributes a policy may be narrowed by, in the order they are reported.
CRITERIA = ("ticket_type", "team", "channel", "priority")


class SlaStatus(str, Enum):
    ON_TRACK = "On Track"
    WARNING = "Warning"
    BREACHED = "Breached"
    PAUSED = "Paused"
    MET = "Met"


class SlaTarget(str, Enum):
    FIRST_RESPONSE = "First Response"
    RESOLUTION = "Resolution"


@dataclass(frozen=True)
class Target:
    """Working minutes allowed for one priority ('' = any priority not listed)."""

    priority: str
    first_response_minutes: int
    resolution_minutes: int


@dataclass(frozen=True)
class TicketFacts:
    """What policy selection looks at."""

    ticket_type: str | None = None
    team: str | None = None
    channel: str | None = None
    priority: str | None = None


@dataclass(frozen=True)
class Policy:
    name: str
    calendar: BusinessCalendar
    targets: tuple[Target, ...]
    ticket_type: str | None = None
    team: str | None = None
    channel: str | None = None
    priority: str | None = None
    is_default: bool = False
    pause_statuses: frozenset[str] = DEFAULT_PAUSE_STATUSES
    warning_minutes: int = 15

    def target_for(self, priority: str | None) -> Target | None:
        fallback = None
        for target in self.targets:
            if target.priority == (priority or ""):
                return target
            if not target.priority:
                fallback = target
        return fallback

    def criteria(self) -> dict[str, str]:
        return {name: getattr(self, name) for name in CRITERIA if getattr(self, name)}


def select_policy(policies: Iterable[Policy], facts: TicketFacts) -> Policy | None:
    """The most specific matching policy that has a target for the ticket's priority.

    A policy matches when every criterion it sets equals the ticket's value; more criteria set
    means more specific. A default policy matches everything but loses to any other match. Ties
    go to the alphabetically first name, so the choice never depends on load order.
    """
    best: tuple[int, str] | None = None
    chosen = None
    for policy in policies:
        if policy.target_for(facts.priority) is None:
            continue
        criteria = policy.criteria()
        if any(getattr(facts, name) != value for name, value in criteria.items()):
            continue
        specificity = -1 if policy.is_default else len(criteria)
        key = (-specificity, policy.name)
        if best is None or key < best:
            best, chosen = key, policy
    return chosen


@dataclass(frozen=True)
class Deadlines:
    first_response_due: datetime
    resolution_due: datetime


def deadlines(
    policy: Policy,
    priority: str | None,
    start: datetime,
    paused_minutes: float = 0.0,
    first_response_paused_minutes: float | None = None,
) -> Deadlines:
    """Due dates counted in working time from `start`, each pushed out by the working time paused
    while that target was still running (see pause_credit): `paused_minutes` for the resolution,
    `first_response_paused_minutes` (default: the same) for the first response."""
    target = policy.target_for(priority)
    if target is None:
        raise ValueError(f"SLA policy {policy.name!r} has no target for priority {priority!r}")
    if first_response_paused_minutes is None:
        first_response_paused_minutes = paused_minutes
    add = policy.calendar.add_working_minutes
    return Deadlines(
        first_response_due=add(start, target.first_response_minutes + first_response_paused_minutes),
        resolution_due=add(start, target.resolution_minutes + paused_minutes),
    )


def paused_working_minutes(calendar: BusinessCalendar, paused_since: datetime, resumed_at: datetime) -> float:
    return max(0.0, calendar.working_minutes_between(paused_since, resumed_at))


def shift_for_pause(calendar: BusinessCalendar, due: datetime, paused_since: datetime, resumed_at: datetime) -> datetime:
    """A due date after a pause: later by exactly the working time the pause covered.

    A deadline that had already passed when the pause began stays where it was: pausing a
    breached ticket does not hide the breach.
    """
    if due <= paused_since:
        return due
    paused = paused_working_minutes(calendar, paused_since, resumed_at)
    return calendar.add_working_minutes(due, paused) if paused > 0 else due


def pause_credit(
    calendar: BusinessCalendar, due: datetime | None, done_on: datetime | None, paused_since: datetime, resumed_at: datetime
) -> float:
    """Working minutes of one pause that count for one target: all of it when the target was still
    running when the pause began, none when it was already met or its deadline had already passed.
    (Met during the pause — an agent's answer while waiting on the customer, resolving a paused
    ticket — still counts: the target was running when the clock stopped.)

    Each target keeps its own total of these (the ticket's paused minutes), and a policy chosen anew
    counts from the opening plus that total. A pause after a breach therefore never adds to it: if it
    did, a later re-selection (a priority change, even to the same targets) would push the missed
    deadline past the pause and the breach would vanish. A longer target chosen after a breach does
    not get those pause minutes either — the conservative reading: a re-selection can make a deadline
    later by its own target, never by time the customer was waited on after the promise was broken.
    """
    if due is None or due <= paused_since or (done_on is not None and done_on <= paused_since):
        return 0.0
    return paused_working_minutes(calendar, paused_since, resumed_at)


@dataclass(frozen=True)
class Clock:
    """The SLA-relevant state of one ticket at one moment."""

    first_response_due: datetime | None
    resolution_due: datetime | None
    first_responded_on: datetime | None = None
    resolved_on: datetime | None = None
    paused: bool = False
    # When the pause began: the clock stands still from then on, so a due date that falls inside
    # the pause is not missed (it moves out when the ticket resumes, see shift_for_pause).
    paused_since: datetime | None = None

    def stopped_at(self, now: datetime) -> datetime:
        """The moment the clock reads: `now`, or when it was paused."""
        return min(now, self.paused_since) if self.paused and self.paused_since else now


def _late(due: datetime | None, done_on: datetime | None, now: datetime) -> bool:
    if due is None:
        return False
    return (done_on or now) > due


def evaluate(clock: Clock, now: datetime, warning_minutes: int) -> SlaStatus | None:
    """The SLA status a ticket shows now; None when no policy governs it."""
    if clock.first_response_due is None and clock.resolution_due is None:
        return None
    first_late = _late(clock.first_response_due, clock.first_responded_on, clock.stopped_at(now))
    resolution_late = _late(clock.resolution_due, clock.resolved_on, clock.stopped_at(now))
    if clock.resolved_on is not None:
        return SlaStatus.BREACHED if first_late or resolution_late else SlaStatus.MET
    if first_late or resolution_late:
        return SlaStatus.BREACHED
    if clock.paused:
        return SlaStatus.PAUSED
    watched = next_deadline(clock)
    if watched and now >= watched[1] - timedelta(minutes=warning_minutes):
        return SlaStatus.WARNING
    return SlaStatus.ON_TRACK


def next_deadline(clock: Clock) -> tuple[SlaTarget, datetime] | None:
    """The deadline that burns next while the ticket is open and running."""
    pending = []
    if clock.first_responded_on is None and clock.first_response_due is not None:
        pending.append((clock.first_response_due, SlaTarget.FIRST_RESPONSE))
    if clock.resolved_on is None and clock.resolution_due is not None:
        pending.append((clock.resolution_due, SlaTarget.RESOLUTION))
    if not pending:
        return None
    due, target = min(pending, key=lambda item: item[0])
    return target, due


@dataclass(frozen=True)
class TimerReading:
    """What the SLA timer on a ticket shows now, in the policy's working time.

    `working_minutes_left` is the working time until `due` (negative: overdue by that much). While
    the clock is paused it is what was left when the pause began, and it does not count down: the
    due dates move out by exactly the paused working time when the ticket resumes. None when there
    is nothing to count (no policy, or every target met).
    """

    status: SlaStatus | None
    target: SlaTarget | None = None
    due: datetime | None = None
    working_minutes_left: float | None = None
    paused: bool = False


def timer(clock: Clock, calendar: BusinessCalendar, now: datetime, warning_minutes: int) -> TimerReading:
    """The timer of one ticket at `now`: its status and the working time left to (or past) the
    deadline that matters — the one breached, else the one that burns next."""
    status = evaluate(clock, now, warning_minutes)
    if status is None or status is SlaStatus.MET:
        return TimerReading(status)
    if status is SlaStatus.BREACHED:
        late = [
            (done is not None, target, due, done or clock.stopped_at(now))
            for target, due, done in (
                (SlaTarget.FIRST_RESPONSE, clock.first_response_due, clock.first_responded_on),
                (SlaTarget.RESOLUTION, clock.resolution_due, clock.resolved_on),
            )
            if _late(due, done, clock.stopped_at(now))
        ]
        _done, target, due, until = min(late, key=lambda item: item[0])  # a running breach before a past one
        return TimerReading(status, target, due, -calendar.working_minutes_between(due, until), clock.paused)
    watched = next_deadline(clock)
    if watched is None:
        return TimerReading(status, paused=clock.paused)
    target, due = watched
    return TimerReading(status, target, due, calendar.working_minutes_between(clock.stopped_at(now), due), clock.paused)


@dataclass(frozen=True)
class Checkpoints:
    """When the sweep should next look at a ticket: moments stored on it and indexed."""

    warning_on: datetime | None
    breach_on: datetime | None


def checkpoints(clock: Clock, status: SlaStatus | None, warning_minutes: int) -> Checkpoints:
    """Warning and breach moments for a running ticket; none once paused, breached or done."""
    if status not in (SlaStatus.ON_TRACK, SlaStatus.WARNING):
        return Checkpoints(None, None)
    watched = next_deadline(clock)
    if watched is None:
        return Checkpoints(None, None)
    due = watched[1]
    # Never after the breach: the sweep finds breaches on the warning moment's index too.
    return Checkpoints(due - timedelta(minutes=max(warning_minutes, 0)), due)


@dataclass(frozen=True)
class Transition:
    """One SLA status change found by the sweep, recorded once under `dedupe_key`."""

    ticket: str
    status: SlaStatus
    target: SlaTarget
    due: datetime

    @property
    def dedupe_key(self) -> str:
        return f"{self.ticket}|{self.status.value}|{self.target.value}|{self.due:%Y-%m-%dT%H:%M:%S}"


@dataclass(frozen=True)
class SweepRow:
    name: str
    first_response_due: datetime | None
    resolution_due: datetime | None
    first_responded_on: datetime | None


def sweep_transitions(rows: Iterable[SweepRow], status: SlaStatus) -> list[Transition]:
    """Transitions for tickets whose checkpoint has come, naming the deadline concerned."""
    out = []
    for row in rows:
        watched = next_deadline(Clock(row.first_response_due, row.resolution_due, row.first_responded_on))
        if watched is not None:
            out.append(Transition(row.name, status, watched[0], watched[1]))
    return out


@dataclass
class Reselection:
    """Why the SLA of a ticket has to be worked out again, if at all."""

    reasons: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.reasons)


def needs_reselection(before: TicketFacts | None, after: TicketFacts) -> Reselection:
    """New tickets, and tickets whose type, team, channel or priority changed, get a policy anew."""
    if before is None:
        return Reselection(["new ticket"])
    return Reselection([name for name in CRITERIA if getattr(before, name) != getattr(after, name)])


# ----- deadlines a person's change moved later ---------------------------------------------------


@dataclass(frozen=True)
class Postponement:
    """One deadline a change moved later, or took away (`new` None: no policy governs the ticket now)."""

    target: SlaTarget
    old: datetime
    new: datetime | None

    @property
    def later_by_minutes(self) -> int | None:
        """Whole minutes later, a started minute counting as one; None when the deadline is gone."""
        if self.new is None:
            return None
        seconds = (self.new - self.old).total_seconds()
        return int(-(-seconds // 60))


def postponements(
    before: dict[SlaTarget, datetime | None],
    after: dict[SlaTarget, datetime | None],
    met: Iterable[SlaTarget] = (),
) -> list[Postponement]:
    """The deadlines that are later after a change than before it (or gone), in target order.

    A deadline already met (first response given, ticket resolved) is no longer a promise to anyone,
    so moving it is not reported; neither is a deadline that moved earlier or did not exist before.
    """
    done = set(met)
    out = []
    for target in SlaTarget:
        old, new = before.get(target), after.get(target)
        if old is None or target in done:
            continue
        if new is None or new > old:
            out.append(Postponement(target, old, new))
    return out


def alert_sla_change(*, by_hand: bool, postponed: bool, by_manager: bool, managers_exempt: bool) -> bool:
    """Whether the managers hear of a change to a ticket's SLA.

    Hand edits of the policy or due dates are always reported: they bypass the policies. Any other
    change by a person (type, team, priority, topic) is reported when it moved a deadline later,
    unless a manager made it and managers' own changes are exempt.
    """
    if by_hand:
        return True
    return postponed and not (by_manager and managers_exempt)
