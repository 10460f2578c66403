"""SLA clock: due-date computations per second with business hours, a lunch break and holidays.

Target (issue #2): 100,000 computations in under 1 s.
Run: PYTHONPATH=apps/support_hub python benchmarks/bench_sla_clock.py
"""

import random
import time as clock
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from support_hub.engine.calendar import BusinessCalendar, weekly_hours

N = 100_000
TZ = ZoneInfo("Europe/Moscow")


def main() -> None:
    holidays = [date(2026, 1, d) for d in range(1, 9)] + [date(2026, 5, 1), date(2026, 5, 9), date(2026, 6, 12)]
    calendar = BusinessCalendar(
        TZ, weekly_hours(range(5), time(9), time(13)) + weekly_hours(range(5), time(14), time(18)), holidays
    )
    rng = random.Random(2)
    base = datetime(2026, 1, 1, tzinfo=TZ)
    starts = [base + timedelta(minutes=rng.randrange(0, 365 * 24 * 60)) for _ in range(N)]
    targets = [rng.choice((15, 60, 240, 480, 2400)) for _ in range(N)]

    began = clock.perf_counter()
    for start, minutes in zip(starts, targets):
        calendar.add_working_minutes(start, minutes)
    elapsed = clock.perf_counter() - began
    print(f"sla clock: {N:,} due dates in {elapsed:.3f} s = {N / elapsed:,.0f} per second "
          f"(target: {N:,} in < 1 s) {'PASS' if elapsed < 1 else 'FAIL'}")

    began = clock.perf_counter()
    for start, minutes in zip(starts, targets):
        calendar.working_minutes_between(start, start + timedelta(minutes=minutes * 3))
    elapsed = clock.perf_counter() - began
    print(f"sla clock: {N:,} working-time spans in {elapsed:.3f} s = {N / elapsed:,.0f} per second")


if __name__ == "__main__":
    main()
