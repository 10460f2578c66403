"""The demo's grocery week on an ERPNext site: the shoppers and orders of erp/grocery.py, and the tickets a
grocery support desk gets about them — each naming its order, so the panel opens on the goods and the
money — plus the claim for the milk that never came. Called by demo.seed when ERPNext is installed."""

from __future__ import annotations

import frappe
from frappe.utils import add_to_date, now_datetime

TOPIC = ("Заказы и доставка", "First Line", "Support")

# (order role in the story, channel, minutes ago, subject, the shopper's message)
TICKETS = [
    ("short", "Telegram", 50, "Не привезли молоко",
     "Здравствуйте! В заказе {po_no} было 3 пакета молока, привезли только 2. Верните деньги за один, пожалуйста."),
    ("unpaid", "Email", 180, "Списали деньги дважды?",
     "Добрый день. По заказу {order} пришло два уведомления об оплате. Проверьте, пожалуйста, не списали ли дважды."),
    ("returned", "Web", 400, "Когда вернутся деньги за молоко?",
     "Вернула курьеру пакет молока по заказу {order}. Когда придут деньги на карту?"),
    ("open", "Phone", 20, "Курьер опаздывает",
     "Звонок: заказ {order} должен был приехать к 10:00, курьера до сих пор нет."),
]


def seed_grocery_tickets() -> str:
    from support_hub.erp import grocery

    story = grocery.seed_demo_story()
    if frappe.db.exists("Ticket", {"customer": story.customer}):
        return "grocery story already present"
    if not frappe.db.exists("Ticket Topic", TOPIC[0]):
        frappe.get_doc({"doctype": "Ticket Topic", "topic_name": TOPIC[0], "team": TOPIC[1],
                        "ticket_type": TOPIC[2]}).insert(ignore_permissions=True)
    has_order_link = frappe.get_meta("Ticket").has_field("order")
    tickets = {}
    for role, channel, minutes_ago, subject, message in TICKETS:
        order = story.orders[role]
        text = message.format(po_no=story.po_no, order=order)
        values = {
            "doctype": "Ticket", "subject": subject, "description": f"<p>{text}</p>", "topic": TOPIC[0],
            "channel": channel, "customer_type": "Customer", "customer": story.customer, "contact": story.contact,
            "raised_by": story.email, "opened_on": add_to_date(now_datetime(), minutes=-minutes_ago),
        }
        if has_order_link:
            values.update({"order_doctype": "Sales Order", "order": order})
        tickets[role] = frappe.get_doc(values).insert(ignore_permissions=True).name
    _milk_claim(story, tickets["short"])
    return f"grocery story: {len(tickets)} tickets about {story.customer}'s orders"


def _milk_claim(story, ticket: str) -> None:
    """The claim for the missing milk, started from the order's line (priced from the order)."""
    line = frappe.get_all("Sales Order Item", filters={"parent": story.orders["short"], "item_code": "GROC-MILK"},
                          fields=["name", "item_code", "rate"], limit=1)
    if not line:
        return
    frappe.get_doc({
        "doctype": "Claim", "ticket": ticket, "customer_type": "Customer", "customer": story.customer,
        "contact": story.contact, "order_doctype": "Sales Order", "order_link": story.orders["short"],
        "description": "<p>Привезли 2 пакета молока из 3.</p>",
        "items": [{"order_item": line[0].name, "item": line[0].item_code, "category": "Missing", "quantity": 1,
                   "rate": line[0].rate, "amount": line[0].rate}],
    }).insert(ignore_permissions=True)
