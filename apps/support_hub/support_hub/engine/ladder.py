"""The waiting-for-customer ladder: while a ticket waits on the customer, remind them, then warn that
the ticket will close, then close it.

Each step's delay counts from the previous step's *due* moment (the first from `waiting_since`), not
from when a scheduler happened to run it, so a late or restarted scheduler does not stretch the
ladder. A step counts wall-clock time, or working time of a BusinessCalendar when `working_time`.

State lives with the caller: `waiting_since` and the names of the steps already done. A customer
reply resets the ladder: the caller clears `steps_done` and sets a new `waiting_since` when the
ticket next waits on the customer. step_key() includes `waiting_since`, so a new waiting period gets
fresh dedupe keys and an old period's keys can never block it.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from .calendar import BusinessCalendar

REMIND = "Remind"
NOTIFY_CLOSING = "Notify Closing"
CLOSE = "Close"
ACTIONS = (REMIND, NOTIFY_CLOSING, CLOSE)


@dataclass(frozen=True)
class LadderStep:
    name: str  # unique within a ladder: it is what steps_done records
    after_minutes: float  # after the previous step's due moment (the first: after waiting_since)
    working_time: bool
    action: str  # one of ACTIONS
    template: str | None = None  # the message template, if the action sends one


def check_ladder(steps: Sequence[LadderStep]) -> list[str]:
    """Problems with a ladder, as sentences for a form; empty when it is usable."""
    problems = []
    seen = set()
    for step in steps:
        if step.name in seen:
            problems.append(f"step name {step.name} is used twice")
        seen.add(step.name)
        if step.after_minutes < 0:
            problems.append(f"step {step.name} has a negative delay")
        if step.action not in ACTIONS:
            problems.append(f"step {step.name} has an unknown action {step.action}")
    return problems


def schedule(
    steps: Sequence[LadderStep], waiting_since: datetime, calendar: BusinessCalendar | None = None
) -> list[tuple[LadderStep, datetime]]:
    """Every step with the moment it falls due (UTC), in ladder order."""
    if waiting_since.tzinfo is None:
        raise ValueError("waiting_since must be time-zone aware")
    out = []
    moment = waiting_since.astimezone(timezone.utc)
    for step in steps:
        if step.working_time:
            if calendar is None:
                raise ValueError(f"step {step.name} counts working time but no calendar was given")
            moment = calendar.add_working_minutes(moment, step.after_minutes)
        else:
            moment = moment + timedelta(minutes=step.after_minutes)
        out.append((step, moment))
    return out


def due_steps(
    steps: Sequence[LadderStep],
    waiting_since: datetime,
    steps_done: Collection[str],
    now: datetime,
    calendar: BusinessCalendar | None = None,
) -> list[LadderStep]:
    """The steps due at `now` that are not in `steps_done`, in ladder order.

    Safe to call late, twice, or after a restart: given the names already done it returns each step
    once. It stops at the first step not yet due, so a step never comes before an earlier one has
    been done or is returned in the same call. A scheduler that was down for days gets all overdue
    steps at once; it should carry them out (or mark them done) in the order given.
    """
    problems = check_ladder(steps)
    if problems:
        raise ValueError("; ".join(problems))
    if now.tzinfo is None:
        raise ValueError("now must be time-zone aware")
    done = set(steps_done)
    out = []
    for step, due in schedule(steps, waiting_since, calendar):
        if due > now:
            break
        if step.name not in done:
            out.append(step)
    return out


def step_key(ticket: str, waiting_since: datetime, step: LadderStep | str) -> str:
    """A key unique to one step of one waiting period of one ticket: store it with a unique index
    (or check it before acting) so two schedulers racing cannot both send the same reminder."""
    if waiting_since.tzinfo is None:
        raise ValueError("waiting_since must be time-zone aware")
    name = step.name if isinstance(step, LadderStep) else step
    since = waiting_since.astimezone(timezone.utc).strftime("%Y%m%dT%H%M%S.%fZ")
    return f"{ticket}/{since}/{name}"
