"""The auto-reply sent right after a ticket is created: which template, rendered over the ticket,
with the expected answer time in the customer's words, on the ticket's own channel."""

from __future__ import annotations

from typing import NamedTuple

import frappe
from frappe import _
from frappe.utils import now_datetime
from frappe.utils.jinja import get_jenv, guess_is_path
from jinja2 import TemplateError

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
    subject = render_text(row.subject or "{{ doc.subject }}", context)
    body = render_text(row.template, context)
    if context.get("extra_line"):
        body += "\n\n" + context["extra_line"]
    return subject, body


def render_text(template: str, context: dict) -> str:
    """frappe.render_template for a template kept in a document, compiled once per template and Jinja
    environment instead of once per message (a burst renders the same two templates a thousand times).
    What Frappe treats apart - a template that reads as a file path, a refused one, a broken one - goes
    its way."""
    if not template or guess_is_path(template) or ".__" in template:
        return frappe.render_template(template, context)
    env = get_jenv()
    compiled = env.__dict__.setdefault("support_hub_compiled", {})
    if template not in compiled:
        try:
            compiled[template] = env.from_string(template)
        except TemplateError:
            return frappe.render_template(template, context)  # Frappe's own error for it
        if len(compiled) > 256:
            compiled.clear()
    try:
        return compiled[template].render(context)
    except TemplateError:
        return frappe.render_template(template, context)


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


def compose(ticket, loaded: tuple | None = None) -> Composed | None:
    """The auto-reply a new ticket gets (template chosen by channel and the situation, rendered), or None.
    `loaded`: what templates() returned, read once for a batch of tickets."""
    policy = enabled_policies().get(ticket.sla_policy)
    if policy is None:
        return None  # without a policy there is no promise to make
    engine_templates, rows = loaded or templates()
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
