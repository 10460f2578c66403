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


@frappe.whitelist()
@validate_arguments
def preview(name: str) -> dict:
    """Who would get the broadcast now and what the first of them would read, rendered from a real
    ticket of theirs. Writes nothing: the status stays as it is, and Send plans afresh."""
    from frappe.utils.html_utils import sanitize_html

    doc = frappe.get_doc("Tag Broadcast", name)
    _manager_only(doc)
    result = planning.plan_only(doc)
    sample = None
    if result.recipients:
        first = result.recipients[0]
        ticket = frappe.get_doc("Ticket", first.ticket)
        try:
            subject, html = sending.render(doc, ticket, frappe._dict(customer_name=first.customer_name,
                                                                     all_tickets="\n".join(first.all_tickets)))
        except Exception as error:
            frappe.throw(_("The message does not render: {0}").format(frappe.utils.escape_html(str(error))))
        sample = {"customer": first.customer_name, "ticket": first.ticket, "channel": first.channel,
                  "address": first.address, "subject": subject, "html": sanitize_html(html)}
    return {
        "total": len(result.recipients),
        "skipped": len(result.skipped),
        "status": doc.status,
        "sample": sample,
        "preview": [{"customer": r.customer_name, "ticket": r.ticket, "channel": r.channel, "tickets": len(r.all_tickets)}
                    for r in result.recipients[:50]],
    }


@frappe.whitelist(methods=["POST"])
@validate_arguments
def send(name: str) -> str:
    """The one click that sends: the recipients are planned as they are now, then the sending starts."""
    doc = frappe.get_doc("Tag Broadcast", name)
    _manager_only(doc)
    if doc.status not in ("Draft", "Planned"):
        frappe.throw(_("This broadcast has already started."))
    planning.plan(doc)
    doc.reload()
    if not doc.total_recipients:
        frappe.throw(_("No customer has a ticket with this tag: nothing to send."))
    doc.db_set("status", "Sending")
    sending.enqueue(doc.name)
    return "Sending"
