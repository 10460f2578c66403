"""Tag Broadcast Preview over HTTP as a Support Manager: the rendered message for one real recipient,
nothing written (status and recipients unchanged); Send is the one call that plans and sends; an
agent may do neither."""

from __future__ import annotations

import uuid

from served import body_text

METHODS = "support_hub.support_hub.doctype.tag_broadcast.tag_broadcast"


def tagged_world(admin, tag: str, customers: int = 2) -> list[str]:
    addresses = [f"bc-{uuid.uuid4().hex[:8]}@customer.example" for _ in range(customers)]
    for address in addresses:
        ticket = admin.insert("Ticket", subject=f"Recall {tag}", channel="Email", raised_by=address)["name"]
        response = admin.call("frappe.desk.doctype.tag.tag.add_tag", tag=tag, dt="Ticket", dn=ticket)
        assert response.status_code == 200, response.text[:300]
    return addresses


def test_preview_renders_one_real_recipient_and_writes_nothing(site, admin, manager, agent):
    tag = f"recall-{uuid.uuid4().hex[:6]}"
    addresses = tagged_world(admin, tag)
    broadcast = manager.insert("Tag Broadcast", tag=tag, channel_mode="Email", subject="About {{ doc.name }}",
                               template="Dear {{ customer_name or 'customer' }}, your ticket {{ doc.name }} is affected.")
    name = broadcast["name"]
    response = manager.call(f"{METHODS}.preview", name=name)
    assert response.status_code == 200, response.text[:500]
    data = response.json()["message"]
    assert data["total"] == 2 and data["sample"], data
    sample = data["sample"]
    assert sample["ticket"] in sample["subject"] and f"your ticket {sample['ticket']} is affected" in sample["html"], sample
    stored = admin.doc("Tag Broadcast", name)
    assert stored["status"] == "Draft" and not stored["total_recipients"], stored
    assert admin.rows("Tag Broadcast Recipient", {"broadcast": name}) == []

    for method in ("preview", "send"):
        refused = agent.call(f"{METHODS}.{method}", name=name)
        assert refused.status_code == 403, (method, refused.status_code, refused.text[:300])
    assert admin.doc("Tag Broadcast", name)["status"] == "Draft"

    sent = manager.call(f"{METHODS}.send", name=name)  # the one click: plans as of now and sends
    assert sent.status_code == 200, sent.text[:500]
    site.wait_for(lambda: admin.doc("Tag Broadcast", name)["status"] == "Done", timeout=90, what="the broadcast done")
    assert admin.doc("Tag Broadcast", name)["sent_count"] == 2
    site.flush_mail()
    for address in addresses:
        assert site.wait_for(lambda a=address: [m for m in site.mails_to(a) if "is affected" in body_text(m)],
                             timeout=30, what=f"the broadcast to {address}")
    again = manager.call(f"{METHODS}.send", name=name)
    assert again.status_code == 417, (again.status_code, again.text[:300])
