"""The waiting-for-customer ladder, and the customer-reply hook that reopens (automation.reopen).

While a ticket waits on the customer, the ladder reminds them, warns that the ticket will close,
then closes it with the reason "no reply". Each step is carried out exactly once: its dedupe key
(ticket, start of this waiting period, step) goes into the Support Automation Log in the same
transaction as the message and the ticket update, so a late, repeated or restarted scheduler
cannot repeat it, and a crash before the commit leaves nothing half done.
"""

from __future__ import annotations

import json
from datetime import datetime

import frappe
from frappe import _
from frappe.core.utils import html2text
from frappe.utils import get_datetime, now_datetime

from support_hub.automation import channels, log
from support_hub.automation.reopen import reopen, reply_reopens
from support_hub.engine import ladder as engine
from support_hub.sla.policies import enabled_policies
from support_hub.system_time import to_aware

WAITING = "Waiting for Customer"


def ladder_steps(rows) -> list[engine.LadderStep]:
    return [
        engine.LadderStep(
            name=f"{row.idx}:{row.action}",
            after_minutes=float(row.after_hours or 0) * 60,
            working_time=bool(row.working_time),
            action=row.action,
            template=row.template or None,
        )
        for row in rows
    ]


def track(doc, before, now: datetime) -> None:
    """On every save: a ticket that starts waiting starts a fresh ladder; one that stops, drops it."""
    waiting_now = doc.status == WAITING
    waited_before = before is not None and before.status == WAITING
    if waiting_now and not waited_before:
        doc.waiting_since = now
        doc.ladder_steps_done = "[]"
    elif not waiting_now and waited_before:
        doc.waiting_since = None
        doc.ladder_steps_done = None


def _ladders() -> dict[str | None, tuple[str, list[engine.LadderStep]]]:
    """Enabled ladders by ticket type (None: the one for every other type)."""
    rows = frappe.get_all("Waiting Ladder", filters={"enabled": 1}, fields=["name", "ticket_type"])
    if not rows:
        return {}
    steps: dict[str, list] = {}
    for step in frappe.get_all(
        "Waiting Ladder Step",
        filters={"parenttype": "Waiting Ladder", "parent": ["in", [r.name for r in rows]]},
        fields=["parent", "idx", "action", "after_hours", "working_time", "template"],
        order_by="idx asc",
    ):
        steps.setdefault(step.parent, []).append(step)
    return {r.ticket_type or None: (r.name, ladder_steps(steps.get(r.name, []))) for r in rows}


def run(now: datetime | None = None, commit: bool = True) -> list[tuple[str, str]]:
    """Scheduler entry point: carry out every ladder step that is due. Returns (ticket, step) done."""
    now = now or now_datetime()
    ladders = _ladders()
    if not ladders:
        return []
    waiting = frappe.get_all(
        "Ticket",
        filters={"status": WAITING, "waiting_since": ["is", "set"]},
        fields=["name", "ticket_type", "waiting_since", "ladder_steps_done", "sla_policy"],
    )
    policies = enabled_policies()
    done = []
    for row in waiting:
        ladder = ladders.get(row.ticket_type) or ladders.get(None)
        if not ladder:
            continue
        policy = policies.get(row.sla_policy)
        steps_done = json.loads(row.ladder_steps_done or "[]")
        due = engine.due_steps(ladder[1], to_aware(row.waiting_since), steps_done, to_aware(now),
                               policy.calendar if policy else None)
        for step in due:
            if _carry_out(row.name, ladder[0], step, now):
                done.append((row.name, step.name))
            if commit:
                frappe.db.commit()
    return done


def _carry_out(ticket_name: str, ladder: str, step: engine.LadderStep, now: datetime) -> bool:
    ticket = frappe.get_doc("Ticket", ticket_name, for_update=True)
    if ticket.status != WAITING:
        return False  # the customer answered while we were busy
    key = engine.step_key(ticket.name, to_aware(ticket.waiting_since), step)
    steps_done = json.loads(ticket.ladder_steps_done or "[]")
    if log.already_done(key):
        ticket.db_set("ladder_steps_done", json.dumps(sorted(set(steps_done) | {step.name})), notify=True)
        return False
    waited_days = round((get_datetime(now) - get_datetime(ticket.waiting_since)).total_seconds() / 86400, 1)
    if step.action == engine.CLOSE:
        reason = _("Closed by the waiting ladder «{0}»: no reply for {1} days").format(ladder, waited_days)
        log.record(ticket, "Waiting Ladder", ladder, step.name, reason, dedupe_key=key, timeline=reason)
        ticket.status = "Closed"
        ticket.close_reason = _("No reply")
        ticket.flags.ignore_permissions = True
        ticket.save()
        return True
    subject = _("Re: {0} [{1}]").format(ticket.subject, ticket.name)
    body = frappe.render_template(step.template or "", {"doc": ticket, "waited_days": waited_days})
    channels.send(ticket, subject, channels.as_html(body))
    label = _("Reminder sent") if step.action == engine.REMIND else _("Closing notice sent")
    reason = _("{0} by the waiting ladder «{1}»: no reply for {2} days").format(label, ladder, waited_days)
    log.record(ticket, "Waiting Ladder", ladder, step.name, reason, dedupe_key=key, timeline=reason)
    # A system field (support_hub.system_fields): the new `modified` keeps open forms from saving it back.
    ticket.db_set("ladder_steps_done", json.dumps(steps_done + [step.name]), notify=True)
    return True


def reopen_on_customer_reply(communication, method=None) -> None:
    """A customer's message brings a waiting, answered or recently closed ticket back to Open."""
    if communication.reference_doctype != "Ticket" or not communication.reference_name:
        return
    if communication.communication_type != "Communication" or communication.sent_or_received != "Received":
        return
    if frappe.flags.support_hub_automatic_mail:
        return  # an out-of-office or a bounce is no answer from the customer
    ticket = frappe.get_doc("Ticket", communication.reference_name, for_update=True)
    if not reply_reopens(ticket, html2text(communication.content or "").strip()):
        return
    reopen(ticket, _("Reopened by the customer's reply (was {0})").format(_(ticket.status)))
