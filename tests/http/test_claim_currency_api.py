"""A claim's amounts are in a currency: made over REST without one, it takes the site's default (no
ERPNext company here), and both amount fields are shown in it."""

from __future__ import annotations

import uuid


def test_a_claim_takes_the_default_currency(admin, agent):
    ticket = admin.insert("Ticket", subject=f"Broken jar {uuid.uuid4().hex[:6]}", channel="Internal",
                          raised_by=f"cur-{uuid.uuid4().hex[:8]}@customer.example")["name"]
    claim = agent.insert("Claim", ticket=ticket, amount_claimed=340,
                         items=[{"item": "Jar of honey", "quantity": 1, "problem": "Broken"}])
    currency = admin.doc("Claim", claim["name"])["currency"]
    assert currency and admin.doc("Currency", currency)["name"] == currency
    meta = admin.call("frappe.desk.form.load.getdoctype", http="GET", doctype="Claim").json()["docs"][0]
    options = {f["fieldname"]: f.get("options") for f in meta["fields"]}
    assert options["amount_claimed"] == options["amount_approved"] == "currency"
