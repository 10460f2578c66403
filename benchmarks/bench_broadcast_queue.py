"""Planning and queueing a Tag Broadcast to 10,000 customers on MariaDB.

Target (issue #5): 10,000 recipients planned and queued in under 10 s. Seeds 12,000 tagged tickets
(some customers have two), then times the planner (set-based reads, engine plan, bulk insert of the
recipient rows) and the enqueue of the sending job. Everything is removed afterwards.
Run: benchmarks/run.sh (or: cd $BENCH/sites && ../env/bin/python <repo>/benchmarks/bench_broadcast_queue.py SITE)
"""

import sys
import time as clock
from datetime import datetime

import frappe

CUSTOMERS, EXTRA = 10_000, 2_000
TAG = "bench: broadcast"


def main(site: str) -> None:
    from support_hub.broadcasts import planning, sending

    frappe.init(site=site, sites_path=".")
    frappe.connect()
    frappe.set_user("Administrator")
    now = datetime.now()
    names = [f"BENCHBR-{i:06d}" for i in range(CUSTOMERS + EXTRA)]
    broadcast = None
    try:
        if not frappe.db.exists("Tag", TAG):
            frappe.get_doc({"doctype": "Tag", "name": TAG}).insert()
        rows = [(n, now, now, "Administrator", "Administrator", 0, "Broadcast benchmark", "Open", "Email",
                 f"c{i % CUSTOMERS}@bench.example", now) for i, n in enumerate(names)]
        frappe.db.bulk_insert("Ticket", ["name", "creation", "modified", "owner", "modified_by", "docstatus", "subject",
                                         "status", "channel", "raised_by", "opened_on"], rows, chunk_size=5000)
        frappe.db.bulk_insert("Tag Link", ["name", "creation", "modified", "owner", "modified_by", "document_type",
                                           "document_name", "tag", "title"],
                              [(frappe.generate_hash(length=12), now, now, "Administrator", "Administrator", "Ticket", n, TAG, n)
                               for n in names], chunk_size=5000)
        broadcast = frappe.get_doc({"doctype": "Tag Broadcast", "tag": TAG, "channel_mode": "Email",
                                    "template": "Hello {{ customer_name }}"}).insert()
        frappe.db.commit()

        began = clock.perf_counter()
        plan = planning.plan(broadcast)
        planned = clock.perf_counter() - began
        broadcast.db_set("status", "Sending")
        sending.enqueue(broadcast.name)
        frappe.db.commit()
        total = clock.perf_counter() - began
        stored = frappe.db.count("Tag Broadcast Recipient", {"broadcast": broadcast.name})
        print(f"tag broadcast: {len(names):,} tagged tickets -> {len(plan.recipients):,} recipients (stored {stored:,}); "
              f"planned in {planned:.2f} s, planned and queued in {total:.2f} s (target < 10 s) "
              f"{'PASS' if total < 10 and stored == CUSTOMERS else 'FAIL'}")
    finally:
        from frappe.utils.background_jobs import get_queue

        get_queue("long").empty()  # the benchmark measures queueing, not sending 10,000 e-mails
        frappe.db.rollback()
        if broadcast:
            frappe.db.delete("Tag Broadcast Recipient", {"broadcast": broadcast.name})
            frappe.db.delete("Tag Broadcast", {"name": broadcast.name})
        frappe.db.delete("Tag Link", {"tag": TAG})
        for i in range(0, len(names), 5000):
            frappe.db.delete("Ticket", {"name": ["in", names[i : i + 5000]]})
        frappe.db.commit()
        frappe.destroy()


if __name__ == "__main__":
    main(sys.argv[1])
