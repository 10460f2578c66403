"""The public "contact support" endpoint behind the web form, also usable from other sites and apps.

POST /api/method/support_hub.api.intake.create_ticket  (subject, description, email, name?, topic?, order?)
→ {"ticket": "TCK-00042"}. Rate-limited per sender address and per client IP (intake.web_limits: 429
over a limit); `order` only from a signed-in customer, one of their own orders (403 otherwise); the ticket goes through the same validation, routing, SLA and auto-reply as any other.
"""

from __future__ import annotations

import frappe
from frappe import _

from support_hub.api.arguments import validate_arguments
from support_hub.crm.orders import own_order_for_intake
from support_hub.engine.identity import normalize_email
from support_hub.intake.web_limits import count_web_ticket

MAX_DESCRIPTION = 20_000


@frappe.whitelist(allow_guest=True, methods=["POST"])
@validate_arguments
def create_ticket(subject: str, description: str, email: str, name: str | None = None, topic: str | None = None,
                  order: str | None = None) -> dict:
    address = normalize_email(email)
    if not address:
        frappe.throw(_("Please give an e-mail address we can answer to."), title=_("Invalid e-mail"))
    subject = (subject or "").strip()
    if not subject:
        frappe.throw(_("Please describe the problem in the subject."), title=_("Subject missing"))
    if len(description or "") > MAX_DESCRIPTION:
        frappe.throw(_("The description is too long."))
    if topic and not frappe.db.exists("Ticket Topic", {"name": topic, "enabled": 1}):
        frappe.throw(_("Unknown topic {0}").format(frappe.bold(topic)))
    ticket = frappe.get_doc({"doctype": "Ticket", "channel": "Web", "subject": subject[:140], "raised_by": address,
                             "description": frappe.utils.escape_html(description or "").replace("\n", "<br>"),
                             "topic": topic})
    own_order_for_intake(ticket, order)  # a signed-in customer's own order, or 403
    count_web_ticket(address)  # after the checks: a refused request costs the sender nothing
    ticket.flags.sender_name = (name or "").strip()[:100]
    ticket.flags.first_message = description or ""
    ticket.insert(ignore_permissions=True)
    return {"ticket": ticket.name}
