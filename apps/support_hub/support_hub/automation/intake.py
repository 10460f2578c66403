"""What happens to every new ticket once it is committed, whatever channel it came from:
assignment and tags by the routing decision, and the auto-reply.

The routing *decision* is taken before the ticket is saved (its type and priority shape the SLA);
its side effects run here, in a background job, so intake over the API or a mail burst stays fast.

A burst is worked in batches, not one job per ticket: once a ticket is committed, its job arguments
(the decision) go into a pending set in the queue's Redis and one drain job is queued unless one is
already waiting (`hand_over`). The drain (`process_pending`) reads the pending tickets' state a chunk
at a time (one query), then claims each ticket with `SELECT … FOR UPDATE SKIP LOCKED` (several workers
share a burst without waiting on one another) and commits its work together with `intake_done`, so its
auto-reply is queued as soon as it is done and no lock (the team's round-robin row) is held across
tickets. Exactly once follows from that transaction: a worker killed mid-ticket leaves it uncommitted
and still pending, and the next drain (queued by the next ticket, or by the every-minute sweep) does
it; a ticket already done is only taken off the pending set.
A ticket whose hand-over was lost altogether is picked up by the sweep after GRACE_MINUTES,
recomputing its decision.

The work runs as the automation user (see actor.py), whoever sent the ticket: a Guest's web ticket is
routed, tagged and answered like any other. Each ticket is processed in isolation: one whose
processing fails (say a sender address Contact refuses) is rolled back alone, its error logged once
(an Error Log and one timeline line on the ticket) and left for a person; the others go on.
"""

from __future__ import annotations

import json
import time

import frappe
from frappe import _
from frappe.utils import add_to_date, now_datetime
from frappe.utils.background_jobs import get_redis_conn

from support_hub.automation import assignment, auto_reply, bulk_intake, log, routing
from support_hub.automation.actor import acting_as_automation
from support_hub.crm.identify import ContactRaced, create_contact_for
from support_hub.engine.identity import classify_sender
from support_hub.engine.routing import RoutingDecision

# How long a new ticket may wait for its job before the sweep does the work itself.
GRACE_MINUTES = 3
SAVEPOINT = "support_hub_intake"


# Pending tickets read together (their state in one query); each is then claimed and committed alone.
CHUNK = 20
# A drain hands over to a fresh job after this long, so one job never hogs a worker under a long burst.
DRAIN_SECONDS = 60


def job_args(ticket) -> dict:
    return {
        "decision": routing.decision_as_dict(ticket.flags.routing_decision),
        "skip_auto_reply": bool(ticket.flags.skip_auto_reply),
        "new_contact": ticket.flags.new_contact,
    }


def queue(ticket) -> None:
    """Ticket after_insert: its intake work, once the ticket is committed."""
    if frappe.flags.in_test:
        process(ticket.name, **job_args(ticket))  # tests see the work at once, as before
        return
    name, args = ticket.name, job_args(ticket)
    frappe.db.after_commit.add(lambda: hand_over(name, args))


def _keys() -> tuple[str, str]:
    site = frappe.local.site
    return f"support_hub:intake:pending:{site}", f"support_hub:intake:drain_queued:{site}"


def hand_over(ticket: str, args: dict) -> None:
    """A committed ticket joins the pending set; a drain job is queued unless one is waiting already."""
    pending, _flag = _keys()
    get_redis_conn().hset(pending, ticket, frappe.as_json(args, indent=None))
    wake()


def wake() -> None:
    _pending, flag = _keys()
    # The flag lives until the drain starts (it clears it first thing); the expiry only matters when a
    # queued drain was lost: then the next ticket queues another.
    if get_redis_conn().set(flag, 1, nx=True, ex=90):
        frappe.enqueue("support_hub.automation.intake.process_pending", queue="short")


def pending_count() -> int:
    return get_redis_conn().hlen(_keys()[0])


def process_pending(pause: float = 0, chunk: int = CHUNK) -> int:
    """The drain job: process every pending ticket, each in its own transaction; returns how many it did.
    `pause` (seconds after each ticket) and a small `chunk` only let a test kill it mid-run."""
    redis = get_redis_conn()
    pending_key, flag = _keys()
    redis.delete(flag)  # from here on a new ticket queues a new drain, which finds what this one leaves
    skipped: set[str] = set()  # locked by another drain (or an agent's save): theirs for now
    started = time.monotonic()
    assignment.hold_notices(True)  # the assignees' notifications: one job per chunk, not per ticket
    try:
        done = _drain(redis, pending_key, chunk, pause, skipped, started)
    finally:
        assignment.hold_notices(False)
        assignment.queue_notices()
    if any(name in skipped for name in (n.decode() for n in redis.hkeys(pending_key))) or (
        time.monotonic() - started >= DRAIN_SECONDS and redis.hlen(pending_key)
    ):
        wake()  # what is left goes to a fresh job
    return done


def _drain(redis, pending_key: str, chunk: int, pause: float, skipped: set, started: float) -> int:
    done = 0
    retries: dict[str, int] = {}
    with acting_as_automation():
        # Set-based where nothing else listens to the rows intake writes (bulk_intake); ticket by ticket else.
        fast = bulk_intake.not_covered() is None
        while time.monotonic() - started < DRAIN_SECONDS:
            # The chunk's names from the keys alone, then only their hand-overs: a burst's pending set is
            # read in full by every chunk otherwise.
            names = sorted(n for n in (key.decode() for key in redis.hkeys(pending_key)) if n not in skipped)[:chunk]
            if not names:
                break
            waiting = {name: raw for name, raw in zip(names, redis.hmget(pending_key, names)) if raw is not None}
            names = [name for name in names if name in waiting]  # another drain finished one meanwhile
            if not names:
                continue
            frappe.db.commit()  # a fresh snapshot: tickets committed since this job began exist in it
            state = dict(frappe.db.sql("select name, intake_done from `tabTicket` where name in %(names)s",
                                       {"names": names}))
            finished = [name for name in names if name not in state or state[name]]  # gone, or done already
            together = _set_based(names, state, waiting) if fast else set()
            if together is None:
                fast, together = False, set()  # it failed: this drain goes on ticket by ticket
            finished += together
            done += len(together)
            if together and pause:
                time.sleep(pause)
            for name in names:
                if name not in state or state[name] or name in together:
                    continue
                # Claimed for this ticket's own transaction: a row another drain (or an agent's save)
                # holds is skipped, not waited for, and stays pending.
                if not frappe.db.sql("select name from `tabTicket` where name = %s and intake_done = 0 "
                                     "for update skip locked", name):
                    skipped.add(name)
                    continue
                outcome = process(name, **json.loads(waiting[name]))  # a failure is rolled back and recorded
                frappe.db.commit()  # its work and intake_done together: all or nothing
                if outcome is None:  # a deadlock victim: pending still, tried again (by a later drain after 3)
                    retries[name] = retries.get(name, 0) + 1
                    if retries[name] >= 3:
                        skipped.add(name)
                    continue
                finished.append(name)
                done += 1
                if pause:
                    time.sleep(pause)
            if finished:
                redis.hdel(pending_key, *finished)
            assignment.queue_notices()
    return done


def _set_based(names: list[str], state: dict, waiting: dict) -> set[str] | None:
    """The chunk's tickets the set-based path did, committed; None when it failed (rolled back, logged
    once per drain): the per-ticket path then does them, and says for each one what went wrong."""
    open_names = [name for name in names if name in state and not state[name]]
    if not open_names:
        return set()
    try:
        together = bulk_intake.run_chunk(open_names, waiting)
        frappe.db.commit()
        return together
    except (frappe.QueryDeadlockError, frappe.QueryTimeoutError):
        frappe.db.rollback()  # a moment's contention: these go one by one this time, the next chunk together
        return set()
    except Exception:
        frappe.db.rollback()
        frappe.log_error(title="Ticket intake: a chunk went ticket by ticket",
                         message=frappe.get_traceback(with_context=False))
        frappe.db.commit()
        return None


def process(ticket: str, decision: dict | None = None, skip_auto_reply: bool = False, recompute: bool = False,
            new_contact: tuple | list | None = None) -> bool | None:
    """The job: do the ticket's intake work; False when it failed (rolled back, error recorded); None when
    the database gave up on it for the moment (a deadlock, a lock wait, a new sender's contact or a new
    tag made by another job at the same time): rolled back, nothing recorded, to be tried again."""
    frappe.db.savepoint(SAVEPOINT)
    try:
        with acting_as_automation():
            _process(ticket, decision, skip_auto_reply, recompute, new_contact)
        return True
    except (frappe.QueryDeadlockError, frappe.QueryTimeoutError):
        frappe.db.rollback()  # InnoDB took the whole transaction back already
        return None
    except (ContactRaced, routing.TagRaced):
        # tried again on a fresh snapshot, which has the contact (or tag) the other worker made
        frappe.db.rollback(save_point=SAVEPOINT)
        return None
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
    # The auto-reply first, the assignment last: round robin locks the team's row until the commit, so
    # a burst's drains on the other workers wait only for an assignment, not for an auto-reply too.
    if not skip_auto_reply:
        auto_reply.send_for_new_ticket(doc)
    routing.apply_decision(doc, routed)
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
    """Scheduler safety net: tickets whose intake never finished get processed now, and pending
    tickets whose drain was lost (its worker killed) get a new drain."""
    if pending_count():
        wake()
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
    pending_key = _keys()[0]
    redis = get_redis_conn()
    for name in names:
        handed_over = redis.hget(pending_key, name)
        if handed_over:  # its own decision, as taken when it arrived
            outcome = process(name, **json.loads(handed_over))
        else:
            outcome = process(name, recompute=True)
        frappe.db.commit()  # its work, or the record of its failure
        if outcome is not None:  # a deadlock victim is left for the next sweep
            redis.hdel(pending_key, name)
    return names
