"""Reminders to the person responsible for a claim before its deadline.

A scheduler job (every 15 minutes) looks at undecided claims whose deadline is near. The moments to
remind are the engine's (reminder_moments: by default 24 h and 2 h of clock time before the deadline,
"Reminder Hours" in Claim Settings). Each moment is sent once: the job writes a Claim Reminder Log row
with a unique key (claim + moment) in the same transaction as the Notification Log, so a second run,
or a run racing this one, finds the key taken and sends nothing.

A postponed claim gets no reminder until its "Postponed Until" has passed. When a run finds several
moments due at once (the claim was postponed, or the scheduler was down), only the latest is sent:
two stale nudges in a row help nobody. Nothing is sent once the deadline itself has passed.

The Notification Log is of type "Assignment", so Frappe also emails it to users who keep email
notifications for assignments on (the default).
"""

from __future__ import annotations

from datetime import timedelta

import frappe
from frappe import _
from frappe.desk.doctype.notification_settings.notification_settings import is_notifications_enabled
from frappe.utils import format_datetime, get_datetime, now_datetime

from support_hub.claims import settings
from support_hub.claims.timing import OUTCOME_STATUSES
from support_hub.engine import claims as engine
from support_hub.system_time import to_aware, to_naive

FIELDS = ["name", "deadline", "responsible", "postponed_until", "creation", "category", "customer", "amount_claimed"]


def due_claims(now, lead: tuple[float, ...]) -> list:
    horizon = now + timedelta(hours=max(lead))
    return frappe.get_all(
        "Claim",
        filters=[
            ["status", "not in", list(OUTCOME_STATUSES)],
            ["responsible", "is", "set"],
            ["deadline", ">", now],
            ["deadline", "<=", horizon],
        ],
        fields=FIELDS,
        order_by="deadline asc",
    )


def dedupe_key(claim_name: str, moment) -> str:
    return f"{claim_name}|reminder|{moment.isoformat()}"


def _notify(claim) -> None:
    user = claim.responsible
    if not is_notifications_enabled(user):
        return
    subject = _("Claim {0} is due by {1}").format(claim.name, format_datetime(claim.deadline))
    details = [
        (_("Customer"), claim.customer),
        (_("Category"), _(claim.category) if claim.category else None),
    ]
    frappe.get_doc(
        {
            "doctype": "Notification Log",
            "for_user": user,
            "from_user": "Administrator",
            "type": "Assignment",
            "document_type": "Claim",
            "document_name": claim.name,
            "subject": subject,
            "email_content": "<br>".join(f"{frappe.bold(k)}: {frappe.utils.escape_html(v)}" for k, v in details if v),
        }
    ).insert(ignore_permissions=True)


def remind(claim, now) -> bool:
    """Send the claim's latest due reminder unless it was sent before; True when sent."""
    moments = engine.reminder_moments(to_aware(claim.deadline), settings.lead_hours(), after=to_aware(claim.creation))
    now_aware = to_aware(now)
    due = [m for m in moments if m <= now_aware]
    if not due:
        return False
    moment = due[-1]
    key = dedupe_key(claim.name, moment)
    if frappe.db.exists("Claim Reminder Log", {"dedupe_key": key}):
        return False
    try:
        frappe.get_doc(
            {
                "doctype": "Claim Reminder Log",
                "claim": claim.name,
                "sent_to": claim.responsible,
                "moment": to_naive(moment),
                "deadline": claim.deadline,
                "dedupe_key": key,
            }
        ).insert(ignore_permissions=True)
    except (frappe.UniqueValidationError, frappe.DuplicateEntryError):
        return False  # a concurrent run took this moment
    _notify(claim)
    return True


def send_due(now=None, commit: bool = True) -> list[str]:
    """The scheduler job: remind the responsible person of every claim with a reminder due. Returns
    the names of the claims reminded."""
    now = get_datetime(now) if now else now_datetime()
    sent = []
    for claim in due_claims(now, settings.lead_hours()):
        if claim.postponed_until and get_datetime(claim.postponed_until) > now:
            continue
        try:
            if remind(claim, now):
                sent.append(claim.name)
            if commit:
                frappe.db.commit()
        except Exception:
            if commit:
                frappe.db.rollback()
            frappe.log_error(title=f"Claim reminder failed: {claim.name}")
            if not commit:
                raise
    return sent
