"""Assigning a ticket from the intake job, as Frappe's own assignment does it, in one job.

Frappe's `assign_to.add` writes the ToDo (which sets the ticket's `_assign` and its "assigned"
timeline line), shares the ticket with an assignee who could not read it, makes them follow it, and
then queues a *second* background job per assignment to write the assignee's Notification Log (and
its e-mail). During a burst that doubles the jobs on the queue. Here the same notifications (same
Notification Log, same texts, same e-mail by the assignee's Notification Settings) are written by one
job for all the assignments a transaction (or the intake drain's chunk) made, queued once committed:
the drain's own path to the customer's auto-reply does not wait for the agents' notification mail.
"""

from __future__ import annotations

import time

import frappe
import frappe.share
from frappe import _
from frappe.desk.doctype.notification_log.notification_log import get_title, get_title_html, make_notification_logs
from frappe.desk.form.document_follow import follow_document
from frappe.utils import escape_html, nowdate


def assign(doc, user: str) -> bool:
    """Assign `doc` to `user` unless it is already theirs; True when a ToDo was made."""
    if frappe.db.exists("ToDo", {"reference_type": doc.doctype, "reference_name": doc.name, "status": "Open",
                                 "allocated_to": user}):
        return False
    todo = frappe.get_doc(todo_values(doc, user)).insert(ignore_permissions=True)
    if not frappe.has_permission(doc=doc, user=user):
        frappe.share.add(doc.doctype, doc.name, user)
    if frappe.get_cached_value("User", user, "follow_assigned_documents"):
        follow_document(doc.doctype, doc.name, user)
    notify_after_commit(todo.name, frappe.session.user)
    return True


def todo_values(doc, user: str) -> dict:
    """The ToDo that assigns `doc` to `user`, as Frappe's assign_to.add makes it, by the session's user."""
    return {
        "doctype": "ToDo",
        "allocated_to": user,
        "reference_type": doc.doctype,
        "reference_name": doc.name,
        "description": escape_html(_("Assignment for {0} {1}").format(doc.doctype, doc.name)),
        "priority": "Medium",
        "status": "Open",
        "date": nowdate(),
        "assigned_by": frappe.session.user,
    }


def lock_ticket_first(todo, method=None) -> None:
    """ToDo before_insert: an assignment of a ticket locks the ticket's row before the ToDo is written.
    The intake drain holds a new ticket's row while it assigns it; Frappe's assign_to.add (an agent assigning
    the same new ticket by hand) wrote its ToDo first and the ticket's `_assign` second, and the two
    deadlocked, the agent's request failing with a 500. One order for both, the ticket first, makes the
    later one wait for the earlier one's commit instead."""
    if todo.reference_type == "Ticket" and todo.reference_name:
        frappe.db.sql("select name from `tabTicket` where name = %s for update", todo.reference_name)


def notify_after_commit(todo: str, by: str) -> None:
    """Collect the transaction's notifications; one job writes them all once it commits (tests: at once)."""
    if frappe.flags.in_test:
        notify(todo, by)
        return
    notices = frappe.flags.support_hub_assignment_notices
    if notices is None:
        notices = frappe.flags.support_hub_assignment_notices = []
    if not notices and not frappe.flags.support_hub_notices_held:
        frappe.db.after_commit.add(queue_notices)
        frappe.db.after_rollback.add(notices.clear)
    notices.append((todo, by))


def hold_notices(held: bool) -> None:
    """The intake drain commits ticket by ticket and queues the notifications once per chunk itself
    (notify skips a ToDo that a rolled-back ticket took with it)."""
    frappe.flags.support_hub_notices_held = held


def queue_notices() -> None:
    notices = list(frappe.flags.support_hub_assignment_notices or [])
    if frappe.flags.support_hub_assignment_notices:
        frappe.flags.support_hub_assignment_notices.clear()
    if notices:
        frappe.enqueue("support_hub.automation.assignment.notify_all", queue="default", notices=notices)


def notify_all(notices: list) -> None:
    """The job: each assignee's notification, for the assignments that were committed, each committed on
    its own. Two such jobs for the same agent (two drain chunks) deadlock now and then on Frappe's
    Notification Settings row ("seen" is reset with every notification): the loser's transaction is
    taken back by InnoDB, so its notification is written again rather than lost with the whole job."""
    for todo, by in notices:
        for attempt in range(1, 4):
            try:
                notify(todo, by)
                frappe.db.commit()
                break
            except frappe.QueryDeadlockError:
                frappe.db.rollback()
                if attempt == 3:
                    raise
                time.sleep(0.05 * attempt)


def notify(todo_name: str, by: str) -> None:
    """The assignee's "assigned a new task to you" notification, as Frappe's notify_assignment words it."""
    todo = frappe.db.get_value("ToDo", todo_name, ["allocated_to", "assigned_by", "reference_type", "reference_name",
                                                   "description"], as_dict=True)
    if not todo:
        return  # rolled back with its ticket's failed intake
    assignee = frappe.db.get_value("User", todo.allocated_to, ["language", "enabled"], as_dict=True)
    if not assignee or not assignee.enabled or todo.assigned_by == todo.allocated_to:
        return
    lang = assignee.language
    subject = _("{0} assigned a new task {1} {2} to you", lang=lang).format(
        frappe.bold(frappe.get_cached_value("User", by, "full_name")),
        frappe.bold(_(todo.reference_type, lang=lang)),
        get_title_html(get_title(todo.reference_type, todo.reference_name)),
    )
    make_notification_logs(frappe._dict({
        "type": "Assignment",
        "document_type": todo.reference_type,
        "subject": subject,
        "document_name": todo.reference_name,
        "from_user": by,
        "email_content": f"<div>{todo.description}</div>",
    }), [todo.allocated_to])
