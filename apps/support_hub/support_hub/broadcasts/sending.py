"""Sending a Tag Broadcast, exactly once per customer, resumable after a crash.

For each Pending recipient, under a row lock: the message (a Communication on the ticket, plus its
Email Queue or Telegram outbox row) and the recipient's move to Sent are written in one transaction
and committed together. A worker killed at any point leaves each recipient either Pending (nothing
written: it will be sent on resume) or Sent (written: it never will be again). Channels pace
themselves: the Email Queue by Frappe's own sender, Telegram by the outbox (30 messages a second).
"""

from __future__ import annotations

import time

import frappe
from frappe import _
from frappe.desk.doctype.tag.tag import remove_tag

from support_hub.automation import channels

BATCH = 200
PROGRESS_EVERY = 25


def _commit() -> None:
    # Each commit is what makes a recipient's message and its Sent mark durable together. Inside the
    # test runner the whole test is one transaction that is rolled back, so it must not commit there
    # (the crash test runs the job in a separate process, where it does).
    if not frappe.flags.in_test:
        frappe.db.commit()


def _render(broadcast, ticket, recipient) -> tuple[str, str]:
    context = {"doc": ticket, "customer_name": recipient.customer_name, "tickets": recipient.all_tickets.split("\n")}
    subject = frappe.render_template(broadcast.subject or "{{ doc.subject }}", context)
    return subject, channels.as_html(frappe.render_template(broadcast.template, context))


def _send_one(broadcast, name: str) -> str | None:
    """Send to one recipient if it is still Pending; returns its new state (None: someone else did)."""
    recipient = frappe.db.get_value("Tag Broadcast Recipient", name, ["name", "state", "ticket", "channel", "address",
                                                                      "customer_name", "all_tickets"],
                                    as_dict=True, for_update=True)
    if not recipient or recipient.state != "Pending":
        return None
    ticket = frappe.get_doc("Ticket", recipient.ticket)
    frappe.db.savepoint("broadcast_recipient")
    try:
        subject, html = _render(broadcast, ticket, recipient)
        communication = channels.send_via(recipient.channel, ticket, subject, html, address=recipient.address)
    except Exception as error:  # a bad address or a template error: this customer fails, the rest go on
        frappe.db.rollback(save_point="broadcast_recipient")
        frappe.db.set_value("Tag Broadcast Recipient", name, {"state": "Failed", "error": str(error)[:500]},
                            update_modified=False)
        return "Failed"
    frappe.db.set_value("Tag Broadcast Recipient", name, {"state": "Sent", "communication": communication},
                        update_modified=False)
    return "Sent"


def _counts(name: str) -> dict[str, int]:
    rows = frappe.get_all("Tag Broadcast Recipient", filters={"broadcast": name}, fields=["state", "count(*) as n"],
                          group_by="state")
    return {r.state: r.n for r in rows}


def run(broadcast: str, pause: float = 0.0) -> dict[str, int]:
    """The background job (also the resume after a crash: it only ever picks Pending rows)."""
    doc = frappe.get_doc("Tag Broadcast", broadcast)
    if doc.status not in ("Sending", "Planned"):
        return _counts(broadcast)
    doc.db_set("status", "Sending")
    _commit()
    done = 0
    while True:
        names = frappe.get_all("Tag Broadcast Recipient", filters={"broadcast": broadcast, "state": "Pending"},
                               pluck="name", order_by="name asc", limit=BATCH)
        if not names:
            break
        for name in names:
            if _send_one(doc, name):
                done += 1
            _commit()  # the message and the Sent mark, together
            if pause:
                time.sleep(pause)  # tests use it to have time to kill the worker mid-run
            if done % PROGRESS_EVERY == 0:
                _publish_progress(doc)
    _finish(doc)
    return _counts(broadcast)


def _publish_progress(doc) -> None:
    counts = _counts(doc.name)
    doc.db_set({"sent_count": counts.get("Sent", 0), "failed_count": counts.get("Failed", 0)}, update_modified=False)
    _commit()
    frappe.publish_realtime("support_hub_broadcast_progress",
                            {"broadcast": doc.name, "sent": counts.get("Sent", 0) + counts.get("Failed", 0),
                             "total": doc.total_recipients}, doctype="Tag Broadcast", docname=doc.name)


def _finish(doc) -> None:
    """All handed over: drop the tag from every ticket of the customers reached, set their status."""
    sent = frappe.get_all("Tag Broadcast Recipient", filters={"broadcast": doc.name, "state": "Sent"},
                          pluck="all_tickets")
    tickets = sorted({t for block in sent for t in (block or "").split("\n") if t})
    for ticket in tickets:
        if doc.remove_tag:
            remove_tag(doc.tag, "Ticket", ticket)
        if doc.set_status:
            ticket_doc = frappe.get_doc("Ticket", ticket)
            if ticket_doc.status != doc.set_status:
                ticket_doc.status = doc.set_status
                ticket_doc.flags.ignore_permissions = True
                ticket_doc.save()
    counts = _counts(doc.name)
    doc.db_set({"status": "Done", "sent_count": counts.get("Sent", 0), "failed_count": counts.get("Failed", 0)})
    doc.add_comment("Info", _("Broadcast finished: {0} sent, {1} failed").format(counts.get("Sent", 0),
                                                                                 counts.get("Failed", 0)))
    _commit()
    _publish_progress(doc)


def resume_stalled() -> list[str]:
    """Scheduler safety net: a broadcast left Sending by a killed worker is queued again."""
    names = frappe.get_all("Tag Broadcast", filters={"status": "Sending"}, pluck="name")
    for name in names:
        enqueue(name)
    return names


def enqueue(name: str) -> None:
    frappe.enqueue("support_hub.broadcasts.sending.run", queue="long", timeout=3600, broadcast=name,
                   job_id=f"tag-broadcast-{name}", deduplicate=True, now=bool(frappe.flags.in_test))
