"""What happens to every new ticket once it is committed, whatever channel it came from:
assignment and tags by the routing decision, and the auto-reply.

The routing *decision* is taken before the ticket is saved (its type and priority shape the SLA);
its side effects run here, in a background job, so intake over the API or a mail burst stays fast.
A ticket whose job was lost (a worker killed mid-run) is picked up by the every-minute sweep:
`intake_done` is set only when the job finished.

The work runs as the automation user (see actor.py), whoever sent the ticket: a Guest's web ticket is
routed, tagged and answered like any other. Each ticket is processed in isolation: one whose
processing fails (say a sender address Contact refuses) is rolled back alone, its error logged once
(an Error Log and one timeline line on the ticket) and left for a person; the others go on.
"""

from __future__ import annotations

import frappe
from frappe import _
from frappe.utils import add_to_date, now_datetime

from support_hub.automation import auto_reply, log, routing
from support_hub.automation.actor import acting_as_automation
from support_hub.crm.identify import create_contact_for
from support_hub.engine.identity import classify_sender
from support_hub.engine.routing import RoutingDecision

# How long a new ticket may wait for its job before the sweep does the work itself.
GRACE_MINUTES = 3
SAVEPOINT = "support_hub_intake"


def queue(ticket) -> None:
    frappe.enqueue(
        "support_hub.automation.intake.process",
        queue="short",
        ticket=ticket.name,
        decision=routing.decision_as_dict(ticket.flags.routing_decision),
        skip_auto_reply=bool(ticket.flags.skip_auto_reply),
        new_contact=ticket.flags.new_contact,
        enqueue_after_commit=True,
        now=bool(frappe.flags.in_test),
    )


def process(ticket: str, decision: dict | None = None, skip_auto_reply: bool = False, recompute: bool = False,
            new_contact: tuple | list | None = None) -> bool:
    """The job: do the ticket's intake work; False when it failed (rolled back, error recorded)."""
    frappe.db.savepoint(SAVEPOINT)
    try:
        with acting_as_automation():
            _process(ticket, decision, skip_auto_reply, recompute, new_contact)
        return True
    except Exception:
        try:
            frappe.db.rollback(save_point=SAVEPOINT)  # only this ticket's work, not the caller's
        except Exception:
            frappe.db.rollback()
        _record_failure(ticket)
        return False


def _process(ticket: str, decision: dict | None, skip_auto_reply: bool, recompute: bool,
             new_contact: tuple | list | None) -> None:
    if not frappe.db.exists("Ticket", ticket):
        return  # deleted before its job ran: nothing to route or answer
    doc = frappe.get_doc("Ticket", ticket, for_update=True)
    if recompute and not doc.contact and doc.raised_by:
        sender = classify_sender(doc.raised_by)
        new_contact = (sender.kind, sender.address, None) if sender else None
    if new_contact and not doc.contact:
        doc.contact = create_contact_for(doc.name, *new_contact)
    if doc.intake_done:
        return  # the sweep and the job raced: the first one did it
    if recompute:
        routed = routing.engine.route(routing.compiled_rules(), routing.ticket_text(doc), routing.account_manager(doc))
    else:
        routed = RoutingDecision(**decision) if decision else None
    routing.apply_decision(doc, routed)
    if not skip_auto_reply:
        auto_reply.send_for_new_ticket(doc)
    # A system field (support_hub.system_fields): the new `modified` reloads a form opened on the new
    # ticket, instead of letting it save intake_done = 0 back (which the guard would refuse).
    doc.db_set("intake_done", 1, notify=True)


def failure_key(ticket: str) -> str:
    return f"{ticket}|intake-failed"


def _record_failure(ticket: str) -> None:
    """Once per ticket: an Error Log with the traceback and a timeline line an agent can act on."""
    traceback = frappe.get_traceback(with_context=False)
    if not frappe.db.exists("Ticket", ticket) or log.already_done(failure_key(ticket)):
        return
    error = frappe.log_error(title=f"Ticket intake failed: {ticket}", message=traceback,
                             reference_doctype="Ticket", reference_name=ticket)
    reason = traceback.strip().splitlines()[-1][:500] if traceback.strip() else "unknown error"
    doc = frappe.get_doc("Ticket", ticket)
    log.record(doc, "Intake", None, "failed", reason, dedupe_key=failure_key(ticket),
               timeline=_("Automatic intake failed ({0}): routing, assignment and the auto-reply were not done. Handle this ticket by hand; details in Error Log {1}.").format(
                   frappe.utils.escape_html(reason), error.name))


def sweep_unprocessed(now=None) -> list[str]:
    """Scheduler safety net: tickets whose intake job never finished get processed now."""
    cutoff = add_to_date(now or now_datetime(), minutes=-GRACE_MINUTES)
    failed = frappe.qb.DocType("Support Automation Log")
    ticket = frappe.qb.DocType("Ticket")
    names = (
        frappe.qb.from_(ticket)
        .left_join(failed).on((failed.ticket == ticket.name) & (failed.automation == "Intake") & (failed.action == "failed"))
        .select(ticket.name)
        .where((ticket.intake_done == 0) & (ticket.creation < cutoff) & failed.name.isnull())
        .orderby(ticket.creation)
        .limit(500)
        .run(pluck=True)
    )
    for name in names:
        process(name, recompute=True)
        frappe.db.commit()  # its work, or the record of its failure
    return names
