"""Canned replies: Frappe's Email Template, per team, filled in with the ticket's and customer's fields.

A template gets a Team (a Custom Field on Email Template, `support_team`; empty: every team). The agent
finds one by words in any form (engine.canned_replies) from the e-mail composer's Email Template field
(public/js/canned_replies.js points it here on a Ticket) or from the "Canned reply" button that fills the
reply box the Telegram answer is written in. The server renders it with frappe.render_template — never
the browser — with the ticket as context: `{{ subject }}` / `{{ doc.subject }}` / `{{ ticket.name }}`,
`{{ customer_name }}`, `{{ customer.<field> }}`, `{{ contact.<field> }}`, `{{ agent_name }}`. Customer and
contact fields are filled only where the agent may read those records.

Support Managers write the templates; every desk user reads them (Frappe's own rule for Email Template).
"""

from __future__ import annotations

import html

import frappe
from frappe import _
from frappe.core.utils import html2text
from frappe.utils import get_fullname

from support_hub.engine import canned_replies as engine

TEAM_FIELD = "support_team"


class NotForThisTeam(frappe.PermissionError):
    http_status_code = 403


def ensure_canned_reply_fields() -> None:
    """Email Template gets its Team; Support Managers may write templates (agents read them as every
    desk user does)."""
    from frappe.custom.doctype.custom_field.custom_field import create_custom_fields
    from frappe.permissions import add_permission, update_permission_property

    create_custom_fields(
        {"Email Template": [{"fieldname": TEAM_FIELD, "fieldtype": "Link", "options": "Support Team",
                             "label": "Team", "insert_after": "subject", "in_list_view": 1,
                             "in_standard_filter": 1,
                             "description": "Offered on this team's tickets only; empty: on every ticket"}]},
        update=True,
    )
    filters = {"parent": "Email Template", "role": "Support Manager", "permlevel": 0, "if_owner": 0}
    if not frappe.db.exists("Custom DocPerm", filters):
        add_permission("Email Template", "Support Manager", 0)
        for right in ("write", "create", "delete"):
            update_permission_property("Email Template", "Support Manager", 0, right, 1)


def _ticket_for_reply(ticket: str):
    """The ticket, for someone who may answer it: 404 unknown, 403 without write access."""
    if not isinstance(ticket, str) or not frappe.db.exists("Ticket", ticket):
        frappe.throw(_("Ticket {0} not found").format(ticket), frappe.DoesNotExistError)
    doc = frappe.get_doc("Ticket", ticket)
    doc.check_permission("write")
    if not frappe.has_permission("Email Template", "read"):
        frappe.throw(_("Not permitted to read canned replies"), frappe.PermissionError)
    return doc


def _all_replies() -> list[engine.CannedReply]:
    rows = frappe.get_all("Email Template", fields=["name", "subject", "response", "response_html", "use_html",
                                                    TEAM_FIELD], order_by="name asc", limit_page_length=0)
    return [engine.CannedReply(r.name, r.subject or "", html2text((r.response_html if r.use_html else r.response) or ""),
                               r.get(TEAM_FIELD) or None) for r in rows]


def search(ticket: str, query: str | None = None, limit: int = 20) -> list[dict]:
    """The ticket's team's canned replies that contain the words of `query`, best first."""
    doc = _ticket_for_reply(ticket)
    found = engine.search(_all_replies(), query or "", doc.team, limit=limit)
    return [{"name": r.name, "subject": r.subject, "team": r.team} for r in found]


def render(ticket: str, template: str) -> dict:
    """The template filled in for the ticket: subject and message (HTML, for e-mail) and text (plain, for
    Telegram). 404 unknown template, 403 a template of another team."""
    doc = _ticket_for_reply(ticket)
    if not isinstance(template, str) or not frappe.db.exists("Email Template", template):
        frappe.throw(_("Canned reply {0} not found").format(template), frappe.DoesNotExistError)
    email_template = frappe.get_doc("Email Template", template)
    reply = engine.CannedReply(email_template.name, team=email_template.get(TEAM_FIELD) or None)
    if not engine.may_use(reply, doc.team):
        frappe.throw(_("Canned reply {0} is for team {1}, not for this ticket").format(template, reply.team),
                     NotForThisTeam)
    context = context_for(doc)
    message = frappe.render_template(email_template.response_ or "", context)
    return {"subject": frappe.render_template(email_template.subject or "", context), "message": message,
            "text": html2text(message).strip()}


def context_for(ticket) -> dict:
    values = ticket.as_dict(no_default_fields=False)
    values.subject = html.unescape(values.subject or "")  # Frappe keeps it entity-encoded
    customer = _readable(ticket.customer_type, ticket.customer)
    contact = _readable("Contact", ticket.contact)
    customer_name = (customer.get("customer_name") or customer.get("full_name") or customer.get("title")
                     or contact.get("full_name") or " ".join(filter(None, (contact.get("first_name"),
                                                                           contact.get("last_name"))))
                     or ticket.customer or ticket.raised_by or "")
    return {**values, "doc": values, "ticket": values, "customer": customer, "contact": contact,
            "customer_name": customer_name, "agent_name": get_fullname(frappe.session.user)}


def _readable(doctype: str | None, name: str | None) -> frappe._dict:
    """The record's fields when the agent may read it; otherwise only its name."""
    if not doctype or not name or not frappe.db.exists(doctype, name):
        return frappe._dict(name=name) if name else frappe._dict()
    if not frappe.has_permission(doctype, "read", name):
        return frappe._dict(name=name)
    return frappe._dict(frappe.get_doc(doctype, name).as_dict())


def link_query(txt: str, filters: dict | None, start: int, page_len: int) -> list[tuple[str, str]]:
    """The composer's Email Template field on a Ticket: that ticket's team's templates matching `txt`."""
    ticket = (filters or {}).get("ticket")
    found = search(ticket, txt, limit=start + page_len)[start:]
    return [(row["name"], row["subject"]) for row in found]
