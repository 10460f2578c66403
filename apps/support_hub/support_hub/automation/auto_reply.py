"""The auto-reply sent right after a ticket is created: which template, rendered over the ticket,
with the expected answer time in the customer's words, on the ticket's own channel."""

from __future__ import annotations

from typing import NamedTuple

import frappe
from frappe import _
from frappe.utils import now_datetime

from support_hub.automation import channels, log
from support_hub.engine import replies
from support_hub.sla.policies import enabled_policies
from support_hub.system_time import to_aware


# site -> (stamp, templates): read once per change and process, not once per ticket of a burst.
_cache: dict[str, tuple[tuple, tuple]] = {}


def templates() -> tuple[list[replies.AutoReplyTemplate], dict[str, frappe._dict]]:
    stamp = tuple(frappe.db.sql("select count(*), max(modified) from `tabAuto Reply`")[0])
    cached = _cache.get(frappe.local.site)
    if cached and cached[0] == stamp:
        return cached[1]
    loaded = _load_templates()
    _cache[frappe.local.site] = (stamp, loaded)
    return loaded


def _load_templates() -> tuple[list[replies.AutoReplyTemplate], dict[str, frappe._dict]]:
    rows = frappe.get_all(
        "Auto Reply", filters={"enabled": 1}, fields=["name", "channel", "send_when", "language", "subject", "template"],
        order_by="creation asc",
    )
    lines: dict[str, dict[str, str]] = {}
    if rows:
        for line in frappe.get_all(
            "Auto Reply Channel Line",
            filters={"parenttype": "Auto Reply", "parent": ["in", [r.name for r in rows]]},
            fields=["parent", "channel", "line"],
        ):
            lines.setdefault(line.parent, {})[line.channel] = line.line
    engine_templates = [
        replies.AutoReplyTemplate(r.name, r.channel or None, r.send_when or replies.ANY, r.template, lines.get(r.name, {}))
        for r in rows
    ]
    return engine_templates, {r.name: r for r in rows}


def render(row, context: dict) -> tuple[str, str]:
    subject = frappe.render_template(row.subject or "{{ doc.subject }}", context)
    body = frappe.render_template(row.template, context)
    if context.get("extra_line"):
        body += "\n\n" + context["extra_line"]
    return subject, body


def context_for(ticket, choice: replies.AutoReplyChoice, calendar, language: str) -> dict:
    return replies.build_context(
        choice, now=to_aware(now_datetime()), tz=calendar.tz, lang=language or "ru", doc=ticket,
    )


def send_for_new_ticket(ticket) -> str | None:
    """Called once the ticket exists; returns the Communication sent, if any."""
    reply = compose(ticket)
    if reply is None or log.already_done(reply.key):
        return None
    communication = channels.send(ticket, reply.subject, reply.html)
    if communication:
        # The Communication is the ticket's timeline entry for it; the log row keeps the why.
        log.record(ticket, "Auto Reply", reply.template, "send", reply.reason, dedupe_key=reply.key)
    return communication


class Composed(NamedTuple):
    template: str  # the Auto Reply's name
    subject: str
    html: str
    reason: str  # the log row's why
    key: str  # the log row's dedupe key: one auto-reply per ticket


def compose(ticket) -> Composed | None:
    """The auto-reply a new ticket gets (template chosen by channel and the situation, rendered), or None."""
    policy = enabled_policies().get(ticket.sla_policy)
    if policy is None:
        return None  # without a policy there is no promise to make
    engine_templates, rows = templates()
    choice = replies.choose_auto_reply(
        ticket.channel, to_aware(ticket.opened_on or now_datetime()), to_aware(ticket.first_response_due),
        policy.calendar, engine_templates,
    )
    if choice is None:
        return None
    row = rows[choice.template.name]
    subject, body = render(row, context_for(ticket, choice, policy.calendar, row.language))
    return Composed(row.name, subject, channels.as_html(body),
                    _("Auto-reply «{0}» sent ({1})").format(row.name, _(choice.situation)), auto_reply_key(ticket.name))


def auto_reply_key(ticket: str) -> str:
    return f"{ticket}|auto-reply"
