"""The SLA guard: only those with write access at permission level 1 (Support Manager) may change
a ticket's SLA Policy or due dates, and every change, by anyone, lands on the timeline."""

from __future__ import annotations

import frappe
from frappe import _
from frappe.utils import format_datetime, get_datetime

from support_hub.automation.actor import AUTOMATION_USER
from support_hub.engine.sla import SlaStatus, SlaTarget, Transition, alert_sla_change, next_deadline, postponements
from support_hub.sla.events import record_change, record_transitions
from support_hub.sla.ticket_clock import DUE_FIELDS, GUARDED_FIELDS, _changed, clock
from support_hub.system_time import to_aware

_TARGET_OF = {"sla_policy": "Policy", "first_response_due": "First Response", "resolution_due": "Resolution"}
_DUE_OF = {SlaTarget.FIRST_RESPONSE: "first_response_due", SlaTarget.RESOLUTION: "resolution_due"}
# What a person changes that can move a deadline: the policy chooses by these (topic fills type and team).
_PERSON_CHANGES = ("ticket_type", "team", "priority", "topic", *GUARDED_FIELDS)


def refuse_unpermitted_edit(doc) -> None:
    """Raise instead of Frappe's silent reset when someone without the right edits SLA fields."""
    if doc.flags.ignore_permissions or frappe.session.user == "Administrator" or doc.is_new():
        return
    before = doc.get_doc_before_save()
    changed = [f for f in GUARDED_FIELDS if _changed(doc, before, f)]
    if not changed or 1 in doc.get_permlevel_access("write"):
        return
    labels = ", ".join(_(doc.meta.get_label(f)) for f in changed)
    frappe.throw(
        _("Only a Support Manager can change the SLA of a ticket ({0}).").format(labels),
        frappe.PermissionError,
        title=_("Not permitted"),
    )


def _show(fieldname, value) -> str:
    if not value:
        return _("(empty)")
    return format_datetime(value) if fieldname in DUE_FIELDS else str(value)


def record_sla_changes(doc) -> None:
    """After a save: a timeline entry for any SLA change, an SLA Event for hand-made ones."""
    before = doc.get_doc_before_save()
    _record_status_transition(doc, before.sla_status if before else None)
    if before is None:
        return
    changed = [f for f in GUARDED_FIELDS if _changed(doc, before, f)]
    if changed:
        parts = [
            _("{0}: {1} → {2}").format(_(doc.meta.get_label(f)), _show(f, before.get(f)), _show(f, doc.get(f)))
            for f in changed
        ]
        reason = doc.flags.sla_change_reason
        text = _("SLA changed by {0}").format(frappe.utils.get_fullname(frappe.session.user))
        if reason:
            text += f" ({reason})"
        doc.add_comment("Info", text + ": " + "; ".join(parts))
    _record_person_changes(doc, before, changed)


def _dues(doc) -> dict:
    return {target: get_datetime(doc.get(f)) if doc.get(f) else None for target, f in _DUE_OF.items()}


def _record_person_changes(doc, before, changed: list[str]) -> None:
    """SLA Events for hand edits of the SLA, and for any change by a person that made a deadline later."""
    user = frappe.session.user
    by_hand = bool(doc.flags.sla_changed_by_hand)
    moved = []
    if user not in (AUTOMATION_USER, "Guest") and any(_changed(doc, before, f) for f in _PERSON_CHANGES):
        met = [target for target, done in ((SlaTarget.FIRST_RESPONSE, before.first_responded_on),
                                           (SlaTarget.RESOLUTION, before.resolved_on)) if done]
        moved = postponements(_dues(before), _dues(doc), met=met)
    if not (moved or (by_hand and changed)):
        return
    by_manager = "Support Manager" in frappe.get_roles(user)
    exempt = bool(frappe.db.get_single_value("Support Hub Settings", "managers_changes_not_alerted"))
    reason = doc.flags.sla_change_reason
    later = {p.target.value: p for p in moved}
    if by_hand:
        for f in changed:
            postponement = later.pop(_TARGET_OF[f], None)
            alert = alert_sla_change(by_hand=True, postponed=postponement is not None, by_manager=by_manager,
                                     managers_exempt=exempt)
            record_change(doc.name, _TARGET_OF[f], before.get(f), doc.get(f), alert_managers=alert, reason=reason,
                          postponement=postponement)
    for postponement in later.values():  # moved by the policy chosen anew after the person's change
        alert = alert_sla_change(by_hand=False, postponed=True, by_manager=by_manager, managers_exempt=exempt)
        f = _DUE_OF[postponement.target]
        record_change(doc.name, postponement.target.value, before.get(f), doc.get(f), alert_managers=alert,
                      reason=reason, postponement=postponement)


def _record_status_transition(doc, previous_status) -> None:
    """A save can itself move a ticket into Warning or Breached; record that as the sweep would."""
    if doc.sla_status == previous_status or doc.sla_status not in (SlaStatus.WARNING.value, SlaStatus.BREACHED.value):
        return
    watched = next_deadline(clock(doc))
    if watched is None:
        # Breached after the fact (e.g. resolved late): the resolution deadline is the one missed.
        watched = (SlaTarget.RESOLUTION, to_aware(doc.resolution_due))
    if watched[1] is not None:
        record_transitions([Transition(doc.name, SlaStatus(doc.sla_status), watched[0], watched[1])])
