"""Gives the served test site the ticket volume a support desk has after a few years: 100,000 tickets.

The browser layer measures how long the ticket list and form take to become usable with that many tickets
on the site (test_desk_load_time.py). Run inside the bench, before that layer (scripts/test.sh):
    cd $BENCH/sites && ../env/bin/python ticket_volume.py SITE [COUNT]
The rows are kept between runs (only what is missing is added), named VOL-000001…, from customers of
their own (@volume.example), opened in 2011-2014: years before any date the tests (and their reports)
look at, so the tests' own tickets, report windows and customer panels are not theirs — a desk's list
still has to sort and count them all. All are Closed: an open one would be
work for the site's SLA sweep, escalations and waiting ladder while the other tests run.
"""

from __future__ import annotations

import random
import sys
import time
from datetime import datetime, timedelta

import frappe

COUNT = 100_000
CHUNK = 5_000
PREFIX = "VOL-"
FIELDS = ["name", "creation", "modified", "owner", "modified_by", "docstatus", "subject", "status", "priority",
          "ticket_type", "channel", "raised_by", "opened_on", "first_response_due", "resolution_due",
          "first_responded_on", "resolved_on", "sla_status", "next_due", "intake_done", "description"]
SUBJECTS = ["Where is my order?", "The milk was missing from yesterday's order", "Charged twice for one order",
            "The courier was late", "Cannot log in to my account", "Wrong item delivered", "Refund status",
            "Change the delivery address", "Promo code does not work", "Damaged packaging"]
CHANNELS = (["Email", "Telegram", "Web", "Phone"], [40, 35, 15, 10])


FIRST, LAST = datetime(2011, 1, 1), datetime(2014, 12, 1)


def row(i: int, rng: random.Random, ticket_type: str):
    opened = FIRST + timedelta(seconds=rng.uniform(0, (LAST - FIRST).total_seconds()))
    responded = opened + timedelta(minutes=rng.uniform(5, 600))
    resolved = responded + timedelta(minutes=rng.uniform(10, 4000))
    return (f"{PREFIX}{i:06d}", opened, resolved, "Administrator", "Administrator", 0,
            f"{rng.choice(SUBJECTS)} #{i}", "Closed", rng.choice(["Urgent", "Today", "Within two days"]), ticket_type,
            rng.choices(*CHANNELS)[0], f"customer{rng.randint(1, 30000)}@volume.example", opened,
            opened + timedelta(hours=1), opened + timedelta(hours=8), responded, resolved,
            "Met", None, 1, "<p>Hello, please help with my order.</p>")


def main(site: str, count: int) -> None:
    frappe.init(site=site, sites_path=".")
    frappe.connect()
    try:
        # Rows an earlier version dated into the tests' years go, to be made again in 2011-2014.
        if frappe.db.sql("select 1 from `tabTicket` where name like %s and opened_on >= %s limit 1",
                         (PREFIX + "%", LAST + timedelta(days=31))):
            frappe.db.sql("delete from `tabTicket` where name like %s", PREFIX + "%")
            frappe.db.commit()
        have = frappe.db.sql("select count(*) from `tabTicket` where name like %s", PREFIX + "%")[0][0]
        if have >= count:
            print(f"ticket volume: {have:,} tickets already on {site}")
            return
        began = time.monotonic()
        ticket_type = "Support" if frappe.db.exists("Ticket Type", "Support") else None
        rng = random.Random(20261204)
        rows = [row(i, rng, ticket_type) for i in range(1, count + 1)]
        frappe.db.bulk_insert("Ticket", FIELDS, rows, chunk_size=CHUNK, ignore_duplicates=True)
        frappe.db.commit()
        print(f"ticket volume: {count - have:,} tickets added to {site} in {time.monotonic() - began:.1f} s")
    finally:
        frappe.destroy()


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else COUNT)
