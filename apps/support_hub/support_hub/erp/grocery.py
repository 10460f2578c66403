"""A grocery story on real ERPNext v15, made only through ERPNext's own APIs (documents inserted and
submitted as a person would, ERPNext's mapper functions for every follow-on document), for the ERP
tests and the demo. Never imported at module top level by app code that must run without ERPNext.

The API (all return plain dicts of the names made):

``ensure_catalog() -> dict``
    The shop's goods — milk, bread, bananas, eggs, cheese, buckwheat (Russian names, stock UOM Nos or
    Kg, price in the selling price list, stock in one warehouse). Idempotent; shared by every story.

``make_story(suffix: str) -> frappe._dict``
    One shopper and her week, every name carrying ``suffix`` (pass a fresh uuid fragment in tests so
    runs never collide; "" gives the demo's plain names). Keys:

    * ``customer``, ``contact``, ``email``, ``phone`` — the shopper (Customer + Contact with both);
    * ``orders`` — submitted Sales Orders by role, oldest first:
      ``returned`` (6 days ago: delivered, invoiced, paid; then one milk returned: a return Delivery Note,
      a credit note and a refund), ``short`` (5 days ago, ``po_no`` = ``po_no``: milk delivered 2 of 3,
      invoiced from the delivery, paid), ``cancelled`` (4 days ago, submitted then cancelled),
      ``unpaid`` (3 days ago: delivered, invoiced, nothing paid), ``open`` (yesterday: not yet delivered);
    * ``po_no`` — the shopper's own number of the ``short`` order;
    * ``delivery_notes``, ``invoices``, ``payments`` — by the same roles (only where made);
    * ``return_delivery``, ``credit_note``, ``refund`` — the return of the ``returned`` order;
    * ``other_customer``, ``other_order`` — a second shopper with one order (numbers that are not the
      first shopper's).

``seed_demo_story() -> frappe._dict``
    ``make_story("")`` once per site: a second call returns the names the first made.

Everything runs as the caller (Administrator in tests and the demo); the caller commits.
"""

from __future__ import annotations

import json

import frappe
from frappe.utils import add_days, flt, getdate, nowdate

DEMO_KEY = "support_hub_grocery_demo_story"

# item code -> (Russian name, stock UOM, price in RUB)
CATALOG = {
    "GROC-MILK": ("Молоко 3,2% 1 л", "Nos", 95.0),
    "GROC-BREAD": ("Хлеб Бородинский", "Nos", 62.0),
    "GROC-BANANA": ("Бананы", "Kg", 139.0),
    "GROC-EGGS": ("Яйца С1, 10 шт", "Nos", 119.0),
    "GROC-CHEESE": ("Сыр Российский 200 г", "Nos", 245.0),
    "GROC-BUCKWHEAT": ("Гречка 900 г", "Nos", 89.0),
}
STOCK_FLOOR = 500  # a receipt tops an item up when less than this is on hand
STOCK_RECEIPT = 10000
ITEM_GROUP = "Products"


def _company() -> frappe._dict:
    name = frappe.defaults.get_global_default("company") or frappe.get_all("Company", pluck="name", limit=1)[0]
    return frappe.get_cached_doc("Company", name)


def _warehouse(company) -> str:
    stores = f"Stores - {company.abbr}"
    if frappe.db.exists("Warehouse", stores):
        return stores
    return frappe.get_all("Warehouse", filters={"company": company.name, "is_group": 0}, pluck="name", limit=1)[0]


def _selling_price_list() -> str:
    return frappe.db.get_single_value("Selling Settings", "selling_price_list") or "Standard Selling"


def _story_start(days_ago: int) -> str:
    """A date `days_ago` before today, never before the fiscal year's start (ERPNext refuses postings outside it)."""
    from erpnext.accounts.utils import get_fiscal_year

    day = add_days(nowdate(), -days_ago)
    year_start = get_fiscal_year(nowdate())[1]
    return str(max(getdate(day), getdate(year_start)))


def ensure_catalog() -> dict:
    """The goods, their prices and enough stock; returns {item code: item name}."""
    company = _company()
    warehouse = _warehouse(company)
    price_list = _selling_price_list()
    for code, (item_name, uom, price) in CATALOG.items():
        if not frappe.db.exists("Item", code):
            frappe.get_doc({
                "doctype": "Item", "item_code": code, "item_name": item_name, "item_group": ITEM_GROUP,
                "stock_uom": uom, "is_stock_item": 1, "include_item_in_manufacturing": 0,
                "description": item_name, "valuation_rate": round(price * 0.7, 2),
            }).insert()
        if not frappe.db.exists("Item Price", {"item_code": code, "price_list": price_list}):
            frappe.get_doc({"doctype": "Item Price", "item_code": code, "price_list": price_list,
                            "price_list_rate": price}).insert()
    _ensure_stock(company, warehouse)
    return {code: spec[0] for code, spec in CATALOG.items()}


def _ensure_stock(company, warehouse) -> None:
    on_hand = dict(frappe.get_all("Bin", filters={"warehouse": warehouse, "item_code": ["in", list(CATALOG)]},
                                  fields=["item_code", "actual_qty"], as_list=True))
    short = [code for code in CATALOG if flt(on_hand.get(code)) < STOCK_FLOOR]
    if not short:
        return
    # Dated before any story so back-dated deliveries find the goods already there.
    entry = frappe.get_doc({
        "doctype": "Stock Entry", "stock_entry_type": "Material Receipt", "purpose": "Material Receipt",
        "company": company.name, "set_posting_time": 1, "posting_date": _story_start(30),
        "items": [{"item_code": code, "qty": STOCK_RECEIPT, "t_warehouse": warehouse,
                   "basic_rate": round(CATALOG[code][2] * 0.7, 2)} for code in short],
    })
    entry.insert()
    entry.submit()


def _customer(full_name: str, email: str, phone: str) -> tuple[str, str]:
    customer = frappe.get_doc({
        "doctype": "Customer", "customer_name": full_name, "customer_type": "Individual",
        "customer_group": _first_existing("Customer Group", "Individual", "All Customer Groups"),
        "territory": _first_existing("Territory", "Russian Federation", "All Territories"),
    }).insert()
    first, _sep, last = full_name.partition(" ")
    contact = frappe.get_doc({
        "doctype": "Contact", "first_name": first, "last_name": last,
        "email_ids": [{"email_id": email, "is_primary": 1}],
        "phone_nos": [{"phone": phone, "is_primary_mobile_no": 1}],
        "links": [{"link_doctype": "Customer", "link_name": customer.name}],
    }).insert()
    return customer.name, contact.name


def _first_existing(doctype: str, *names: str) -> str:
    for name in names:
        if frappe.db.exists(doctype, name):
            return name
    return names[-1]


def _sales_order(customer: str, days_ago: int, lines: list[tuple[str, float]], po_no: str | None = None) -> str:
    company = _company()
    day = _story_start(days_ago)
    order = frappe.get_doc({
        "doctype": "Sales Order", "customer": customer, "company": company.name, "transaction_date": day,
        "delivery_date": add_days(day, 1), "set_warehouse": _warehouse(company),
        "selling_price_list": _selling_price_list(), "po_no": po_no, "po_date": day if po_no else None,
        "items": [{"item_code": code, "qty": qty, "rate": CATALOG[code][2], "delivery_date": add_days(day, 1),
                   "warehouse": _warehouse(company)} for code, qty in lines],
    })
    order.insert()
    order.submit()
    return order.name


def _dated(doc, day: str):
    doc.set_posting_time = 1
    doc.posting_date = day
    return doc


def _deliver(order: str, days_after: int = 1, qty: dict[str, float] | None = None) -> str:
    from erpnext.selling.doctype.sales_order.sales_order import make_delivery_note

    note = make_delivery_note(order)
    day = add_days(frappe.db.get_value("Sales Order", order, "transaction_date"), days_after)
    _dated(note, str(min(getdate(day), getdate(nowdate()))))
    for line in note.items:
        if qty and line.item_code in qty:
            line.qty = qty[line.item_code]
    note.insert()
    note.submit()
    return note.name


def _invoice_delivery(delivery_note: str) -> str:
    from erpnext.stock.doctype.delivery_note.delivery_note import make_sales_invoice

    invoice = make_sales_invoice(delivery_note)
    _dated(invoice, str(frappe.db.get_value("Delivery Note", delivery_note, "posting_date")))
    invoice.insert()
    invoice.submit()
    return invoice.name


def _pay(invoice: str) -> str:
    """Pay (or, for a credit note, refund) the invoice's whole outstanding amount by card."""
    from erpnext.accounts.doctype.payment_entry.payment_entry import get_payment_entry

    day = str(frappe.db.get_value("Sales Invoice", invoice, "posting_date"))
    entry = get_payment_entry("Sales Invoice", invoice, bank_account=_bank_account())
    entry.posting_date = day
    entry.reference_no = f"card-{invoice}"
    entry.reference_date = day
    entry.insert()
    entry.submit()
    return entry.name


def _bank_account() -> str:
    company = _company()
    return company.default_bank_account or frappe.get_all(
        "Account", filters={"company": company.name, "account_type": "Bank", "is_group": 0}, pluck="name", limit=1
    )[0]


def _return(delivery_note: str, invoice: str, lines: dict[str, float]) -> tuple[str, str, str]:
    """Goods back (a return Delivery Note), the money back (a credit note against the invoice) and the
    refund paid out (a Payment Entry against the credit note)."""
    from erpnext.accounts.doctype.sales_invoice.sales_invoice import make_sales_return as credit_note_for
    from erpnext.stock.doctype.delivery_note.delivery_note import make_sales_return as goods_back_for

    day = str(min(getdate(add_days(frappe.db.get_value("Delivery Note", delivery_note, "posting_date"), 1)),
                  getdate(nowdate())))
    goods_back = _keep_lines(_dated(goods_back_for(delivery_note), day), lines)
    goods_back.insert()
    goods_back.submit()
    credit_note = _keep_lines(_dated(credit_note_for(invoice), day), lines)
    credit_note.update_stock = 0
    credit_note.insert()
    credit_note.submit()
    return goods_back.name, credit_note.name, _pay(credit_note.name)


def _keep_lines(doc, lines: dict[str, float]):
    doc.items = [line for line in doc.items if line.item_code in lines]
    for line in doc.items:
        line.qty = -abs(lines[line.item_code])
    return doc


def make_story(suffix: str) -> frappe._dict:
    """One shopper's week (see the module docstring); `suffix` makes every name unique."""
    ensure_catalog()
    tag = f" {suffix}" if suffix else ""
    mail_tag = f"+{suffix}" if suffix else ""
    story = frappe._dict(orders={}, delivery_notes={}, invoices={}, payments={})
    story.email = f"anna.smirnova{mail_tag}@grocery.example"
    story.phone = "+7 916 555-12-07"
    story.customer, story.contact = _customer(f"Анна Смирнова{tag}", story.email, story.phone)
    story.po_no = f"ЗК-{suffix or '20461'}"
    c = story.customer

    story.orders["returned"] = _sales_order(c, 6, [("GROC-MILK", 2), ("GROC-BREAD", 1), ("GROC-BANANA", 1.2)])
    story.orders["short"] = _sales_order(c, 5, [("GROC-MILK", 3), ("GROC-EGGS", 1), ("GROC-CHEESE", 1)],
                                         po_no=story.po_no)
    story.orders["cancelled"] = _sales_order(c, 4, [("GROC-BUCKWHEAT", 2)])
    story.orders["unpaid"] = _sales_order(c, 3, [("GROC-BREAD", 2), ("GROC-BANANA", 2), ("GROC-MILK", 1)])
    story.orders["open"] = _sales_order(c, 1, [("GROC-CHEESE", 2), ("GROC-BUCKWHEAT", 1), ("GROC-EGGS", 2)])
    frappe.get_doc("Sales Order", story.orders["cancelled"]).cancel()

    for role, short in (("returned", None), ("short", {"GROC-MILK": 2}), ("unpaid", None)):
        story.delivery_notes[role] = _deliver(story.orders[role], qty=short)
        story.invoices[role] = _invoice_delivery(story.delivery_notes[role])
    for role in ("returned", "short"):
        story.payments[role] = _pay(story.invoices[role])
    story.return_delivery, story.credit_note, story.refund = _return(
        story.delivery_notes["returned"], story.invoices["returned"], {"GROC-MILK": 1}
    )

    story.other_customer, _other_contact = _customer(
        f"Борис Кузнецов{tag}", f"boris.kuznetsov{mail_tag}@grocery.example", "+7 903 555-44-18"
    )
    story.other_order = _sales_order(story.other_customer, 2, [("GROC-BREAD", 1), ("GROC-MILK", 2)],
                                     po_no=f"БК-{suffix or '7713'}")
    return story


def seed_demo_story() -> frappe._dict:
    """The demo's story, made once: a second call returns the names the first one made."""
    kept = frappe.db.get_global(DEMO_KEY)
    if kept:
        story = frappe._dict(json.loads(kept))
        if frappe.db.exists("Customer", story.customer):
            return story
    story = make_story("")
    frappe.db.set_global(DEMO_KEY, json.dumps(story, ensure_ascii=False))
    return story
