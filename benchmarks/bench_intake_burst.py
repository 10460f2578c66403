"""An outage burst over REST, served the way setup serves the site: every ticket routed, assigned,
tagged and its auto-reply queued for sending, soon after it arrives, exactly once.

Targets (issue #15), on the worker setup setup.sh gives `bench start` (scripts/common.sh worker_args):
  burst      1,000 tickets from 16 clients as fast as they go: every one fully processed within 60 s
             of the last request;
  sustained  20 tickets/s: p95 from POST to auto-reply queued (its Email Queue row) < 5 s; the
             distribution is printed;
  kill       the burst again, the workers SIGKILLed in its middle and started again: every ticket
             processed exactly once (one ToDo, one auto-reply Communication and Email Queue row, one
             routing log row each), nothing missing.
The site is served with scripts/common.sh serve_site (gunicorn + the workers), as the HTTP tests do, and
warmed up by a few tickets (and the jobs they queue) before the first phase; each later phase starts once
the jobs the one before left queued have run.
Run: benchmarks/run.sh, or as the bench user in $BENCH/sites:
  ../env/bin/python <repo>/benchmarks/bench_intake_burst.py SITE [burst|sustained|kill ...]
Everything it makes is removed at the end (and at the start, after an interrupted run).
"""

import os
import signal
import subprocess
import sys
import tempfile
import threading
import time as clock
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime

import frappe
import requests

BURST = 1_000
SUSTAINED = 600
RATE = 20  # tickets/s in the sustained phase
CLIENTS = 16
WARM_UP = 2 * CLIENTS  # tickets, at WARM_UP_RATE/s, before the first phase
WARM_UP_RATE = 8
FINISH_WITHIN = 60  # s after the last request
P95_TARGET = 5.0  # s
MARK = "bench-burst"
API_USER = "sh-bench-burst-api@example.com"
AGENTS = [f"sh-bench-burst-agent{i}@example.com" for i in range(3)]
TEAM = "Bench Burst Team"
RULE = "Bench burst outage"
REPLY = "Bench burst reply"


def repo_root() -> str:
    return os.environ.get("SUPPORT_HUB_REPO") or os.path.dirname(os.path.dirname(os.path.realpath("../apps/support_hub")))


def shell(script: str, *args: str) -> str:
    """A function of scripts/common.sh, as setup and the test command run it."""
    # Its output goes through a file, not a pipe: the workers it starts would hold a pipe open.
    with tempfile.TemporaryFile("w+") as out:
        subprocess.run(["bash", "-c", f'source "{repo_root()}/scripts/common.sh" >/dev/null; {script}', "_", *args],
                       check=True, stdout=out)
        out.seek(0)
        return out.read().strip()


def connect(site: str) -> None:
    frappe.init(site=site, sites_path=".")
    frappe.connect()
    frappe.set_user("Administrator")


def prepare() -> str:
    """An API user, a team of agents, a rule that tags, sets priority and assigns round robin, an auto-reply."""
    for email in (API_USER, *AGENTS):
        if not frappe.db.exists("User", email):
            user = frappe.get_doc({"doctype": "User", "email": email, "first_name": email.split("@")[0],
                                   "send_welcome_email": 0})
            user.append("roles", {"role": "Support Agent"})
            user.insert(ignore_permissions=True)
    user = frappe.get_doc("User", API_USER)
    secret = frappe.generate_hash(length=15)
    user.api_key = user.api_key or frappe.generate_hash(length=15)
    user.api_secret = secret
    user.save(ignore_permissions=True)
    if not frappe.db.exists("Support Team", TEAM):
        frappe.get_doc({"doctype": "Support Team", "team_name": TEAM,
                        "members": [{"user": a, "active": 1} for a in AGENTS]}).insert(ignore_permissions=True)
    if not frappe.db.exists("Routing Rule", RULE):
        frappe.get_doc({"doctype": "Routing Rule", "rule_name": RULE, "keywords": "outage\nсбой", "sequence": 0,
                        "set_priority": "Today", "add_tags": MARK, "assign_to_team": TEAM,
                        "team_strategy": "Round Robin"}).insert(ignore_permissions=True)
    if not frappe.db.exists("Auto Reply", REPLY):
        frappe.get_doc({"doctype": "Auto Reply", "reply_name": REPLY, "send_when": "Any", "language": "en",
                        "template": "Ticket {{ doc.name }}: we answer {{ due_human }}."}).insert(ignore_permissions=True)
    frappe.db.commit()
    return f"token {user.api_key}:{secret}"


def teardown() -> None:
    """What prepare() made: the rule, the auto-reply, the team and the users, so the site is left as found."""
    frappe.db.rollback()
    for doctype, name in (("Routing Rule", RULE), ("Auto Reply", REPLY), ("Support Team", TEAM)):
        if frappe.db.exists(doctype, name):
            frappe.delete_doc(doctype, name, force=True, ignore_permissions=True)
    for user in [API_USER, *AGENTS]:
        try:
            if frappe.db.exists("User", user):
                frappe.delete_doc("User", user, force=True, ignore_permissions=True)
            frappe.db.commit()
        except Exception as e:  # a notification job still writing for them
            frappe.db.rollback()
            print(f"intake burst: could not remove {user}: {e}", flush=True)
    frappe.db.commit()


def cleanup() -> None:
    frappe.db.rollback()
    names = frappe.db.sql_list("select name from tabTicket where subject like %s", f"{MARK} %")
    for i in range(0, len(names), 500):
        chunk = names[i : i + 500]
        queued = frappe.db.sql_list("select name from `tabEmail Queue` where reference_name in %(n)s", {"n": chunk})
        if queued:
            frappe.db.delete("Email Queue Recipient", {"parent": ["in", queued]})
        comms = frappe.db.sql_list("select name from tabCommunication where reference_name in %(n)s", {"n": chunk})
        if comms:
            frappe.db.delete("Communication Link", {"parent": ["in", comms]})
        contacts = frappe.db.sql_list("select contact from tabTicket where name in %(n)s and contact is not null", {"n": chunk})
        for table, column in (("Support Automation Log", "ticket"), ("SLA Event", "ticket"),
                              ("Communication", "reference_name"), ("Comment", "reference_name"),
                              ("ToDo", "reference_name"), ("Tag Link", "document_name"), ("Email Queue", "reference_name"),
                              ("Notification Log", "document_name"), ("Ticket", "name")):
            frappe.db.delete(table, {column: ["in", chunk]})
        if contacts:
            frappe.db.delete("Contact Email", {"parent": ["in", contacts]})
            frappe.db.delete("Contact", {"name": ["in", contacts]})
    # the agents' assignment notifications and their mail (Frappe's notification mail names no ticket)
    mails = frappe.db.sql_list("select distinct parent from `tabEmail Queue Recipient` where recipient in %(a)s",
                               {"a": AGENTS})
    for i in range(0, len(mails), 500):
        frappe.db.delete("Email Queue Recipient", {"parent": ["in", mails[i : i + 500]]})
        frappe.db.delete("Email Queue", {"name": ["in", mails[i : i + 500]]})
    frappe.db.delete("Notification Log", {"for_user": ["in", AGENTS]})
    frappe.db.commit()


def post(session, url, site, auth, i, sent_at):
    payload = {"subject": f"{MARK} {i}: outage, nothing works", "description": f"<p>Outage report {i}</p>",
               "channel": "Email", "raised_by": f"burst-{i}-{uuid.uuid4().hex[:8]}@example.com"}
    for attempt in range(3):
        try:
            sent_at[i] = datetime.now()
            r = session.post(url, json=payload, headers={"Authorization": auth, "Host": site}, timeout=120)
            return r.status_code, (r.json().get("data") or {}).get("name") if r.status_code == 200 else r.text[:200]
        except requests.ConnectionError:
            clock.sleep(0.5 * (attempt + 1))
    return 0, None


def send(base, site, auth, count, rate=None, on_progress=None):
    """POST `count` tickets from CLIENTS threads, paced at `rate`/s when given; returns
    ({ticket: sent_at}, failures, seconds)."""
    url = f"{base}/api/resource/Ticket"
    sessions = [requests.Session() for _ in range(CLIENTS)]
    sent_at, done, lock = {}, [0], threading.Lock()
    began = clock.monotonic()

    def one(i):
        if rate:
            delay = began + i / rate - clock.monotonic()
            if delay > 0:
                clock.sleep(delay)
        result = post(sessions[i % CLIENTS], url, site, auth, i, sent_at)
        with lock:
            done[0] += 1
            if on_progress:
                on_progress(done[0])
        return i, result

    with ThreadPoolExecutor(CLIENTS) as pool:
        results = list(pool.map(one, range(count)))
    elapsed = clock.monotonic() - began
    tickets = {name: sent_at[i] for i, (code, name) in results if code == 200}
    failures = [(code, name) for i, (code, name) in results if code != 200]
    return tickets, failures, elapsed


def processed(names) -> int:
    frappe.db.rollback()  # a fresh snapshot: see what the workers committed
    return frappe.db.sql("select count(*) from tabTicket where name in %(n)s and intake_done = 1", {"n": list(names)})[0][0]


def wait_processed(names, limit) -> float | None:
    began = clock.monotonic()
    while clock.monotonic() - began < limit:
        if processed(names) == len(names):
            return clock.monotonic() - began
        clock.sleep(0.5)
    return None


def counts(names) -> dict:
    """Per ticket: ToDos, auto-reply Communications, their Email Queue rows, routing log rows."""
    frappe.db.rollback()
    n = {"n": list(names)}
    per = {name: {"todo": 0, "reply": 0, "queued": 0, "routing": 0, "done": 0} for name in names}
    for name, c in frappe.db.sql("select reference_name, count(*) from tabToDo where reference_type='Ticket' "
                                 "and reference_name in %(n)s group by reference_name", n):
        per[name]["todo"] = c
    for name, c in frappe.db.sql("select reference_name, count(*) from tabCommunication where reference_doctype='Ticket' "
                                 "and communication_type='Automated Message' and reference_name in %(n)s group by reference_name", n):
        per[name]["reply"] = c
    for name, c in frappe.db.sql("select c.reference_name, count(*) from `tabEmail Queue` q join tabCommunication c "
                                 "on q.communication = c.name where c.reference_name in %(n)s group by c.reference_name", n):
        per[name]["queued"] = c
    for name, c in frappe.db.sql("select ticket, count(*) from `tabSupport Automation Log` where automation='Routing' "
                                 "and ticket in %(n)s group by ticket", n):
        per[name]["routing"] = c
    for name, done in frappe.db.sql("select name, intake_done from tabTicket where name in %(n)s", n):
        per[name]["done"] = done
    return per


def exactly_once(names) -> tuple[int, int, int]:
    """(tickets with everything exactly once, with something missing, with something twice)."""
    per = counts(names)
    good = sum(1 for c in per.values() if all(v == 1 for v in c.values()))
    missing = sum(1 for c in per.values() if any(v == 0 for v in c.values()))
    doubled = sum(1 for c in per.values() if any(v > 1 for v in c.values()))
    return good, missing, doubled


def latencies(tickets: dict) -> list[float]:
    """Seconds from each POST to its auto-reply's Email Queue row (queued for sending)."""
    frappe.db.rollback()
    # the clients stamped the POST in this machine's local time; the database holds the site's time zone
    offset = round((frappe.utils.now_datetime() - datetime.now()).total_seconds() / 60) * 60
    rows = frappe.db.sql("select c.reference_name, q.creation from `tabEmail Queue` q join tabCommunication c "
                         "on q.communication = c.name where c.reference_name in %(n)s", {"n": list(tickets)})
    seconds = {name: (queued - tickets[name]).total_seconds() - offset for name, queued in rows}
    return sorted(seconds.get(name, float("inf")) for name in tickets)  # never queued: infinitely late


def pct(values, p):
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def distribution(values) -> str:
    if not values:
        return "none"
    return " ".join(f"p{p}={pct(values, p):.2f}s" for p in (50, 75, 90, 95, 99)) + f" max={values[-1]:.2f}s"


def histogram(values, edges=(0.5, 1, 2, 3, 5, 10, 30, 60)) -> str:
    parts, low = [], 0.0
    for edge in (*edges, float("inf")):
        n = sum(1 for v in values if low <= v < edge)
        parts.append(f"[{low:g}-{edge:g}s) {n}" if edge != float("inf") else f">={low:g}s {n}")
        low = edge
    return ", ".join(parts)


def kill_workers(run_dir: str) -> None:
    """SIGKILL the workers' whole session (the pool, its workers and the job they are running)."""
    pid = int(open(os.path.join(run_dir, "worker.pid")).read())
    os.killpg(pid, signal.SIGKILL)


def queued_jobs() -> int:
    from frappe.utils.background_jobs import get_queues

    return sum(q.count for q in get_queues())


def warm_up(base, site, auth) -> None:
    """A few tickets through the freshly served site before anything is timed, and the jobs they queue run:
    a burst meets a deployment whose web workers have served requests and whose caches (documents' meta,
    rules, templates) are filled, not one started a second ago."""
    tickets, _failures, _elapsed = send(base, site, auth, WARM_UP, rate=WARM_UP_RATE)
    wait_processed(tickets, 120)
    settle()
    cleanup()


def settle(limit: float = 180) -> float:
    """Wait until the workers have run every queued job (a burst leaves its assignees' notifications, about
    half a minute of work, queued behind its drains): each phase starts on a quiet deployment, not on the
    tail of the one before. Returns the seconds waited."""
    began = clock.monotonic()
    while queued_jobs() and clock.monotonic() - began < limit:
        clock.sleep(0.5)
    return clock.monotonic() - began


def phase_burst(base, site, auth):
    tickets, failures, elapsed = send(base, site, auth, BURST)
    last = clock.monotonic()
    took = wait_processed(tickets, 600)
    waited = clock.monotonic() - last
    good, missing, doubled = exactly_once(tickets)
    lat = latencies(tickets)
    ok = took is not None and took <= FINISH_WITHIN and len(tickets) == BURST and good == BURST
    print(f"burst: {len(tickets):,}/{BURST:,} accepted in {elapsed:.1f} s ({len(tickets) / elapsed:.0f}/s) from {CLIENTS} "
          f"clients; all processed {waited:.1f} s after the last request (target <= {FINISH_WITHIN}) "
          f"{'PASS' if ok else 'FAIL'}", flush=True)
    print(f"burst: exactly once {good:,}, missing {missing}, doubled {doubled}; failures {failures[:3]}", flush=True)
    print(f"burst: POST -> auto-reply queued {distribution(lat)}", flush=True)


def phase_sustained(base, site, auth):
    tickets, failures, elapsed = send(base, site, auth, SUSTAINED, rate=RATE)
    wait_processed(tickets, 600)
    lat = latencies(tickets)
    good, missing, doubled = exactly_once(tickets)
    p95 = pct(lat, 95) if lat else float("inf")
    print(f"sustained: {len(tickets):,} tickets at {len(tickets) / elapsed:.1f}/s (asked {RATE}/s); "
          f"POST -> auto-reply queued p95 {p95:.2f} s (target < {P95_TARGET}) "
          f"{'PASS' if p95 < P95_TARGET and good == SUSTAINED else 'FAIL'}", flush=True)
    print(f"sustained: {distribution(lat)}", flush=True)
    print(f"sustained: histogram {histogram(lat)}", flush=True)
    print(f"sustained: exactly once {good:,}, missing {missing}, doubled {doubled}; failures {failures[:3]}", flush=True)


def phase_kill(base, site, auth, run_dir):
    killed = {}

    def on_progress(n):
        if n == BURST // 2 and not killed:
            killed["at"] = n
            killed["done_before"] = None
            kill_workers(run_dir)
            killed["restart"] = threading.Timer(3.0, lambda: shell('start_served_worker "$1"', run_dir))
            killed["restart"].start()

    tickets, failures, elapsed = send(base, site, auth, BURST, on_progress=on_progress)
    killed["restart"].join()
    took = wait_processed(tickets, 600)
    good, missing, doubled = exactly_once(tickets)
    ok = took is not None and good == len(tickets) == BURST and not missing and not doubled
    print(f"kill: workers SIGKILLed after {killed.get('at')} of {BURST:,} requests, restarted 3 s later; "
          f"{len(tickets):,} accepted; processed exactly once {good:,}, missing {missing}, doubled {doubled} "
          f"{'PASS' if ok else 'FAIL'}" + ("" if took is not None else " (not all processed within 600 s)"), flush=True)


def main(site: str, phases: list[str]) -> None:
    connect(site)
    auth = prepare()
    cleanup()
    load = os.getloadavg()
    print(f"intake burst on {site}: {os.cpu_count()} cores, load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f} "
          f"before the run; workers: {shell('worker_args')}", flush=True)
    served = shell('serve_site "$1" >&2 && echo "$SERVED_URL $SERVED_RUN"', site).split()
    base, run_dir = served[-2], served[-1]
    try:
        warm_up(base, site, auth)
        for i, phase in enumerate(phases):
            if i:
                print(f"{phase}: the jobs the phase before left queued ran for {settle():.1f} s first", flush=True)
            if phase == "burst":
                phase_burst(base, site, auth)
            elif phase == "sustained":
                phase_sustained(base, site, auth)
            elif phase == "kill":
                phase_kill(base, site, auth, run_dir)
            cleanup()
    finally:
        shell('SERVED_RUN="$1"; stop_served', run_dir)
        cleanup()
        teardown()
        load = os.getloadavg()
        print(f"intake burst: load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f} after the run", flush=True)
        frappe.destroy()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2:] or ["burst", "sustained", "kill"])
