"""Ticket intake through Frappe's REST API, with routing, SLA dates and auto-replies on every ticket.

Targets (issue #3): at least 50 tickets/s; a 1,000-ticket burst with none lost.
Starts gunicorn (4 workers) for the test site on 127.0.0.1, posts a burst of tickets from 16
client threads as an API user, then checks in the database that every ticket exists with its SLA
due dates, its routing log and its auto-reply, and removes what it created.
Run: benchmarks/run.sh (or: cd $BENCH/sites && ../env/bin/python <repo>/benchmarks/bench_intake.py SITE)
"""

import os
import socket
import subprocess
import sys
import time as clock
from concurrent.futures import ThreadPoolExecutor

import frappe
import requests

BURST = 1_000
CLIENTS = 16
MARK = "bench-intake"
API_USER = "sh-bench-api@example.com"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prepare(site: str) -> str:
    """An API user, a routing rule and an auto-reply, so every ticket takes the full path."""
    frappe.init(site=site, sites_path=".")
    frappe.connect()
    frappe.set_user("Administrator")
    if not frappe.db.exists("User", API_USER):
        user = frappe.get_doc({"doctype": "User", "email": API_USER, "first_name": "Bench API", "send_welcome_email": 0})
        user.append("roles", {"role": "Support Agent"})
        user.insert(ignore_permissions=True)
    user = frappe.get_doc("User", API_USER)
    secret = frappe.generate_hash(length=15)
    user.api_key = user.api_key or frappe.generate_hash(length=15)
    user.api_secret = secret
    user.save(ignore_permissions=True)
    if not frappe.db.exists("Routing Rule", "Bench payroll"):
        frappe.get_doc({"doctype": "Routing Rule", "rule_name": "Bench payroll", "keywords": "зарплата\npayroll",
                        "set_priority": "Today", "add_tags": MARK}).insert(ignore_permissions=True)
    if not frappe.db.exists("Auto Reply", "Bench reply"):
        frappe.get_doc({"doctype": "Auto Reply", "reply_name": "Bench reply", "send_when": "Any", "language": "en",
                        "template": "Ticket {{ doc.name }}: we answer {{ due_human }}."}).insert(ignore_permissions=True)
    frappe.db.commit()
    return f"token {user.api_key}:{secret}"


def post_ticket(session: requests.Session, url: str, site: str, auth: str, i: int) -> int:
    payload = {"subject": f"{MARK} {i}: не пришла зарплата", "description": f"<p>Payroll issue number {i}</p>",
               "channel": "Web", "raised_by": f"customer{i}@example.com"}
    for attempt in range(3):
        try:
            r = session.post(url, json=payload, headers={"Authorization": auth, "Host": site}, timeout=60)
            return r.status_code
        except requests.ConnectionError:
            clock.sleep(0.5 * (attempt + 1))
    return 0


def remove_benchmark_tickets() -> None:
    names = frappe.db.sql_list("select name from tabTicket where subject like %s", f"{MARK} %")
    for table, column in (("Support Automation Log", "ticket"), ("SLA Event", "ticket"), ("Communication", "reference_name"),
                          ("Comment", "reference_name"), ("ToDo", "reference_name"), ("Tag Link", "document_name"),
                          ("Email Queue", "reference_name"), ("Ticket", "name")):
        for i in range(0, len(names), 500):
            frappe.db.delete(table, {column: ["in", names[i : i + 500]]})
    frappe.db.commit()


def main(site: str) -> None:
    auth = prepare(site)
    remove_benchmark_tickets()  # what an interrupted earlier run may have left
    port = free_port()
    server = subprocess.Popen(
        [os.path.join("..", "env", "bin", "gunicorn"), "-b", f"127.0.0.1:{port}", "-w", "4", "-t", "120",
         "frappe.app:application", "--preload"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        url = f"http://127.0.0.1:{port}/api/resource/Ticket"
        for _ in range(100):
            try:
                requests.get(f"http://127.0.0.1:{port}/api/method/ping", headers={"Host": site}, timeout=2)
                break
            except requests.ConnectionError:
                clock.sleep(0.2)
        sessions = [requests.Session() for _ in range(CLIENTS)]
        began = clock.perf_counter()
        with ThreadPoolExecutor(CLIENTS) as pool:
            codes = list(pool.map(lambda i: post_ticket(sessions[i % CLIENTS], url, site, auth, i), range(BURST)))
        elapsed = clock.perf_counter() - began
    finally:
        server.terminate()
        server.wait(timeout=30)

    ok = sum(1 for c in codes if c == 200)
    rate = BURST / elapsed
    print(f"intake: {BURST:,} tickets over REST from {CLIENTS} clients in {elapsed:.1f} s = {rate:.0f} tickets/s "
          f"(target >= 50) {'PASS' if rate >= 50 else 'FAIL'}", flush=True)

    # Auto-replies were queued by intake; drain the queue in this process (rq's SimpleWorker, no
    # fork per job) to check that every one of them is sent.
    from frappe.utils.background_jobs import get_queue, get_redis_conn
    from rq import SimpleWorker

    began = clock.perf_counter()
    queue = get_queue("short")
    queued = queue.count
    SimpleWorker([queue], connection=get_redis_conn()).work(burst=True, logging_level="WARNING")
    drained = clock.perf_counter() - began
    frappe.init(site=site, sites_path=".")  # the jobs tore down this process's site context
    frappe.connect()

    frappe.db.rollback()  # a fresh snapshot: see what the workers committed
    like = f"{MARK} %"
    stored = frappe.db.sql("select count(*) from tabTicket where subject like %s", like)[0][0]
    with_sla = frappe.db.sql(
        "select count(*) from tabTicket where subject like %s and first_response_due is not null and priority='Today'",
        like,
    )[0][0]
    replies = frappe.db.sql(
        """select count(*) from `tabSupport Automation Log` l join tabTicket t on t.name = l.ticket
        where t.subject like %s and l.automation = 'Auto Reply'""", like,
    )[0][0]
    print(f"intake: HTTP 200 for {ok:,}; in the database {stored:,}, with SLA dates and routed priority {with_sla:,}, "
          f"auto-replies {replies:,} ({queued:,} jobs queued, drained in {drained:.1f} s); lost {BURST - stored} "
          f"{'PASS' if stored == BURST == ok == replies else 'FAIL'}")

    remove_benchmark_tickets()
    frappe.delete_doc("Routing Rule", "Bench payroll", force=True, ignore_permissions=True)
    frappe.delete_doc("Auto Reply", "Bench reply", force=True, ignore_permissions=True)
    frappe.db.commit()
    frappe.destroy()


if __name__ == "__main__":
    main(sys.argv[1])
