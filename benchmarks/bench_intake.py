"""Intake end to end against a bare insert, interleaved in one run on one site.

Target (issue #15): a ticket done end to end (inserted and committed as a request would, then routed,
assigned round robin, tagged and its auto-reply queued for sending by the intake drain) at least at
ERPNext Issue's bare insert rate on the same site, under the same SLA: ratio >= 1.0. "The same SLA", as
the issue measured it: for the run, ERPNext tracks a Service Level Agreement on Issue with the targets,
working days and holidays of the SLA Policy the benchmark's tickets get (ERPNext plans an Issue's
response_by and resolution_by on insert, as support_hub plans a ticket's deadlines). The ratio against
an Issue without any SLA is printed beside it. Where ERPNext is not installed it says so and prints the
rate against a bare Ticket insert (the request alone, no intake work) instead.
Rounds alternate (Issue with the SLA, Issue without, bare Ticket, end-to-end Ticket, ...) so a loaded,
shared machine slows all of them alike; the ratio is of the summed times. The drain runs in this process (the job's body,
without the queue), and everything made is removed at the end.
Run: benchmarks/run.sh (or: cd $BENCH/sites && ../env/bin/python <repo>/benchmarks/bench_intake.py SITE [ROUNDS] [PER_ROUND])
"""

import os
import sys
import time as clock

import frappe

from support_hub.testing import remove_intake_work

ROUNDS = 5
PER_ROUND = 40
MARK = "bench-e2e"
AGENTS = [f"sh-bench-e2e-agent{i}@example.com" for i in range(3)]
TEAM = "Bench E2E Team"
RULE = "Bench e2e payroll"
REPLY = "Bench e2e reply"
ISSUE_SLA = "Bench e2e SLA"
HOLIDAYS = "Bench e2e holidays"
TICKET_PRIORITY = "Today"  # what RULE sets, so the target the tickets' deadlines come from


def prepare() -> None:
    """A team of agents, a rule that tags, sets priority and assigns round robin, an auto-reply."""
    for email in AGENTS:
        if not frappe.db.exists("User", email):
            user = frappe.get_doc({"doctype": "User", "email": email, "first_name": email.split("@")[0],
                                   "send_welcome_email": 0})
            user.append("roles", {"role": "Support Agent"})
            user.insert(ignore_permissions=True)
    if not frappe.db.exists("Support Team", TEAM):
        frappe.get_doc({"doctype": "Support Team", "team_name": TEAM,
                        "members": [{"user": a, "active": 1} for a in AGENTS]}).insert(ignore_permissions=True)
    if not frappe.db.exists("Routing Rule", RULE):
        frappe.get_doc({"doctype": "Routing Rule", "rule_name": RULE, "keywords": "зарплата\npayroll", "sequence": 0,
                        "set_priority": "Today", "add_tags": MARK, "assign_to_team": TEAM,
                        "team_strategy": "Round Robin"}).insert(ignore_permissions=True)
    if not frappe.db.exists("Auto Reply", REPLY):
        frappe.get_doc({"doctype": "Auto Reply", "reply_name": REPLY, "send_when": "Any", "language": "en",
                        "template": "Ticket {{ doc.name }}: we answer {{ due_human }}."}).insert(ignore_permissions=True)
    frappe.db.commit()


def prepare_issue_sla() -> str:
    """ERPNext's SLA on Issue mirroring the default SLA Policy (the tickets' own): its target for the
    tickets' priority on every Issue priority, its business hours as service days, its holidays.
    Returns the Support Settings' tracking flag as found, for teardown."""
    policy = frappe.db.get_value("SLA Policy", {"is_default": 1, "enabled": 1}, "name")
    targets = {row.priority or "": row for row in frappe.get_all(
        "SLA Target", filters={"parent": policy, "parenttype": "SLA Policy"},
        fields=["priority", "first_response_minutes", "resolution_minutes"])}
    target = targets.get(TICKET_PRIORITY) or targets.get("")
    hours = frappe.get_all("SLA Business Hours", filters={"parent": policy, "parenttype": "SLA Policy"},
                           fields=["weekday", "start_time", "end_time"])
    holidays = frappe.get_all("SLA Holiday", filters={"parent": policy, "parenttype": "SLA Policy"},
                              pluck="holiday_date")
    year = frappe.utils.getdate().year
    if not frappe.db.exists("Holiday List", HOLIDAYS):
        frappe.get_doc({"doctype": "Holiday List", "holiday_list_name": HOLIDAYS, "from_date": f"{year - 1}-01-01",
                        "to_date": f"{year + 1}-12-31",
                        "holidays": [{"holiday_date": d, "description": "SLA Policy holiday"} for d in holidays
                                     if year - 1 <= d.year <= year + 1]}).insert(ignore_permissions=True)
    tracking = frappe.db.get_single_value("Support Settings", "track_service_level_agreement")
    frappe.db.set_single_value("Support Settings", "track_service_level_agreement", 1)  # the SLA validates it
    if not frappe.db.exists("Service Level Agreement", {"service_level": ISSUE_SLA}):
        priorities = frappe.get_all("Issue Priority", pluck="name")
        frappe.get_doc({
            "doctype": "Service Level Agreement", "service_level": ISSUE_SLA, "document_type": "Issue",
            "enabled": 1, "default_service_level_agreement": 1, "holiday_list": HOLIDAYS, "apply_sla_for_resolution": 1,
            "default_priority": priorities[0],
            "priorities": [{"priority": p, "response_time": target.first_response_minutes * 60,
                            "resolution_time": target.resolution_minutes * 60, "default_priority": int(p == priorities[0])}
                           for p in priorities],
            "support_and_resolution": [{"workday": h.weekday, "start_time": h.start_time, "end_time": h.end_time}
                                       for h in hours],
            "sla_fulfilled_on": [{"status": "Resolved"}, {"status": "Closed"}],
        }).insert(ignore_permissions=True)
    frappe.db.commit()
    return str(tracking or 0)


def issue_sla(on: bool) -> None:
    """ERPNext's SLA on Issue on or off between rounds, as ERPNext's own state would be with or without an
    agreement: the tracking flag and its cached list of doctypes an agreement applies to."""
    frappe.db.set_single_value("Support Settings", "track_service_level_agreement", int(on))
    frappe.cache().hset("service_level_agreement", "active", ["Issue"] if on else [])
    frappe.db.commit()


def teardown_issue_sla(tracking: str) -> None:
    from erpnext.support.doctype.service_level_agreement.service_level_agreement import (
        set_documents_with_active_service_level_agreement,
    )

    frappe.db.rollback()
    for name in frappe.get_all("Service Level Agreement", filters={"service_level": ISSUE_SLA}, pluck="name"):
        frappe.delete_doc("Service Level Agreement", name, force=True, ignore_permissions=True)
    if frappe.db.exists("Holiday List", HOLIDAYS):
        frappe.delete_doc("Holiday List", HOLIDAYS, force=True, ignore_permissions=True)
    frappe.db.set_single_value("Support Settings", "track_service_level_agreement", int(tracking))
    frappe.db.commit()
    set_documents_with_active_service_level_agreement()


def teardown() -> None:
    """What prepare() made: the rule, the auto-reply, the team and the users, so the site is left as found."""
    frappe.db.rollback()
    for doctype, name in (("Routing Rule", RULE), ("Auto Reply", REPLY), ("Support Team", TEAM)):
        if frappe.db.exists(doctype, name):
            frappe.delete_doc(doctype, name, force=True, ignore_permissions=True)
    for user in AGENTS:
        try:
            if frappe.db.exists("User", user):
                frappe.delete_doc("User", user, force=True, ignore_permissions=True)
            frappe.db.commit()
        except Exception as e:
            frappe.db.rollback()
            print(f"intake e2e: could not remove {user}: {e}", flush=True)
    frappe.db.commit()


def cleanup(issues: list[str]) -> None:
    frappe.db.rollback()
    names = frappe.db.sql_list("select name from tabTicket where subject like %s", f"{MARK} %")
    for i in range(0, len(names), 500):
        remove_intake_work(names[i : i + 500])  # the tickets, and all their intake made
    for i in range(0, len(issues), 500):
        frappe.db.delete("Issue", {"name": ["in", issues[i : i + 500]]})
        frappe.db.delete("Comment", {"reference_doctype": "Issue", "reference_name": ["in", issues[i : i + 500]]})
    # the agents' assignment notifications and their mail (Frappe's notification mail names no ticket)
    mails = frappe.db.sql_list("select distinct parent from `tabEmail Queue Recipient` where recipient in %(a)s",
                               {"a": AGENTS})
    for i in range(0, len(mails), 500):
        frappe.db.delete("Email Queue Recipient", {"parent": ["in", mails[i : i + 500]]})
        frappe.db.delete("Email Queue", {"name": ["in", mails[i : i + 500]]})
    frappe.db.delete("Notification Log", {"for_user": ["in", AGENTS]})
    frappe.db.commit()


def new_ticket(i: int, tag: str) -> str:
    doc = frappe.get_doc({"doctype": "Ticket", "subject": f"{MARK} {tag} {i}: не пришла зарплата",
                          "description": f"<p>Payroll issue number {i}</p>", "channel": "Email",
                          "raised_by": f"e2e-{tag}-{i}-{frappe.generate_hash(length=6)}@example.com"})
    doc.insert(ignore_permissions=True)
    frappe.db.commit()  # as a request would: the hand-over to the intake drain runs after this
    return doc.name


def new_issue(i: int) -> str:
    doc = frappe.get_doc({"doctype": "Issue", "subject": f"{MARK} issue {i}: payroll did not arrive",
                          "description": f"<p>Payroll issue number {i}</p>",
                          "raised_by": f"e2e-issue-{i}-{frappe.generate_hash(length=6)}@example.com"})
    doc.insert(ignore_permissions=True)
    frappe.db.commit()
    return doc.name


def main(site: str, rounds: int, per_round: int) -> None:
    frappe.init(site=site, sites_path=".")
    frappe.connect()
    frappe.set_user("Administrator")
    from support_hub.automation import assignment, intake

    for hook in frappe.get_hooks("before_job"):  # the drain runs here as a job would: after the jobs' hooks
        frappe.get_attr(hook)()
    prepare()
    cleanup([])
    with_erpnext = "erpnext" in frappe.get_installed_apps()
    # The drain's body runs right here; no job goes on the shared queue for these tickets.
    queue_drain = intake.wake
    intake.wake = lambda: None
    handed_over = intake.queue
    # The assignees' notifications are a job of their own, not part of "end to end": here they are kept
    # and written after each timed round, in this process, so no job outlives the run.
    notices: list = []
    queue_notices = assignment.queue_notices

    def keep_notices():
        notices.extend(frappe.flags.support_hub_assignment_notices or [])
        (frappe.flags.support_hub_assignment_notices or []).clear()

    assignment.queue_notices = keep_notices
    notify_time = 0.0
    issues: list[str] = []
    spent = {"issue": 0.0, "issue_bare": 0.0, "bare": 0.0, "e2e": 0.0}
    done = {"issue": 0, "issue_bare": 0, "bare": 0, "e2e": 0}
    tracking = prepare_issue_sla() if with_erpnext else None
    load = os.getloadavg()
    print(f"intake e2e on {site}: {os.cpu_count()} cores, load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}; "
          f"{rounds} rounds of {per_round}", flush=True)
    try:
        for i in range(3):  # warm caches on every path
            if with_erpnext:
                for on in (True, False):
                    issue_sla(on)
                    issues.append(new_issue(-i))
            new_ticket(-i, "warm")
        if with_erpnext:
            issue_sla(True)
            sla_applied = frappe.db.get_value("Issue", issues[-2], "service_level_agreement")
            if not sla_applied:
                print("intake e2e: INVALID: ERPNext applied no SLA to the Issue", flush=True)
        intake.process_pending()
        assignment.notify_all(notices)
        notices.clear()
        for r in range(rounds):
            if with_erpnext:
                for key, on in (("issue", True), ("issue_bare", False)):
                    issue_sla(on)
                    began = clock.perf_counter()
                    issues += [new_issue(r * per_round + i) for i in range(per_round)]
                    spent[key] += clock.perf_counter() - began
                    done[key] += per_round

            intake.queue = lambda ticket: None  # the request alone
            try:
                began = clock.perf_counter()
                for i in range(per_round):
                    new_ticket(r * per_round + i, "bare")
                spent["bare"] += clock.perf_counter() - began
                done["bare"] += per_round
            finally:
                intake.queue = handed_over

            began = clock.perf_counter()
            for i in range(per_round):
                new_ticket(r * per_round + i, "e2e")
            worked = intake.process_pending()
            spent["e2e"] += clock.perf_counter() - began
            done["e2e"] += per_round
            began = clock.perf_counter()
            assignment.notify_all(notices)
            frappe.db.commit()
            notify_time += clock.perf_counter() - began
            notices.clear()
            if worked != per_round:
                print(f"round {r}: the drain worked {worked} of {per_round}", flush=True)
    finally:
        intake.wake = queue_drain
        intake.queue = handed_over
        assignment.queue_notices = queue_notices

    frappe.db.rollback()
    like = f"{MARK} e2e %"
    finished = frappe.db.sql(
        """select count(*) from tabTicket t where t.subject like %s and t.intake_done = 1 and t._assign like '%%@%%'
        and t._user_tags like %s and exists (select 1 from `tabEmail Queue` q join tabCommunication c on q.communication = c.name
        where c.reference_name = t.name)""", (like, f"%{MARK}%"),
    )[0][0]
    failed = frappe.db.sql(
        """select count(*), max(l.reason) from `tabSupport Automation Log` l join tabTicket t on t.name = l.ticket
        where t.subject like %s and l.automation = 'Intake' and l.action = 'failed'""", (like,),
    )[0]
    if failed[0]:
        print(f"intake e2e: INVALID: intake failed for {failed[0]} tickets ({failed[1]}); the rates below time "
              f"failures", flush=True)
    # Frappe's Error Logs of those failures go with the tickets
    frappe.db.delete("Error Log", {"reference_doctype": "Ticket", "reference_name": ["in", frappe.db.sql_list(
        "select name from tabTicket where subject like %s", f"{MARK} %") or [""]]})
    rate = {k: done[k] / spent[k] for k in spent if spent[k]}
    print(f"intake e2e: bare Ticket insert {rate['bare']:.1f}/s ({1000 / rate['bare']:.1f} ms), end to end "
          f"{rate['e2e']:.1f}/s ({1000 / rate['e2e']:.1f} ms): routed, assigned, tagged and auto-reply queued for "
          f"{finished}/{done['e2e']} tickets; the assignees' notifications, a job of their own, "
          f"{1000 * notify_time / done['e2e']:.1f} ms a ticket more", flush=True)
    if with_erpnext:
        ratio = rate["e2e"] / rate["issue"]
        print(f"intake e2e: ERPNext Issue bare insert under the same SLA {rate['issue']:.1f}/s "
              f"({1000 / rate['issue']:.1f} ms), without an SLA {rate['issue_bare']:.1f}/s "
              f"({1000 / rate['issue_bare']:.1f} ms)", flush=True)
        print(f"intake e2e: end to end / Issue under the same SLA = {ratio:.2f} (target >= 1.0) "
              f"{'PASS' if ratio >= 1.0 else 'FAIL'}; end to end / Issue without an SLA = "
              f"{rate['e2e'] / rate['issue_bare']:.2f}; bare Ticket / Issue under the same SLA = "
              f"{rate['bare'] / rate['issue']:.2f}, without = {rate['bare'] / rate['issue_bare']:.2f}", flush=True)
    else:
        print(f"intake e2e: ERPNext is not installed on {site}: no Issue to compare with; end to end / bare Ticket "
              f"insert = {rate['e2e'] / rate['bare']:.2f}", flush=True)
    load = os.getloadavg()
    print(f"intake e2e: load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f} after the run", flush=True)
    cleanup(issues)
    if with_erpnext:
        teardown_issue_sla(tracking)
    teardown()
    frappe.destroy()


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else ROUNDS,
         int(sys.argv[3]) if len(sys.argv) > 3 else PER_ROUND)
