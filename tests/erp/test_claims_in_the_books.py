"""The served ERP site, as a Support Agent and a Claims Officer: what support staff may do with the ERP's
records (read, never export, never see the shop's prices or stock, never write), and a claim on an
order's lines whose decision lands in the books as drafts the Claims Officer cannot post.

The order story is made over HTTP by Administrator through ERPNext's own API: items, a customer, a
submitted Sales Order, its invoice (ERPNext's make_sales_invoice mapper) and the payment
(get_payment_entry), every name unique per run.
"""

from __future__ import annotations

import json
import uuid
from datetime import date, timedelta

import pytest

MILK, BREAD, EGGS = 95.0, 62.0, 119.0
PAID = 300.0


def _ok(response):
    assert response.status_code == 200, (response.status_code, response.text[:1500])
    return response.json()


def _insert_and_submit(admin, doc: dict) -> dict:
    made = _ok(admin.call("frappe.client.insert", doc=doc))["message"]
    return _ok(admin.call("frappe.client.submit", doc=made))["message"]


def _first_leaf(admin, doctype: str, preferred: str) -> str:
    if admin.rows(doctype, {"name": preferred}):
        return preferred
    return admin.rows(doctype, {"is_group": 0}, limit=1)[0]["name"]


@pytest.fixture(scope="module")
def story(admin):
    """A shopper's order: 3 milk, 1 bread, 2 eggs (585.00), invoiced, 300.00 of it paid by card so far."""
    tag = uuid.uuid4().hex[:8]
    group = _first_leaf(admin, "Item Group", "Products")
    items = {}
    for code, rate in (("MILK", MILK), ("BREAD", BREAD), ("EGGS", EGGS)):
        item_code = f"HTTP-{code}-{tag}"
        admin.insert("Item", item_code=item_code, item_name=f"{code.title()} {tag}", item_group=group,
                     stock_uom="Nos", is_stock_item=0)
        items[code] = (item_code, rate)
    customer = admin.insert("Customer", customer_name=f"Анна Смирнова {tag}", customer_type="Individual",
                            customer_group=_first_leaf(admin, "Customer Group", "Individual"),
                            territory=_first_leaf(admin, "Territory", "Russian Federation"))["name"]
    today = date.today().isoformat()
    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    order = _insert_and_submit(admin, {
        "doctype": "Sales Order", "customer": customer, "transaction_date": today, "delivery_date": tomorrow,
        "items": [{"item_code": items[c][0], "qty": q, "rate": items[c][1], "delivery_date": tomorrow}
                  for c, q in (("MILK", 3), ("BREAD", 1), ("EGGS", 2))],
    })
    invoice = _ok(admin.call("erpnext.selling.doctype.sales_order.sales_order.make_sales_invoice",
                             source_name=order["name"]))["message"]
    invoice = _insert_and_submit(admin, invoice)
    payment = _ok(admin.call("erpnext.accounts.doctype.payment_entry.payment_entry.get_payment_entry",
                             dt="Sales Invoice", dn=invoice["name"]))["message"]
    payment.update({"reference_no": f"card-{tag}", "reference_date": today, "paid_amount": PAID,
                    "received_amount": PAID})
    payment["references"][0]["allocated_amount"] = PAID
    payment = _insert_and_submit(admin, payment)
    lines = {row["item_code"]: row["name"] for row in order["items"]}
    return {"tag": tag, "items": items, "customer": customer, "order": order["name"], "lines": lines,
            "invoice": invoice["name"], "paid": payment["paid_amount"], "grand_total": invoice["grand_total"]}


def _claim(client, story, lines, **values) -> dict:
    return client.insert("Claim", order_link=story["order"], customer_type="Customer", customer=story["customer"],
                         items=[{"order_item": story["lines"][story["items"][code][0]], "item": "typed by hand",
                                 "quantity": qty, "category": category, "rate": 9999, "amount": 9999}
                                for code, qty, category in lines],
                         **values)


def _decide(client, claim: str, resolution: str, amount: float = 0):
    response = client.update("Claim", claim, status="In Review")
    assert response.status_code == 200, response.text[:1000]
    return client.update("Claim", claim, status="Approved", resolution=resolution, amount_approved=amount)


# --- a Support Agent and the ERP's records ---------------------------------------------------------


@pytest.mark.parametrize("doctype", ["Customer", "Sales Order", "Contact", "Sales Invoice", "Delivery Note",
                                     "Payment Entry"])
def test_an_agent_reads_erp_records_but_cannot_export_them_as_csv(admin, agent, story, doctype):
    assert agent.get(f"/api/resource/{doctype}", params={"limit_page_length": 1}).status_code == 200
    params = {"doctype": doctype, "file_format_type": "CSV", "fields": json.dumps([f"`tab{doctype}`.`name`"]),
              "filters": json.dumps({})}
    refused = agent.post("/api/method/frappe.desk.reportview.export_query", data=params)
    assert refused.status_code == 403, (refused.status_code, refused.text[:300])
    assert "text/csv" not in refused.headers.get("Content-Type", "")
    # The same request exports for someone allowed to (so the 403 is the permission, not the request).
    allowed = admin.post("/api/method/frappe.desk.reportview.export_query", data=params)
    assert allowed.status_code == 200, allowed.text[:300]


def test_an_agent_sees_the_order_but_not_the_shops_prices_or_stock(admin, agent, story):
    order = agent.doc("Sales Order", story["order"])
    assert [row["rate"] for row in order["items"]] == [MILK, BREAD, EGGS]  # what the customer was charged
    item_code = story["items"]["MILK"][0]
    args = json.dumps({"item_code": item_code, "customer": story["customer"], "doctype": "Sales Order",
                       "company": order["company"], "price_list": order["selling_price_list"],
                       "currency": order["currency"], "conversion_rate": 1, "qty": 1,
                       "transaction_date": order["transaction_date"]})
    method = "erpnext.stock.get_item_details.get_item_details"
    refused = agent.post(f"/api/method/{method}", data={"args": args})
    assert refused.status_code == 403, (refused.status_code, refused.text[:500])
    assert "price_list_rate" not in refused.text
    answered = _ok(admin.post(f"/api/method/{method}", data={"args": args}))
    assert "price_list_rate" in answered["message"]
    for method, params in (
        ("erpnext.stock.get_item_details.apply_price_list", {"args": args}),
        ("erpnext.stock.utils.get_stock_balance", {"item_code": item_code, "warehouse": ""}),
        ("erpnext.stock.get_item_details.get_bin_details", {"item_code": item_code, "warehouse": ""}),
        ("erpnext.stock.doctype.item.item.get_item_details", {"item_code": item_code}),
        ("erpnext.accounts.doctype.pricing_rule.pricing_rule.apply_pricing_rule", {"args": args}),
    ):
        response = agent.post(f"/api/method/{method}", data=params)
        assert response.status_code == 403, (method, response.status_code, response.text[:300])
    for doctype in ("Item Price", "Bin", "Price List"):
        response = agent.get(f"/api/resource/{doctype}", params={"limit_page_length": 1})
        assert response.status_code == 403, (doctype, response.status_code)


def test_an_agent_cannot_write_an_order_or_an_invoice(admin, agent, story):
    before = admin.doc("Sales Order", story["order"])
    refused = agent.update("Sales Order", story["order"], customer_name="Hacked", po_no="changed")
    assert refused.status_code == 403, (refused.status_code, refused.text[:300])
    after = admin.doc("Sales Order", story["order"])
    assert (after["customer_name"], after.get("po_no"), after["modified"]) == (
        before["customer_name"], before.get("po_no"), before["modified"])
    created = agent.post("/api/resource/Sales Order", json={"customer": story["customer"], "items": []})
    assert created.status_code == 403, (created.status_code, created.text[:300])
    returned = agent.call("erpnext.accounts.doctype.sales_invoice.sales_invoice.make_sales_return",
                          source_name=story["invoice"])
    assert returned.status_code == 403, (returned.status_code, returned.text[:300])


def test_an_agent_corrects_a_contacts_phone_and_email_only(admin, agent, story):
    tag = uuid.uuid4().hex[:8]
    contact = admin.insert("Contact", first_name="Анна", last_name=tag,
                           email_ids=[{"email_id": f"old-{tag}@grocery.example", "is_primary": 1}],
                           phone_nos=[{"phone": "+7 916 555-12-07", "is_primary_mobile_no": 1}],
                           links=[{"link_doctype": "Customer", "link_name": story["customer"]}])["name"]
    answer = agent.call("support_hub.crm.contact_details.update_contact", contact=contact,
                        email_id=f"new-{tag}@grocery.example", phone="+7 916 555-99-00")
    assert answer.status_code == 200, answer.text[:500]
    stored = admin.doc("Contact", contact)
    assert (stored["email_id"], stored["mobile_no"]) == (f"new-{tag}@grocery.example", "+7 916 555-99-00")
    bad = agent.call("support_hub.crm.contact_details.update_contact", contact=contact, email_id="nope")
    assert bad.status_code == 417 and "nope" in bad.text
    renamed = agent.update("Contact", contact, first_name="Someone else")
    assert renamed.status_code == 403
    assert admin.doc("Contact", contact)["first_name"] == "Анна"


# --- a Claims Officer: from the order's lines to drafts in the books --------------------------------


def test_a_claim_from_lines_is_priced_by_the_server(claims_officer, story):
    offered = _ok(claims_officer.call("support_hub.claims.order_lines.lines_to_claim", order=story["order"]))
    open_qty = {line["item_code"]: line["open_qty"] for line in offered["message"]["lines"]}
    assert open_qty[story["items"]["MILK"][0]] >= 1
    claim = _claim(claims_officer, story, [("MILK", 1, "Missing"), ("EGGS", 1, "Damaged")], amount_claimed=100000)
    assert [(row["item"], row["rate"], row["amount"]) for row in claim["items"]] == [
        (story["items"]["MILK"][0], MILK, MILK), (story["items"]["EGGS"][0], EGGS, EGGS)]
    assert claim["amount_claimed"] == MILK + EGGS


def test_a_refund_lands_as_draft_credit_note_and_payment_the_officer_cannot_post(admin, claims_officer, story):
    claim = _claim(claims_officer, story, [("BREAD", 1, "Damaged")])
    decided = _decide(claims_officer, claim["name"], "Refund", BREAD)
    assert decided.status_code == 200, decided.text[:1500]
    stored = admin.doc("Claim", claim["name"])
    note = admin.doc("Sales Invoice", stored["credit_note"])
    assert (note["docstatus"], note["is_return"], note["return_against"]) == (0, 1, story["invoice"])
    assert [(row["item_code"], row["qty"]) for row in note["items"]] == [(story["items"]["BREAD"][0], -1)]
    entry = admin.doc("Payment Entry", stored["refund_entry"])
    assert (entry["docstatus"], entry["payment_type"], entry["party"], entry["paid_amount"]) == (
        0, "Pay", story["customer"], BREAD)
    # Posting money is the accountants' job.
    for doctype, name in (("Sales Invoice", note["name"]), ("Payment Entry", entry["name"])):
        doc = claims_officer.doc(doctype, name)
        refused = claims_officer.call("frappe.client.submit", doc=doc)
        assert refused.status_code == 403, (doctype, refused.status_code, refused.text[:300])
        assert admin.doc(doctype, name)["docstatus"] == 0


def test_a_replacement_lands_as_a_draft_order_of_the_claimed_lines(admin, claims_officer, story):
    claim = _claim(claims_officer, story, [("MILK", 1, "Wrong Item")])
    decided = _decide(claims_officer, claim["name"], "Replacement")
    assert decided.status_code == 200, decided.text[:1500]
    order = admin.doc("Sales Order", admin.doc("Claim", claim["name"])["replacement_order"])
    assert order["docstatus"] == 0 and order["customer"] == story["customer"]
    assert [(row["item_code"], row["qty"]) for row in order["items"]] == [(story["items"]["MILK"][0], 1)]


def test_refunding_more_than_was_paid_is_refused_and_nothing_is_written(admin, claims_officer, story):
    # The courier was two hours late: a claim on the whole order, no lines; 300.00 of 585.00 was paid.
    claim = claims_officer.insert("Claim", order_link=story["order"], customer_type="Customer",
                                  customer=story["customer"], amount_claimed=story["grand_total"])
    entries = len(admin.rows("Payment Entry", {"party": story["customer"]}, limit=0))
    notes = len(admin.rows("Sales Invoice", {"customer": story["customer"], "is_return": 1}, limit=0))
    refused = _decide(claims_officer, claim["name"], "Compensation", PAID + 1)
    assert refused.status_code == 417, (refused.status_code, refused.text[:500])
    assert "more than the customer paid" in refused.text and story["order"] in refused.text
    stored = admin.doc("Claim", claim["name"])
    assert (stored["status"], stored.get("resolution") or None, stored.get("refund_entry")) == ("In Review", None, None)
    assert len(admin.rows("Payment Entry", {"party": story["customer"]}, limit=0)) == entries
    assert len(admin.rows("Sales Invoice", {"customer": story["customer"], "is_return": 1}, limit=0)) == notes


def test_a_claim_on_the_whole_order_cannot_ask_more_than_the_order_is_worth(claims_officer, story):
    response = claims_officer.post("/api/resource/Claim", json={
        "order_link": story["order"], "amount_claimed": story["grand_total"] + 1})
    assert response.status_code == 417, (response.status_code, response.text[:500])
    assert "more than the whole order is worth" in response.text


def test_claiming_more_than_is_left_of_a_line_is_refused(admin, claims_officer, story):
    before = len(admin.rows("Claim", {"order_link": story["order"]}, limit=0))
    response = claims_officer.post("/api/resource/Claim", json={
        "order_link": story["order"],
        "items": [{"order_item": story["lines"][story["items"]["BREAD"][0]], "item": "x", "quantity": 5,
                   "category": "Missing"}]})
    assert response.status_code == 417, (response.status_code, response.text[:500])
    assert "can be" in response.text
    assert len(admin.rows("Claim", {"order_link": story["order"]}, limit=0)) == before
