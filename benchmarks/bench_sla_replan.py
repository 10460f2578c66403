"""Re-planning 100,000 open tickets after their SLA Policy changed, on MariaDB, end to end.

Target (issue #12): under 5 s from reading the tickets to the last write — new deadlines, status,
checkpoints and next deadline on every ticket, an SLA Event for each deadline that moved (a holiday and
longer targets move every deadline still running; passed ones stay), and the transitions' events and alerts. Runs inside a bench against a real site,
committing per batch as the background job does; every row it made is deleted at the end.
Run: benchmarks/run.sh (or: cd $BENCH/sites && ../env/bin/python <repo>/benchmarks/bench_sla_replan.py SITE)
"""

import sys
import time as clock
from datetime import date, datetime, timedelta

import frappe

N = 100_000
POLICY = "BENCH Replan"
MADE: dict[str, list[str]] = {"Email Queue": [], "Telegram Outbox": []}  # the escalation's, removed at the end


def seed(now: datetime) -> None:
    """Open tickets as saving them under the policy before the change left them: deadlines, status
    and checkpoints by the engine's own rules (engine.sla), committed."""
    from support_hub.engine.sla import Clock, checkpoints, deadlines, evaluate, next_deadline
    from support_hub.sla.policies import enabled_policies, forget_cached_policies
    from support_hub.system_time import to_aware, to_naive

    forget_cached_policies()
    policy = enabled_policies()[POLICY]
    fields = ["name", "creation", "modified", "owner", "modified_by", "docstatus", "subject", "status", "channel",
              "sla_policy", "opened_on", "sla_status", "first_response_due", "resolution_due", "sla_warning_on",
              "sla_breach_on", "next_due"]
    rows = []
    for i in range(N):
        opened = now - timedelta(minutes=i % 600, seconds=i % 7)  # within the last ten hours: most still running
        due = deadlines(policy, None, to_aware(opened))
        clock_ = Clock(due.first_response_due, due.resolution_due)
        status = evaluate(clock_, to_aware(now), policy.warning_minutes)
        marks = checkpoints(clock_, status, policy.warning_minutes)
        rows.append((f"BENCH-R{i:06d}", opened, opened, "Administrator", "Administrator", 0, f"Benchmark ticket {i}",
                     "Open", "Email", POLICY, opened, status.value, to_naive(due.first_response_due),
                     to_naive(due.resolution_due), to_naive(marks.warning_on) if marks.warning_on else None,
                     to_naive(marks.breach_on) if marks.breach_on else None, to_naive(next_deadline(clock_)[1])))
    frappe.db.bulk_insert("Ticket", fields, rows, chunk_size=5000)
    frappe.db.commit()


def remove_rows() -> None:
    """Everything the benchmark made (also what an interrupted run left)."""
    frappe.db.rollback()
    frappe.db.sql("delete from `tabSLA Event` where ticket like 'BENCH-R%%'")
    frappe.db.sql("delete from `tabTelegram Outbox` where reference_doctype = 'Ticket' and reference_name like 'BENCH-R%%'")
    frappe.db.sql("delete from `tabComment` where reference_doctype = 'SLA Policy' and reference_name = %s", POLICY)
    frappe.db.sql("delete from `tabTicket` where name like 'BENCH-R%%'")
    for child in ("SLA Target", "SLA Business Hours", "SLA Holiday"):
        frappe.db.sql(f"delete from `tab{child}` where parent = %s", POLICY)
    frappe.db.sql("delete from `tabSLA Replan` where policy = %s", POLICY)
    frappe.db.sql("delete from `tabSLA Policy` where name = %s", POLICY)
    if MADE["Email Queue"]:
        frappe.db.delete("Email Queue Recipient", {"parent": ["in", MADE["Email Queue"]]})
    for doctype, names in MADE.items():
        if names:
            frappe.db.delete(doctype, {"name": ["in", names]})
    frappe.db.commit()


def _time_phases(replan) -> dict[str, float]:
    """Wrap the re-plan's phases (read, engine, write, the transitions' SLA Events, their alerts and escalations) to add up the time each takes.
    The writes and the transitions' SLA Events run on the job's writer connections side by side: their
    times are summed over those connections, so they add up to more than the wall-clock time."""
    phases = {"read": 0.0, "engine": 0.0, "write": 0.0, "transitions": 0.0, "alerts and escalations": 0.0}

    def timed(name, fn):
        def run(*args, **kwargs):
            began = clock.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                phases[name] += clock.perf_counter() - began
        return run

    replan.open_tickets = timed("read", replan.open_tickets)
    replan.sla_replan.replan = timed("engine", replan.sla_replan.replan)  # this process only
    replan.write_batch = timed("write", replan.write_batch)
    replan.record_transitions = timed("transitions", replan.record_transitions)
    replan.notify_transitions = timed("alerts and escalations", replan.notify_transitions)
    return phases


def main(site: str) -> None:
    from support_hub.sla import replan

    frappe.init(site=site, sites_path=".")
    frappe.connect()
    remove_rows()  # an interrupted run's
    # The team chat alerts are part of what a mass breach costs: on for the run whatever the test suite
    # left (the outbox rows are queued only, never sent), as they were.
    telegram_was = frappe.db.get_single_value("Telegram Settings", "enabled")
    frappe.db.set_single_value("Telegram Settings", "enabled", 1)
    if not frappe.db.get_single_value("Telegram Settings", "team_chat_id"):
        print("sla replan: Telegram Settings has no team chat: no chat alerts to count")
    frappe.db.commit()
    try:
        now = datetime(2031, 3, 4, 12, 0)  # a Tuesday
        frappe.get_doc({
            "doctype": "SLA Policy", "policy_name": POLICY, "channel": "Internal", "time_zone": "Europe/Berlin",
            "warning_minutes": 15,
            "targets": [{"priority": "", "first_response_minutes": 150, "resolution_minutes": 960}],
            "business_hours": [{"weekday": d, "start_time": "08:00:00", "end_time": "18:00:00"}
                               for d in ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")],
        }).insert(ignore_permissions=True)
        began = clock.perf_counter()
        seed(now)
        print(f"sla replan: seeded {N:,} open tickets in {clock.perf_counter() - began:.1f} s")

        policy = frappe.get_doc("SLA Policy", POLICY)
        policy.append("holidays", {"holiday_date": date(2031, 3, 5), "description": "Benchmark holiday"})
        policy.targets[0].first_response_minutes = 180
        policy.targets[0].resolution_minutes = 1200
        policy.save(ignore_permissions=True)  # the re-plan job is run here, as the worker runs it

        phases = _time_phases(replan)
        began = clock.perf_counter()
        counts = replan.replan_policy(POLICY, changed_by="Administrator", commit=True, now=now)
        elapsed = clock.perf_counter() - began
        print("sla replan: of which " + ", ".join(f"{name} {seconds:.2f} s" for name, seconds in phases.items())
              + f" (write and transitions summed over {replan.WRITERS} writer connections)")
        events = frappe.db.count("SLA Event", {"ticket": ["like", "BENCH-R%"], "event": "Changed"})
        transitions = frappe.db.count("SLA Event", {"ticket": ["like", "BENCH-R%"], "event": ["!=", "Changed"]})
        alerts = frappe.db.count("Telegram Outbox", {"reference_name": ["like", "BENCH-R%"]})
        print(f"sla replan: {counts['tickets']:,} open tickets, {counts['changed']:,} changed, {counts['moved']:,} "
              f"deadlines moved ({events:,} SLA Events; {transitions:,} Warning/Breached transitions, "
              f"{alerts:,} team alerts queued) in {elapsed:.3f} s = {counts['tickets'] / elapsed:,.0f} "
              f"tickets/s (target 100,000 in < 5 s) {'PASS' if elapsed < 5 else 'FAIL'}")

        began = clock.perf_counter()
        counts = replan.replan_policy(POLICY, changed_by="Administrator", commit=False, now=now)
        print(f"sla replan: again, nothing to change: {counts['changed']} changed in "
              f"{clock.perf_counter() - began:.3f} s")

        # What this database writes right now, for reading the figures above on a busy machine: the
        # cheapest possible UPDATE of the same rows (one plain column, no index), with no engine at all.
        began = clock.perf_counter()
        frappe.db.sql("update `tabTicket` set resolution_due = resolution_due + interval 1 second "
                      "where name like 'BENCH-R%%'")
        print(f"sla replan: for comparison, a bare one-column UPDATE of the same {N:,} rows took "
              f"{clock.perf_counter() - began:.3f} s")
        frappe.db.rollback()

        # The other way round: a much shorter first-response target breaches most running tickets at
        # once, and each breach is escalated (claim, team chat alert, the managers' e-mail).
        policy = frappe.get_doc("SLA Policy", POLICY)
        policy.targets[0].first_response_minutes = 30
        policy.save(ignore_permissions=True)
        mail_since = frappe.utils.now_datetime()
        phases.update(dict.fromkeys(phases, 0.0))
        began = clock.perf_counter()
        counts = replan.replan_policy(POLICY, changed_by="Administrator", commit=True, now=now)
        elapsed = clock.perf_counter() - began
        print("sla replan, target shortened: of which " + ", ".join(
            f"{name} {seconds:.2f} s" for name, seconds in phases.items()))
        escalated = frappe.db.count("SLA Event", {"ticket": ["like", "BENCH-R%"], "event": "Escalated"})
        # The chat alerts and the managers' e-mails: about one ticket, or a summary naming none.
        for doctype in MADE:
            MADE[doctype].extend(frappe.get_all(doctype, filters={"creation": [">=", mail_since]}, or_filters=[
                ["reference_name", "like", "BENCH-R%"], ["reference_name", "is", "not set"]], pluck="name"))
        print(f"sla replan, target shortened: {counts['changed']:,} changed, {escalated:,} breaches escalated "
              f"({len(MADE['Telegram Outbox'])} team chat messages, {len(MADE['Email Queue'])} e-mails to the "
              f"managers) in {elapsed:.3f} s")
    finally:
        remove_rows()
        frappe.db.set_single_value("Telegram Settings", "enabled", telegram_was)
        frappe.db.commit()
        frappe.destroy()


if __name__ == "__main__":
    main(sys.argv[1])
