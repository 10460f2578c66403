"""The every-minute SLA sweep over 100,000 open tickets on MariaDB.

Target (issue #2): one sweep in under 2 s. Runs inside a bench against a real site, in one
transaction that is rolled back at the end, so the site keeps no benchmark rows.
Run: benchmarks/run.sh (or: cd $BENCH/sites && ../env/bin/python <repo>/benchmarks/bench_sla_sweep.py SITE)
"""

import sys
import time as clock
from datetime import datetime, timedelta

import frappe

N = 100_000
WARN_SHARE, BREACH_SHARE = 0.01, 0.005


def seed(now: datetime) -> None:
    fields = ["name", "creation", "modified", "owner", "modified_by", "docstatus", "subject", "status", "channel",
              "opened_on", "sla_status", "first_response_due", "resolution_due", "sla_warning_on", "sla_breach_on"]
    rows = []
    for i in range(N):
        if i < N * BREACH_SHARE:
            breach = now - timedelta(minutes=1 + i % 30)
        elif i < N * (BREACH_SHARE + WARN_SHARE):
            breach = now + timedelta(minutes=1 + i % 10)
        else:
            breach = now + timedelta(minutes=30 + i % 5000)
        rows.append((f"BENCH-{i:06d}", now, now, "Administrator", "Administrator", 0, f"Benchmark ticket {i}",
                     "Open", "Email", now - timedelta(hours=2), "On Track", breach, breach + timedelta(hours=8),
                     breach - timedelta(minutes=15), breach))
    frappe.db.bulk_insert("Ticket", fields, rows, chunk_size=5000)


def main(site: str) -> None:
    from support_hub.engine.sla import SlaStatus
    from support_hub.sla import sweep

    frappe.init(site=site, sites_path=".")
    frappe.connect()
    try:
        now = datetime(2031, 3, 3, 12, 0)
        began = clock.perf_counter()
        seed(now)
        print(f"sla sweep: seeded {N:,} open tickets in {clock.perf_counter() - began:.1f} s")
        # The breach query as the sweep builds it.
        ticket = frappe.qb.DocType("Ticket")
        query = frappe.qb.from_(ticket).select(ticket.name).where(sweep._due_condition(ticket, SlaStatus.BREACHED, now))
        plan = frappe.db.sql(f"explain {query.get_sql()}", as_dict=True)
        print(f"sla sweep: breach query uses index {plan[0].get('key')!r}, rows examined ~{plan[0].get('rows')}")

        began = clock.perf_counter()
        counts = sweep.run(now=now, commit=False)
        elapsed = clock.perf_counter() - began
        print(f"sla sweep: {N:,} open tickets, {counts} transitions in {elapsed:.3f} s "
              f"(target < 2 s) {'PASS' if elapsed < 2 else 'FAIL'}")

        began = clock.perf_counter()
        counts = sweep.run(now=now, commit=False)
        elapsed = clock.perf_counter() - began
        print(f"sla sweep: steady state (nothing due) {counts} in {elapsed * 1000:.1f} ms")
    finally:
        frappe.db.rollback()
        frappe.destroy()


if __name__ == "__main__":
    main(sys.argv[1])
