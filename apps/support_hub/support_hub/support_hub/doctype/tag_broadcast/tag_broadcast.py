# Copyright (c) 2026, support_hub developers. License: MIT.

import frappe
from frappe import _
from frappe.model.document import Document

from support_hub.api.arguments import validate_arguments
from support_hub.broadcasts import planning, sending

SAMPLE = {"doc": frappe._dict(name="TCK-00042", subject="Sample", status="Open"), "customer_name": "Sample Customer",
          "tickets": ["TCK-00042"]}


class TagBroadcast(Document):
    def validate(self):
        if self.status in ("Sending", "Done") and self.has_value_changed("template"):
            frappe.throw(_("A broadcast that has started cannot change its message."))
        try:  # refuse a template that does not render now, not halfway through the customers
            frappe.render_template(self.template or "", dict(SAMPLE))
            frappe.render_template(self.subject or "", dict(SAMPLE))
        except Exception as error:
            frappe.throw(_("The message does not render: {0}").format(frappe.utils.escape_html(str(error))))


def _manager_only(doc) -> None:
    if not ({"Support Manager", "System Manager"} & set(frappe.get_roles())):
        frappe.throw(_("Only a Support Manager can send broadcasts."), frappe.PermissionError)
    doc.check_permission("write")


@frappe.whitelist(methods=["POST"])
@validate_arguments
def plan(name: str) -> dict:
    """Work out the recipients (one per customer) and return the count and the first few."""
    doc = frappe.get_doc("Tag Broadcast", name)
    _manager_only(doc)
    if doc.status not in ("Draft", "Planned"):
        frappe.throw(_("This broadcast has already started."))
    result = planning.plan(doc)
    return {
        "total": len(result.recipients),
        "skipped": len(result.skipped),
        "preview": [{"customer": r.customer_name, "ticket": r.ticket, "channel": r.channel, "tickets": len(r.all_tickets)}
                    for r in result.recipients[:50]],
    }


@frappe.whitelist(methods=["POST"])
@validate_arguments
def send(name: str) -> str:
    doc = frappe.get_doc("Tag Broadcast", name)
    _manager_only(doc)
    if doc.status != "Planned" or not doc.total_recipients:
        frappe.throw(_("Plan the recipients first."))
    doc.db_set("status", "Sending")
    sending.enqueue(doc.name)
    return "Sending"
