"""A Claims Officer decides a claim over REST and the customer of its e-mail ticket is told, by a real e-mail
read back from the mail sink, once per decision; what the ticket's timeline keeps is read as Administrator."""

from __future__ import annotations

import uuid


def body(message) -> str:
    part = message.get_body(preferencelist=("html", "plain"))
    return part.get_content() if part else ""


def decision_mails(site, address: str, claim: str) -> list:
    site.flush_mail()
    return [m for m in site.mails_to(address) if claim in body(m)]


def test_the_claims_officers_decision_reaches_the_customer_by_email_once(site, admin, agent, claims_officer):
    address = f"claimant-{uuid.uuid4().hex[:10]}@customer.example"
    ticket = admin.insert("Ticket", subject=f"Broken chair {uuid.uuid4().hex[:6]}", channel="Email",
                          raised_by=address)["name"]
    site.wait_for(lambda: admin.doc("Ticket", ticket).get("intake_done"), timeout=60, what="intake")
    claim = agent.insert("Claim", ticket=ticket, amount_claimed=1500,
                         items=[{"item": "Office chair", "quantity": 1, "problem": "Broken leg"}])["name"]

    for values in ({"status": "In Review"}, {"status": "Approved", "resolution": "Refund", "amount_approved": 1200}):
        response = claims_officer.update("Claim", claim, **values)
        assert response.status_code == 200, response.text[:1000]
    mails = site.wait_for(lambda: decision_mails(site, address, claim), timeout=60, what="the decision e-mail")
    assert len(mails) == 1
    assert f"Your claim {claim} has been approved: we will refund" in body(mails[0])
    assert ticket in (mails[0]["Subject"] or "")  # a reply on the ticket's thread

    # saving the decided claim again tells nothing new
    assert claims_officer.update("Claim", claim, amount_approved=1100).status_code == 200
    site.flush_mail()
    assert len(decision_mails(site, address, claim)) == 1
    told = admin.rows("Support Automation Log", {"ticket": ticket, "action": "claim outcome"}, fields=["dedupe_key"])
    assert told == [{"dedupe_key": f"{claim}|told|Approved"}]
