"""The support reports over 100,000 tickets on MariaDB.

Target (reports issue): each report opens in under 2 s on 100,000 tickets. Seeds two years of
tickets with realistic spreads (channels, teams, topics, priorities, statuses, response and
resolution times, SLA outcomes, ratings, assignees) plus ~45,000 Tag Links, then times each
report's execute() cold (first call in the process) and warm (best of three), with the filters a
report opens with (the last eight weeks) and over the whole two years. Everything runs in one
transaction that is rolled back at the end, so the site keeps no benchmark rows; only the report
indexes (support_hub.reports.indexes, DDL) stay, as a migrate would add them.
Run: benchmarks/run.sh (or: cd $BENCH/sites && ../env/bin/python <repo>/benchmarks/bench_reports.py SITE)
"""

import json
import math
import random
import sys
import time as clock
from datetime import timedelta

import frappe

N = 100_000
DAYS = 730
TARGET = 2.0
CHUNK = 5_000

TEAMS = ["Payroll", "Accounting", "Warehouse", "Implementation", "Key Accounts"]
TOPICS = {team: [f"{team} topic {i}" for i in range(1, 5)] for team in TEAMS}
AGENTS = {team: [f"agent{t}{i}@bench.example" for i in range(1, 6)] for t, team in enumerate(TEAMS)}
CHANNELS = (["Email", "Telegram", "Web", "Phone", "Internal"], [40, 30, 15, 10, 5])
TYPES = (["Support", "Implementation", "Development"], [75, 15, 10])
PRIORITIES = {"Urgent": (30, 240), "Today": (60, 480), "Within two days": (240, 2880)}  # minutes: response, resolution
OPEN_STATUSES = (["Open", "In Progress", "Waiting for Customer", "Postponed", "In Development", "Solution Proposed"],
                 [25, 25, 25, 10, 10, 5])
WISHES = [f"wish-{w}" for w in ("dark-mode", "xlsx-export", "mobile-app", "sso", "api-webhooks", "bulk-edit",
                                 "custom-fields", "two-factor", "calendar-sync", "telegram-bot", "reports-pdf", "audit")]
OTHER_TAGS = [f"tag-{i:02d}" for i in range(28)]

TICKET_FIELDS = ["name", "creation", "modified", "owner", "modified_by", "docstatus", "subject", "status", "priority",
                 "ticket_type", "topic", "team", "channel", "raised_by", "opened_on", "first_response_due",
                 "resolution_due", "first_responded_on", "resolved_on", "sla_status", "rating", "rated_on",
                 "rating_excluded", "_assign", "intake_done"]
TAG_LINK_FIELDS = ["name", "creation", "modified", "owner", "modified_by", "docstatus", "document_type",
                   "document_name", "tag", "title"]


def lognormal_minutes(rng: random.Random, median: float, sigma: float) -> float:
    return rng.lognormvariate(math.log(median), sigma)


def ticket_row(i: int, rng: random.Random, now):
    opened = now - timedelta(seconds=rng.uniform(0, DAYS * 86400))
    if opened.weekday() >= 5 and rng.random() < 0.7:  # quieter weekends
        opened -= timedelta(days=2)
    team = rng.choice(TEAMS)
    priority = rng.choices(list(PRIORITIES), [15, 35, 50])[0]
    fr_target, res_target = PRIORITIES[priority]
    fr_due, res_due = opened + timedelta(minutes=fr_target), opened + timedelta(minutes=res_target)

    first = opened + timedelta(minutes=lognormal_minutes(rng, 0.35 * fr_target, 0.8))
    first = first if first < now and rng.random() > 0.02 else None
    resolved = opened + timedelta(minutes=lognormal_minutes(rng, 0.4 * res_target, 0.9))
    resolved = resolved if resolved < now and first is not None and rng.random() > 0.04 else None
    if resolved:
        status = "Closed" if now - resolved > timedelta(days=7) else rng.choice(["Resolved", "Closed"])
    else:
        status = rng.choices(*OPEN_STATUSES)[0]

    fr_late = (first or now) > fr_due
    res_late = (resolved or now) > res_due
    if resolved:
        sla_status = "Breached" if fr_late or res_late else "Met"
    elif fr_late or res_late:
        sla_status = "Breached"
    else:
        sla_status = "Paused" if status in ("Waiting for Customer", "Postponed") else "On Track"

    rating = rated_on = None
    excluded = 0
    if resolved and rng.random() < 0.35:
        rated_on = resolved + timedelta(minutes=rng.uniform(5, 2 * 24 * 60))
        if rated_on < now:
            rating = rng.choices(["great", "ok", "bad"], [70, 20, 10])[0]
            excluded = int(rng.random() < 0.02)
        else:
            rated_on = None

    assign = None
    if rng.random() < 0.9:
        people = rng.sample(AGENTS[team], 2 if rng.random() < 0.05 else 1)
        assign = json.dumps(people)

    name = f"BENCH-R-{i:06d}"
    return (
        name, opened, opened, "Administrator", "Administrator", 0, f"Benchmark ticket {i}", status, priority,
        rng.choices(*TYPES)[0], rng.choice(TOPICS[team]), team, rng.choices(*CHANNELS)[0],
        f"customer{rng.randint(1, 8000)}@bench.example", opened, fr_due, res_due, first, resolved, sla_status,
        rating, rated_on, excluded, assign, 1,
    ), opened


def seed(now) -> tuple[int, int]:
    rng = random.Random(20261127)
    for team in TEAMS:
        if not frappe.db.exists("Support Team", team):
            frappe.get_doc({"doctype": "Support Team", "team_name": team}).insert(ignore_permissions=True)
        for topic in TOPICS[team]:
            if not frappe.db.exists("Ticket Topic", topic):
                frappe.get_doc({"doctype": "Ticket Topic", "topic_name": topic, "team": team, "enabled": 1}).insert(
                    ignore_permissions=True
                )
    tag_rows = [(t, now, now, "Administrator", "Administrator", 0) for t in WISHES + OTHER_TAGS]
    frappe.db.bulk_insert("Tag", ["name", "creation", "modified", "owner", "modified_by", "docstatus"], tag_rows,
                          ignore_duplicates=True)

    tickets, links = [], []
    wish_weights = [1 / (k + 1) for k in range(len(WISHES))]  # a few wishes are asked for far more often
    for i in range(N):
        row, opened = ticket_row(i, rng, now)
        tickets.append(row)
        if rng.random() < 0.3:
            chosen = {rng.choices(WISHES, wish_weights)[0] if rng.random() < 0.4 else rng.choice(OTHER_TAGS)
                      for _ in range(rng.choice([1, 1, 2]))}
            for tag in chosen:
                at = opened + timedelta(minutes=rng.uniform(1, 240))
                links.append((f"BENCH-TL-{len(links):07d}", at, at, "Administrator", "Administrator", 0, "Ticket",
                              row[0], tag, row[6]))
        if len(tickets) >= CHUNK:
            frappe.db.bulk_insert("Ticket", TICKET_FIELDS, tickets, chunk_size=CHUNK)
            tickets = []
    frappe.db.bulk_insert("Ticket", TICKET_FIELDS, tickets, chunk_size=CHUNK)
    frappe.db.bulk_insert("Tag Link", TAG_LINK_FIELDS, links, chunk_size=CHUNK)
    return N, len(links)


def timed(fn):
    began = clock.perf_counter()
    result = fn()
    return clock.perf_counter() - began, result


def rows_of(result) -> int:
    if isinstance(result, tuple | list):
        return len(result[1] or [])
    return 1


def main(site: str) -> None:
    frappe.init(site=site, sites_path=".")
    frappe.connect()
    frappe.set_user("Administrator")
    from support_hub.reports.indexes import add_report_indexes

    add_report_indexes()  # DDL commits: before the benchmark transaction begins
    frappe.db.commit()
    try:
        now = frappe.utils.now_datetime().replace(microsecond=0)
        began = clock.perf_counter()
        tickets, links = seed(now)
        print(f"reports: seeded {tickets:,} tickets over {DAYS} days and {links:,} tag links "
              f"in {clock.perf_counter() - began:.1f} s")
        print("reports: tickets in the last 8 weeks: {:,}, open now: {:,}, rated: {:,}".format(
            frappe.db.sql("select count(*) from `tabTicket` where opened_on >= %s", now - timedelta(weeks=8))[0][0],
            frappe.db.sql("select count(*) from `tabTicket` where resolved_on is null")[0][0],
            frappe.db.sql("select count(*) from `tabTicket` where rated_on is not null")[0][0],
        ))
        plan = frappe.db.sql(
            "explain select team, count(*) from `tabTicket` where opened_on >= %s and opened_on < %s group by team",
            (now - timedelta(weeks=8), now), as_dict=True,
        )
        print(f"reports: opened_on range uses index {plan[0].get('key')!r}, rows examined ~{plan[0].get('rows')}")

        from support_hub.reports import cards, digest
        from support_hub.support_hub.report.customer_satisfaction import customer_satisfaction
        from support_hub.support_hub.report.open_tickets_at_week_end import open_tickets_at_week_end
        from support_hub.support_hub.report.response_times import response_times
        from support_hub.support_hub.report.sla_compliance import sla_compliance
        from support_hub.support_hub.report.tag_trends import tag_trends
        from support_hub.support_hub.report.ticket_volume import ticket_volume

        two_years = {"from_date": (now - timedelta(days=DAYS)).date(), "to_date": now.date()}
        cases = [
            ("SLA Compliance by week", sla_compliance.execute, {"group_by": "Week"}),
            ("SLA Compliance by agent", sla_compliance.execute, {"group_by": "Agent"}),
            ("Customer Satisfaction by agent", customer_satisfaction.execute, {"group_by": "Agent"}),
            ("Customer Satisfaction by team", customer_satisfaction.execute, {"group_by": "Team"}),
            ("Response Times by team", response_times.execute, {"group_by": "Team"}),
            ("Response Times by agent", response_times.execute, {"group_by": "Agent"}),
            ("Ticket Volume by week", ticket_volume.execute, {"period": "Week"}),
            ("Ticket Volume by day and topic", ticket_volume.execute, {"period": "Day", "group_by": "Topic"}),
            ("Open Tickets at Week End", open_tickets_at_week_end.execute, {}),
            ("Tag Trends (wish-*) over time", tag_trends.execute, {}),
            ("Tag Trends (wish-*) per tag", tag_trends.execute, {"view": "Per Tag"}),
        ]
        failed = 0
        print(f"{'report':<34} {'range':<9} {'rows':>5} {'cold s':>7} {'warm s':>7}  result (target < {TARGET:.0f} s)")
        for label, execute, filters in cases:
            for range_label, extra in (("8 weeks", {}), ("2 years", two_years)):
                cold, result = timed(lambda: execute(frappe._dict({**filters, **extra})))
                warm = min(timed(lambda: execute(frappe._dict({**filters, **extra})))[0] for _ in range(3))
                ok = cold < TARGET and warm < TARGET
                failed += not ok
                print(f"{label:<34} {range_label:<9} {rows_of(result):>5} {cold:>7.3f} {warm:>7.3f}  "
                      f"{'PASS' if ok else 'FAIL'}")

        last_monday = digest.previous_week_monday(now)
        for label, fn in (("weekly digest (build_digest)", lambda: digest.build_digest(last_monday)),
                          ("CSAT number card", cards.csat_great_share_this_month)):
            cold, result = timed(fn)
            warm = min(timed(fn)[0] for _ in range(3))
            ok = cold < TARGET and warm < TARGET
            failed += not ok
            print(f"{label:<34} {'':<9} {'':>5} {cold:>7.3f} {warm:>7.3f}  {'PASS' if ok else 'FAIL'}")
        built = digest.build_digest(last_monday)
        print(f"reports: digest {built['iso_week']}: new {built['new']}, resolved {built['resolved']}, "
              f"open at end {built['open_at_end']}, SLA met {built['sla_met_share']:.0%}, "
              f"great {built['csat_great_share']:.0%}")
        print(f"reports: {'all PASS' if not failed else f'{failed} FAIL'}")
    finally:
        frappe.db.rollback()
        frappe.destroy()


if __name__ == "__main__":
    main(sys.argv[1])
