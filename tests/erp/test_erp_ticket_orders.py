"""Over HTTP on the served ERP site, with the grocery story: the ticket names its order (linked at web
intake when the shopper's message names an order of hers, picked by a Support Agent from her recent
orders, never another customer's), and the panel shows that order's goods and money."""

from __future__ import annotations

import json
import uuid

from grocery_story import bench_execute, story  # noqa: F401  (the fixture)


def web_ticket(guest, story, subject, description="", email=None):  # noqa: F811
    response = guest.call("support_hub.api.intake.create_ticket", subject=subject, description=description,
                          email=email or story.email)
    assert response.status_code == 200, response.text[:1000]
    return response.json()["message"]["ticket"]


def test_a_message_naming_her_order_links_it_and_someone_elses_never(site, guest, admin, story):  # noqa: F811
    mine = web_ticket(guest, story, "Нет молока", f"В заказе {story.po_no} не хватает бутылки молока")
    assert admin.doc("Ticket", mine)["order"] == story.orders["short"]
    assert admin.doc("Ticket", mine)["order_doctype"] == "Sales Order"
    theirs = web_ticket(guest, story, "Заказ не пришёл", f"Заказ {story.other_order} так и не привезли")
    assert (admin.doc("Ticket", theirs)["customer"], admin.doc("Ticket", theirs).get("order")) == (story.customer, None)


def test_the_agent_picks_from_her_recent_orders_cancelled_last(agent, story):  # noqa: F811
    response = agent.call("frappe.desk.search.search_link", doctype="Sales Order", txt="",
                          query="support_hub.crm.orders.order_query",
                          filters=json.dumps({"customer": story.customer}))
    assert response.status_code == 200, response.text[:1000]
    values = [row["value"] for row in response.json()["message"]]
    assert values == [story.orders[r] for r in ("open", "unpaid", "short", "returned", "cancelled")]
    assert story.other_order not in values


def test_the_agent_cannot_link_another_customers_order_and_can_link_hers(guest, agent, admin, story):  # noqa: F811
    ticket = web_ticket(guest, story, f"Вопрос {uuid.uuid4().hex[:6]}")
    refused = agent.update("Ticket", ticket, order=story.other_order)
    assert refused.status_code == 417, refused.text[:500]
    assert admin.doc("Ticket", ticket).get("order") is None
    accepted = agent.update("Ticket", ticket, order=story.orders["unpaid"])
    assert accepted.status_code == 200, accepted.text[:500]
    assert admin.doc("Ticket", ticket)["order"] == story.orders["unpaid"]


def test_the_panel_shows_the_linked_orders_shortfall_money_and_contacts(guest, agent, story):  # noqa: F811
    ticket = web_ticket(guest, story, f"Заказ {story.orders['short']}", "привезли 2 молока из 3")
    response = agent.call("support_hub.api.ticket.customer_panel", ticket=ticket)
    assert response.status_code == 200, response.text[:1000]
    data = response.json()["message"]
    detail = data["order_detail"]
    milk = next(line for line in detail["lines"] if line["item_code"] == "GROC-MILK")
    assert (milk["ordered"], milk["delivered"], milk["missing"], milk["state"]) == (3, 2, 1, "short")
    assert [d["name"] for d in detail["deliveries"]] == [story.delivery_notes["short"]]
    assert [(i["name"], i["status"]) for i in detail["invoices"]] == [(story.invoices["short"], "Paid")]
    assert [p["name"] for p in detail["payments"]] == [story.payments["short"]]
    assert detail["restricted"] == []
    assert [c["email_id"] for c in data["customer"]["contacts"]] == [story.email]


def test_any_listed_order_on_demand_a_return_is_not_a_shortfall(agent, website_user, story):  # noqa: F811
    response = agent.call("support_hub.crm.order_detail.get_order_detail", order=story.orders["returned"])
    assert response.status_code == 200, response.text[:1000]
    detail = response.json()["message"]
    milk = next(line for line in detail["lines"] if line["item_code"] == "GROC-MILK")
    assert (milk["delivered"], milk["returned"], milk["missing"], milk["state"]) == (2, 1, 0, "delivered")
    assert {i["name"] for i in detail["invoices"] if i["is_return"]} == {story.credit_note}
    assert {p["name"] for p in detail["payments"] if p["payment_type"] == "Pay"} == {story.refund}
    unpaid = agent.call("support_hub.crm.order_detail.get_order_detail", order=story.orders["unpaid"]).json()["message"]
    assert unpaid["money"]["outstanding"] == 497
    refused = website_user.call("support_hub.crm.order_detail.get_order_detail", order=story.orders["short"])
    assert refused.status_code == 403


def test_the_sales_order_and_customer_forms_list_the_ticket(guest, agent, story):  # noqa: F811
    web_ticket(guest, story, f"Курьер опоздал с заказом {story.orders['open']}")

    def connections(doctype, name):
        response = agent.call("frappe.desk.notifications.get_open_count", http="GET", doctype=doctype, name=name)
        assert response.status_code == 200, response.text[:1000]
        return {row["doctype"]: row["count"] for row in response.json()["message"]["count"]["external_links_found"]}

    assert connections("Sales Order", story.orders["open"])["Ticket"] == 1
    assert connections("Sales Order", story.orders["cancelled"])["Ticket"] == 0
    assert connections("Customer", story.customer)["Ticket"] >= 1
