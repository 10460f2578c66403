"""The Ticket form's conversation and reply box over HTTP, as each role: an agent reads the thread
(the description first, then messages and notes in order) and replies; a claims officer may add a
note to a claimed ticket but not answer the customer; Guest and a Website User get nothing; an empty
message is a 4xx and writes nothing."""

from __future__ import annotations

import uuid

THREAD = "support_hub.api.ticket.conversation"
REPLY = "support_hub.api.ticket.reply"


def _ticket(admin, **values) -> str:
    values.setdefault("subject", f"Conversation {uuid.uuid4().hex[:6]}")
    values.setdefault("channel", "Email")
    values.setdefault("raised_by", f"conv-{uuid.uuid4().hex[:8]}@customer.example")
    values.setdefault("description", "<p>My order has not arrived.</p><script>alert(1)</script>")
    return admin.insert("Ticket", **values)["name"]


def _written(admin, ticket: str) -> int:
    return (len(admin.rows("Communication", {"reference_doctype": "Ticket", "reference_name": ticket}, limit=0))
            + len(admin.rows("Comment", {"reference_doctype": "Ticket", "reference_name": ticket,
                                         "comment_type": "Comment"}, limit=0)))


def test_an_agent_reads_the_thread_and_replies(site, admin, agent):
    ticket = _ticket(admin)
    # The intake job (the real worker) ties the sender to a contact first, as before any agent sees it.
    site.wait_for(lambda: admin.doc("Ticket", ticket)["intake_done"], timeout=90, what="intake done")
    note = agent.call(REPLY, ticket=ticket, message="Asked the courier", note=1)
    assert note.status_code == 200 and note.json()["message"]["kind"] == "note", note.text[:500]
    sent = agent.call(REPLY, ticket=ticket, message="It goes out <today>")
    assert sent.status_code == 200 and sent.json()["message"]["kind"] == "Email", sent.text[:500]

    response = agent.call(THREAD, http="GET", ticket=ticket)
    assert response.status_code == 200, response.text[:500]
    data = response.json()["message"]
    items = data["items"]
    assert items[0]["first"] and "has not arrived" in items[0]["content"]
    assert "<script" not in items[0]["content"]  # customers' HTML is sanitized
    assert [i["direction"] for i in items[1:]] == ["note", "out"], items
    assert "&lt;today&gt;" in items[2]["content"]  # the agent's text is escaped, not HTML
    assert data["reply"] == "Email" and data["can_reply"] is True
    stored = admin.rows("Communication", {"reference_doctype": "Ticket", "reference_name": ticket,
                                          "sent_or_received": "Sent"}, fields=["recipients", "subject"])
    assert stored and ticket in stored[0]["subject"], stored


def test_an_empty_reply_is_refused_and_writes_nothing(admin, agent):
    ticket = _ticket(admin)
    before = _written(admin, ticket)
    for params in ({"message": "   "}, {"message": "", "note": 1}, {}):
        response = agent.call(REPLY, ticket=ticket, **params)
        assert 400 <= response.status_code < 500, (params, response.status_code, response.text[:300])
    assert _written(admin, ticket) == before


def test_who_may_read_and_answer(admin, guest, website_user, claims_officer):
    ticket = _ticket(admin, channel="Internal")
    admin.insert("Claim", ticket=ticket, amount_claimed=100,
                 items=[{"item": "Jar of honey", "quantity": 1, "problem": "Broken"}])
    for session in (guest, website_user):
        for method, params in ((THREAD, {}), (REPLY, {"message": "hi"})):
            response = session.call(method, http="GET" if method == THREAD else "POST", ticket=ticket, **params)
            assert response.status_code == 403, (session.user, method, response.status_code, response.text[:300])
    before = _written(admin, ticket)
    refused = claims_officer.call(REPLY, ticket=ticket, message="We will refund you")
    assert refused.status_code == 403, (refused.status_code, refused.text[:300])
    assert _written(admin, ticket) == before
    read = claims_officer.call(THREAD, http="GET", ticket=ticket)
    assert read.status_code == 200 and read.json()["message"]["can_reply"] is False, read.text[:300]
    noted = claims_officer.call(REPLY, ticket=ticket, message="Refund approved", note=1)
    assert noted.status_code == 200, noted.text[:300]
