"""Sending a Tag Broadcast, exactly once per customer, resumable after a crash.

The engine (engine.broadcast) decides: which recipients come next (`next_batch`, from the states the
job loaded and keeps up to date), whether one is sent (`send_decision`, on its state read under a row
lock) and which moves are allowed (`can_transition`). This module persists: for each recipient sent,
the message (a Communication on the ticket, plus its Email Queue or Telegram outbox row) and the
recipient's move to Sent are written in one transaction and committed together. A worker killed at
any point leaves each recipient either Pending (nothing written: it will be sent on resume) or Sent
(written: it never will be again). Channels pace themselves: the Email Queue by Frappe's own sender,
Telegram by the outbox (30 messages a second).
"""

from __future__ import annotations

import time

import frappe
from frappe import _
from frappe.desk.doctype.tag.tag import remove_tag

from support_hub.automation import channels
from support_hub.engine import broadcast as engine

BATCH = 200
PROGRESS_EVERY = 25


def _commit() -> None:
    # Each commit is what makes a recipient's message and its Sent mark durable together. Inside the
    # test runner the whole test is one transaction that is rolled back, so it must not commit there
    # (the crash test runs the job in a separate process, where it does).
    if not frappe.flags.in_test:
        frappe.db.commit()


def render(broadcast, ticket, recipient) -> tuple[str, str]:
    context = {"doc": ticket, "customer_name": recipient.customer_name, "tickets": recipient.all_tickets.split("\n")}
    subject = frappe.render_template(broadcast.subject or "{{ doc.subject }}", context)
    return subject, channels.as_html(frappe.render_template(broadcast.template, context))


def _send_one(broadcast, name: str) -> str | None:
    """Send to one recipient if the engine says so; returns the state it is left in (None: gone)."""
    recipient = frappe.db.get_value("Tag Broadcast Recipient", name, ["name", "state", "ticket", "channel", "address",
                                                                      "customer_name", "all_tickets"],
                                    as_dict=True, for_update=True)
    if not recipient:
        return None
    if engine.send_decision(recipient.state) == engine.SKIP:
        return recipient.state  # another run got there first
    ticket = frappe.get_doc("Ticket", recipient.ticket)
    frappe.db.savepoint("broadcast_recipient")
    try:
        subject, html = render(broadcast, ticket, recipient)
        communication = channels.send_via(recipient.channel, ticket, subject, html, address=recipient.address)
        values = {"state": engine.RecipientState.SENT.value, "communication": communication}
    except Exception as error:  # a bad address or a template error: this customer fails, the rest go on
        frappe.db.rollback(save_point="broadcast_recipient")
        values = {"state": engine.RecipientState.FAILED.value, "error": str(error)[:500]}
    if not engine.can_transition(recipient.state, values["state"]):
        raise ValueError(f"recipient {name} cannot go from {recipient.state} to {values['state']}")
    frappe.db.set_value("Tag Broadcast Recipient", name, values, update_modified=False)
    return values["state"]


def _counts(name: str) -> dict[str, int]:
    rows = frappe.get_all("Tag Broadcast Recipient", filters={"broadcast": name}, fields=["state", "count(*) as n"],
                          group_by="state")
    return {r.state: r.n for r in rows}


def _stored_states(name: str) -> dict[str, str]:
    """Every recipient's state in plan order: what the engine hands out batches from."""
    rows = frappe.get_all("Tag Broadcast Recipient", filters={"broadcast": name}, fields=["name", "state"],
                          order_by="name asc", as_list=True)
    return dict(rows)


def run(broadcast: str, pause: float = 0.0) -> dict[str, int]:
    """The background job (also the resume after a crash: it picks up whatever is still Pending)."""
    doc = frappe.get_doc("Tag Broadcast", broadcast)
    if doc.status not in ("Sending", "Planned"):
        return _counts(broadcast)
    doc.db_set("status", "Sending")
    _commit()
    states = _stored_states(broadcast)
    handled = 0
    while batch := engine.next_batch(states, BATCH):
        for name in batch:
            state = _send_one(doc, name)
            if state is None:
                del states[name]  # re-planned away underneath us
            else:
                states[name] = state
            _commit()  # the message and the Sent mark, together
            handled += 1
            if pause:
                time.sleep(pause)  # tests use it to have time to kill the worker mid-run
            if handled % PROGRESS_EVERY == 0:
                _publish_progress(doc, states)
    _finish(doc)
    return _counts(broadcast)


def _publish_progress(doc, states: dict[str, str]) -> None:
    done, total, _percent = engine.progress(states)
    failed = sum(1 for state in states.values() if state == engine.RecipientState.FAILED.value)
    doc.db_set({"sent_count": done - failed, "failed_count": failed}, update_modified=False)
    _commit()
    frappe.publish_realtime("support_hub_broadcast_progress", {"broadcast": doc.name, "sent": done, "total": total},
                            doctype="Tag Broadcast", docname=doc.name)


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
    _publish_progress(doc, _stored_states(doc.name))


def resume_stalled() -> list[str]:
    """Scheduler safety net: a broadcast left Sending by a killed worker is queued again."""
    names = frappe.get_all("Tag Broadcast", filters={"status": "Sending"}, pluck="name")
    for name in names:
        enqueue(name)
    return names


def enqueue(name: str) -> None:
    frappe.enqueue("support_hub.broadcasts.sending.run", queue="long", timeout=3600, broadcast=name,
                   job_id=f"tag-broadcast-{name}", deduplicate=True, now=bool(frappe.flags.in_test))
