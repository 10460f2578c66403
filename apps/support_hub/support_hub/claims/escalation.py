"""An overdue claim goes to the claims lead, once.

A scheduler job (every 15 minutes, with the reminders) looks for undecided claims past their deadline that
were never escalated (`escalated_on` empty; the deadline index answers it). engine.claims.needs_escalation
decides; a postponed claim waits for its date. Each claim is escalated once: a Claim Reminder Log row with the
key "<claim>|overdue" (unique) is written in the same transaction as the desk notification (Notification Log,
type Alert) and the e-mail (into Frappe's Email Queue), so a second run, or one racing this, sends nothing.
The e-mail goes even if the lead turned notification e-mails off: an escalation must arrive. Without a
Claims Lead in Claim Settings nothing is escalated (and nothing is marked, so setting one later catches up).

`escalated_on` stays after the claim is decided, and the Claim list shows an undecided claim past its
deadline as Overdue (claim_list.js).
"""

from __future__ import annotations

import frappe
from frappe import _
from frappe.utils import escape_html, format_datetime, get_datetime, get_url_to_form, now_datetime

from support_hub.claims.settings import SETTINGS
from support_hub.engine import claims as engine
from support_hub.system_time import to_aware

FIELDS = ["name", "status", "deadline", "postponed_until", "responsible", "customer", "category", "ticket",
          "amount_claimed"]


def claims_lead() -> str | None:
    lead = frappe.db.get_single_value(SETTINGS, "claims_lead")
    return lead if lead and frappe.db.get_value("User", lead, "enabled") else None


def overdue_claims(now) -> list:
    return frappe.get_all("Claim", filters=[["status", "in", list(engine.UNDECIDED)], ["deadline", "<", now],
                                            ["escalated_on", "is", "not set"]],
                          fields=FIELDS, order_by="deadline asc")


def dedupe_key(claim: str) -> str:
    return f"{claim}|overdue"


def escalate(claim, lead: str, now) -> bool:
    """Tell the lead about one overdue claim unless it was told before; True when sent."""
    aware_now = to_aware(now)
    postponed = to_aware(claim.postponed_until) if claim.postponed_until else None
    if not engine.needs_escalation(claim.status, to_aware(claim.deadline), aware_now, escalated=False,
                                   postponed_until=postponed):
        return False
    try:
        frappe.get_doc({"doctype": "Claim Reminder Log", "claim": claim.name, "sent_to": lead, "moment": now,
                        "deadline": claim.deadline, "dedupe_key": dedupe_key(claim.name)}).insert(ignore_permissions=True)
    except (frappe.UniqueValidationError, frappe.DuplicateEntryError):
        return False  # escalated before, or by a run racing this one
    frappe.db.set_value("Claim", claim.name, "escalated_on", now, update_modified=False)
    subject = _("Claim {0} is overdue: its deadline {1} has passed without a decision").format(
        claim.name, format_datetime(claim.deadline))
    details = [(_("Status"), _(claim.status)), (_("Responsible"), claim.responsible or _("nobody")),
               (_("Customer"), claim.customer), (_("Category"), _(claim.category) if claim.category else None),
               (_("Ticket"), claim.ticket)]
    body = "<br>".join(f"{frappe.bold(k)}: {escape_html(str(v))}" for k, v in details if v)
    frappe.get_doc({"doctype": "Notification Log", "for_user": lead, "from_user": "Administrator", "type": "Alert",
                    "document_type": "Claim", "document_name": claim.name, "subject": subject,
                    "email_content": body}).insert(ignore_permissions=True)
    address = frappe.db.get_value("User", lead, "email")
    if address:
        link = get_url_to_form("Claim", claim.name)
        frappe.sendmail(recipients=[address], subject=subject, reference_doctype="Claim", reference_name=claim.name,
                        message=f"<p>{escape_html(subject)}</p><p>{body}</p><p><a href=\"{link}\">{escape_html(claim.name)}</a></p>")
    frappe.get_doc("Claim", claim.name).add_comment("Info", _("Overdue: escalated to the claims lead {0}").format(lead))
    return True


def escalate_overdue(now=None, commit: bool = True) -> list[str]:
    """The scheduler job. Returns the claims escalated."""
    now = get_datetime(now) if now else now_datetime()
    lead = claims_lead()
    if not lead:
        return []
    sent = []
    for claim in overdue_claims(now):
        try:
            if escalate(claim, lead, now):
                sent.append(claim.name)
            if commit:
                frappe.db.commit()
        except Exception:
            if commit:
                frappe.db.rollback()
            frappe.log_error(title=f"Claim escalation failed: {claim.name}")
            if not commit:
                raise
    return sent
