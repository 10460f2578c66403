"""SLA targets as managers write them — minutes, hours or working days — and as the clock counts them:
working minutes. A working day is the policy's own: the working minutes of an average day that has
business hours (Mon–Fri 09:00–18:00 makes a working day 540 minutes), so "2 working days" means two of
the policy's days, not 48 hours."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime, time

from support_hub.engine.calendar import WorkingHours

UNITS = ("Minutes", "Hours", "Working Days")


def _minutes_of(start: time, end: time) -> float:
    base = datetime(2000, 1, 1)
    minutes = (datetime.combine(base, end) - datetime.combine(base, start)).total_seconds() / 60
    # A day written as 00:00–23:59:59 is the whole day: the last second counts.
    return minutes + (1 / 60 if end == time(23, 59, 59) else 0)


def working_day_minutes(hours: Iterable[WorkingHours]) -> int:
    """The working minutes of the policy's average working day (0 when it has no hours)."""
    per_day: dict[int, float] = defaultdict(float)
    for h in hours:
        per_day[h.weekday] += max(0.0, _minutes_of(h.start, h.end))
    days = [m for m in per_day.values() if m > 0]
    return round(sum(days) / len(days)) if days else 0


def target_minutes(amount: float, unit: str, day_minutes: int) -> int:
    """Working minutes for a target written as `amount` `unit`."""
    if unit not in UNITS:
        raise ValueError(f"unknown unit {unit!r}")
    if unit == "Working Days" and day_minutes <= 0:
        raise ValueError("a policy without business hours has no working day")
    factor = {"Minutes": 1, "Hours": 60, "Working Days": day_minutes}[unit]
    return round(amount * factor)


def written_as(minutes: int, day_minutes: int) -> tuple[float, str]:
    """How to show stored minutes to a person: whole working days, else whole hours, else minutes."""
    if day_minutes and minutes and minutes % day_minutes == 0:
        return minutes // day_minutes, "Working Days"
    if minutes and minutes % 60 == 0:
        return minutes // 60, "Hours"
    return minutes, "Minutes"
