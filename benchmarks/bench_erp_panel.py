"""The customer panel and sender identification on ERPNext's real tables at grocery scale.

Seeds (once per site; later runs reuse it) ERPNext's own tables directly, in bulk: 100,000 customers with
a Contact each plus 900,000 more contacts (1,000,000 Contact Email rows), 1,000,000 Sales Orders with
5,000,000 Sales Order Item rows. Customer shapes: typical (about ten orders), heavy (five customers with
5,000 orders each) and "all old" (one customer whose 1,000 orders are three years old, the shape that
took 83 s before the (customer, transaction_date) index). Then it times, through the app's own code:

- the panel of a ticket (card, latest orders, the linked order's lines and money) per shape — p95 < 100 ms;
- identification of an e-mail sender among 1,000,000 contacts — p95 < 5 ms;

and prints each query's plan (table → index) so a missing index shows by name.

Run: benchmarks/run.sh (it prepares the ERP benchmark site), or
     cd $BENCH/sites && ../env/bin/python <repo>/benchmarks/bench_erp_panel.py SITE
"""

from __future__ import annotations

import random
import statistics
import sys
import time as clock
from datetime import date, datetime, timedelta

import frappe

CUSTOMERS, EXTRA_CONTACTS, ORDERS, LINES_PER_ORDER, CALLS = 100_000, 900_000, 1_000_000, 5, 200
HEAVY, HEAVY_ORDERS, OLD_ORDERS = 5, 5_000, 1_000
PREFIX = "BENCH-"  # every seeded name starts with it
CHUNK = 20_000


def seeded() -> bool:
    return frappe.db.count("Sales Order", {"name": ["like", f"{PREFIX}SO%"]}) >= ORDERS


def company() -> tuple[str, str]:
    name = frappe.get_all("Company", pluck="name", limit=1)[0]
    return name, frappe.db.get_value("Company", name, "default_currency")


def insert(doctype: str, fields: list[str], rows) -> None:
    """INSERT IGNORE through the driver's executemany (one multi-row statement per chunk): building
    millions of rows through the query builder costs more Python time than the database spends."""
    columns = ", ".join(f"`{f}`" for f in fields)
    statement = f"insert ignore into `tab{doctype}` ({columns}) values ({', '.join(['%s'] * len(fields))})"
    cursor, batch = frappe.db._cursor, []
    for row in rows:
        batch.append(row)
        if len(batch) == CHUNK:
            cursor.executemany(statement, batch)
            batch = []
    if batch:
        cursor.executemany(statement, batch)


def done(doctype: str, last_name: str) -> bool:
    return bool(frappe.db.exists(doctype, last_name))


def seed(rng: random.Random) -> None:
    now = datetime.now()
    who = (now, now, "Administrator", "Administrator")
    base = ["name", "creation", "modified", "owner", "modified_by"]
    comp, currency = company()
    customers = [f"{PREFIX}C{i:06d}" for i in range(CUSTOMERS)]
    insert("Customer", [*base, "customer_name", "customer_type", "customer_group", "territory"],
           ((c, *who, f"Покупатель {c}", "Individual", "All Customer Groups", "All Territories") for c in customers))
    contacts = [f"{PREFIX}P{i:07d}" for i in range(CUSTOMERS + EXTRA_CONTACTS)]
    for start in range(0, len(contacts), 100_000):
        if done("Contact Email", f"{contacts[min(start + 100_000, len(contacts)) - 1]}-E"):  # an interrupted earlier run got this far
            continue
        part = contacts[start:start + 100_000]
        insert("Contact", [*base, "first_name", "email_id", "status"],
               ((p, *who, f"Контакт {p}", f"{p.lower()}@bench.example", "Passive") for p in part))
        insert("Contact Email", [*base, "parent", "parenttype", "parentfield", "idx", "email_id", "is_primary"],
               ((f"{p}-E", *who, p, "Contact", "email_ids", 1, f"{p.lower()}@bench.example", 1) for p in part))
        frappe.db.commit()
    insert("Dynamic Link", [*base, "parent", "parenttype", "parentfield", "idx", "link_doctype", "link_name"],
           ((f"{contacts[i]}-L", *who, contacts[i], "Contact", "links", 1, "Customer", c)
            for i, c in enumerate(customers)))
    frappe.db.commit()
    # Who each order belongs to: the heavy and the all-old customers first, then the rest at random.
    owners = [customers[h] for h in range(HEAVY) for _ in range(HEAVY_ORDERS)] + [customers[HEAVY]] * OLD_ORDERS
    owners += [customers[rng.randrange(HEAVY + 1, CUSTOMERS)] for _ in range(ORDERS - len(owners))]
    recent, old = date.today() - timedelta(days=365), date.today() - timedelta(days=3 * 365)
    order_fields = [*base, "docstatus", "customer", "customer_name", "transaction_date", "delivery_date", "company",
                    "currency", "conversion_rate", "selling_price_list", "price_list_currency",
                    "plc_conversion_rate", "status", "delivery_status", "billing_status", "grand_total",
                    "rounded_total", "base_grand_total", "per_delivered", "per_billed", "po_no"]
    line_fields = [*base, "docstatus", "parent", "parenttype", "parentfield", "idx", "item_code", "item_name",
                   "description", "uom", "stock_uom", "conversion_factor", "qty", "stock_qty", "rate", "amount",
                   "base_rate", "base_amount", "delivered_qty", "returned_qty", "billed_amt", "delivery_date",
                   "warehouse"]
    for start in range(0, ORDERS, 100_000):
        if done("Sales Order Item", f"{PREFIX}SO{min(start + 100_000, ORDERS) - 1:07d}-{LINES_PER_ORDER - 1}"):
            continue
        orders, lines = [], []
        for i in range(start, min(start + 100_000, ORDERS)):
            name, owner = f"{PREFIX}SO{i:07d}", owners[i]
            day = (old if owner == customers[HEAVY] else recent) + timedelta(days=rng.randrange(365))
            rate = rng.randrange(50, 900)
            total = rate * 2 * LINES_PER_ORDER
            orders.append((name, *who, 1, owner, f"Покупатель {owner}", day, day, comp, currency, 1, "Standard Selling",
                           currency, 1, "Completed", "Fully Delivered", "Fully Billed", total, total, total, 100,
                           100, f"PO{i}"))
            for n in range(LINES_PER_ORDER):
                lines.append((f"{name}-{n}", *who, 1, name, "Sales Order", "items", n + 1, f"GROC-{n}", f"Товар {n}",
                              f"Товар {n}", "Nos", "Nos", 1, 2, 2, rate, rate * 2, rate, rate * 2, 2, 0, rate * 2,
                              day, ""))
        insert("Sales Order", order_fields, orders)
        insert("Sales Order Item", line_fields, lines)
        frappe.db.commit()
        print(f"  seeded {start + len(orders):,} orders", flush=True)


class QueryLog:
    """Records the SELECTs run inside a block, to print their plans."""

    def __init__(self):
        self.queries: list[tuple[str, object]] = []

    def __enter__(self):
        self.original = frappe.db.sql

        def recording(query, values=(), *args, **kwargs):
            if str(query).lstrip().lower().startswith("select"):
                self.queries.append((str(query), values))
            return self.original(query, values, *args, **kwargs)

        frappe.db.sql = recording
        return self

    def __exit__(self, *exc):
        frappe.db.sql = self.original


def plans(log: QueryLog) -> list[str]:
    seen = []
    for query, values in log.queries:
        for row in frappe.db.sql(f"explain {query}", values, as_dict=True):
            line = f"{row.get('table')} → {row.get('key') or 'NO INDEX'} ({row.get('rows')} rows)"
            if row.get("table") and not str(row.get("table")).startswith("<") and line not in seen:
                seen.append(line)
    return seen


def percentile(timings: list[float], share: float) -> float:
    ordered = sorted(timings)
    return ordered[max(0, int(len(ordered) * share) - 1)]


def time_calls(label: str, target_ms: float, call, args: list) -> bool:
    timings = []
    for i in range(CALLS):
        began = clock.perf_counter()
        call(args[i % len(args)])
        timings.append((clock.perf_counter() - began) * 1000)
    p95 = percentile(timings, 0.95)
    ok = p95 < target_ms
    print(f"{label}: {CALLS} calls, median {statistics.median(timings):.2f} ms, p95 {p95:.2f} ms, "
          f"max {max(timings):.1f} ms (target p95 < {target_ms:g} ms) {'PASS' if ok else 'FAIL'}")
    return ok


def main(site: str) -> None:
    from support_hub.crm.identify import match
    from support_hub.crm.panel import panel
    from support_hub.engine import identity
    from support_hub.setup.lookup_indexes import ensure_lookup_indexes

    frappe.init(site=site, sites_path=".")
    frappe.connect()
    frappe.set_user("Administrator")
    if "erpnext" not in frappe.get_installed_apps():
        print(f"ERP panel: ERPNext is not installed on {site}: nothing to measure")
        return
    rng = random.Random(11)
    tickets: list[str] = []
    try:
        print("indexes:", ", ".join(ensure_lookup_indexes()))
        if not seeded():
            began = clock.perf_counter()
            seed(rng)
            print(f"seeded in {clock.perf_counter() - began:.0f} s")
        frappe.db.sql("analyze table `tabSales Order`, `tabSales Order Item`, `tabContact Email`")
        shapes = {
            "heavy (5,000 orders)": [f"{PREFIX}C{i:06d}" for i in range(HEAVY)],
            "all orders old": [f"{PREFIX}C{HEAVY:06d}"],
            "typical": [f"{PREFIX}C{rng.randrange(HEAVY + 1, CUSTOMERS):06d}" for _ in range(50)],
        }
        has_order_link = frappe.get_meta("Ticket").has_field("order")
        all_ok = True
        for shape, customers in shapes.items():
            names = []
            for customer in customers:
                values = {"doctype": "Ticket", "subject": "Panel benchmark", "customer_type": "Customer",
                          "customer": customer, "raised_by": f"{customer.lower()}@bench.example"}
                if has_order_link:  # the panel also shows the linked order's lines and money
                    order = frappe.get_all("Sales Order", {"customer": customer}, pluck="name",
                                           order_by="transaction_date desc", limit=1)
                    values.update({"order_doctype": "Sales Order", "order": order[0] if order else None})
                ticket = frappe.get_doc(values)
                ticket.flags.skip_auto_reply = True
                names.append(ticket.insert(ignore_permissions=True).name)
            tickets += names
            frappe.db.commit()
            panel(names[0])  # warm the metadata caches once
            with QueryLog() as log:
                data = panel(names[0])
            assert data["customer"] and data["orders"]["rows"], f"{shape}: the panel found no orders"
            all_ok &= time_calls(f"panel, {shape}", 100, panel, names)
            for line in plans(log):
                print(f"    {line}")
        addresses = [f"{PREFIX.lower()}p{rng.randrange(CUSTOMERS + EXTRA_CONTACTS):07d}@bench.example" for _ in range(CALLS)]
        with QueryLog() as log:
            assert match(identity.EMAIL, addresses[0]), "identification found no contact"
        all_ok &= time_calls("identify an e-mail sender among 1,000,000 contacts", 5,
                             lambda a: match(identity.EMAIL, a), addresses)
        for line in plans(log):
            print(f"    {line}")
        print("ERP panel and identification:", "PASS" if all_ok else "FAIL")
    finally:
        frappe.db.rollback()
        if tickets:
            frappe.db.delete("Ticket", {"name": ["in", tickets]})
            frappe.db.commit()
        frappe.destroy()


if __name__ == "__main__":
    main(sys.argv[1])
