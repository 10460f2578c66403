"""Breach escalation, the Frappe side of engine.escalation.

1. At a breach (a Breached transition from the sweep, a save, or a policy re-plan — every path goes
   through sla.events.record_transitions): an alert to the team's Telegram chat through the team
   alerts outbox, and an e-mail to the team's manager (Support Team "Team Manager"; Support Managers
   when the ticket has no team or the team no manager). The e-mail does not need Telegram.
2. Every minute: a breached ticket whose policy sets "Reassign after a Breach" and that nobody has
   answered for that long after the breach goes to the team's least busy other active member who is
   there (Agent Availability: on shift, not away, not on leave), through
   Frappe's assign_to (the ToDo), with the reason on the ticket's timeline.

Each is claimed under a unique SLA Event key (Escalated / Reassigned + the breach's own key) in one
INSERT IGNORE, so it happens once per ticket and breach however often, or concurrently, it is found.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import frappe
from frappe import _
from frappe.desk.form import assign_to
from frappe.utils import escape_html, format_datetime, get_fullname, get_url_to_form, now_datetime

from support_hub.automation import availability
from support_hub.engine import escalation
from support_hub.engine.sla import SlaStatus, Transition
from support_hub.exactly_once import insert_once
from support_hub.system_time import to_aware, to_naive


def _claim(ticket: str, event: str, target: str, due, key: str, **values) -> bool:
    return insert_once("SLA Event", {"ticket": ticket, "event": event, "target": target, "due": due,
                                     "occurred_on": now_datetime(), "alert_managers": 0, "dedupe_key": key, **values})


def on_sla_transitions(transitions: list[Transition]) -> None:
    """Hooked on support_hub_sla_transitions: escalate each new breach once."""
    breaches = [t for t in transitions if t.status is SlaStatus.BREACHED]
    if not breaches:
        return
    tickets = {
        row.name: row
        for row in frappe.get_all("Ticket", filters={"name": ["in", list({t.ticket for t in breaches})]},
                                  fields=["name", "subject", "team", "_assign", "resolved_on"])
    }
    for breach in breaches:
        ticket = tickets.get(breach.ticket)
        if ticket is None:
            continue
        if not _claim(ticket.name, "Escalated", breach.target.value, to_naive(breach.due),
                      escalation.escalated_key(breach.dedupe_key)):
            continue  # escalated already
        _alert_team_chat(ticket, breach)
        _mail_manager(ticket, breach)


def _assignees(ticket) -> list[str]:
    return json.loads(ticket.get("_assign") or "[]")


def _alert_team_chat(ticket, breach: Transition) -> None:
    from support_hub.engine import alerts
    from support_hub.engine import outbox as keys
    from support_hub.integrations.telegram import outbox, site
    from support_hub.integrations.telegram.team_alerts import _agent, _plain, _team_chat

    conf = site.settings()
    chat = conf.enabled and _team_chat(ticket.team, conf)
    if not chat:
        return
    assignees = _assignees(ticket)
    text = alerts.deadline_breached(
        lang=conf.lang, ticket=ticket.name, subject=_plain(ticket.subject), target=breach.target.value,
        due=to_naive(breach.due), assignee=_agent(assignees[0] if assignees else None), team=ticket.team,
        ticket_url=get_url_to_form("Ticket", ticket.name),
    )
    key = keys.outbox_key(escalation.breach_alert_key(breach.dedupe_key), chat)
    outbox.queue(key, chat, text, "Deadline Breached", ("Ticket", ticket.name), deadline=to_naive(breach.due))


def managers_of(team: str | None) -> list[str]:
    """Who hears of a team's breaches by e-mail: its manager, else every enabled Support Manager."""
    manager = frappe.db.get_value("Support Team", team, "manager") if team else None
    if manager and frappe.db.get_value("User", manager, "enabled"):
        return [manager]
    users = frappe.get_all("Has Role", filters={"role": "Support Manager", "parenttype": "User",
                                                "parent": ["not in", ["Administrator", "Guest"]]},
                           pluck="parent", distinct=True)
    return frappe.get_all("User", filters={"name": ["in", users], "enabled": 1}, pluck="name") if users else []


def _mail_manager(ticket, breach: Transition) -> None:
    recipients = [u for u in managers_of(ticket.team) if frappe.db.get_value("User", u, "email")]
    if not recipients:
        return
    target = _(breach.target.value)
    assignees = _assignees(ticket)
    rows = [
        (_("Ticket"), f'<a href="{get_url_to_form("Ticket", ticket.name)}">{escape_html(ticket.name)}</a>'),
        (_("Subject"), escape_html(ticket.subject or "")),
        (_("Deadline"), f"{target}, {format_datetime(to_naive(breach.due))}"),
        (_("Team"), escape_html(ticket.team or _("(none)"))),
        (_("Assigned To"), escape_html(", ".join(get_fullname(u) for u in assignees) or _("nobody"))),
    ]
    message = "<p>{}</p><table>{}</table>".format(
        escape_html(_("A ticket missed its SLA deadline.")),
        "".join(f"<tr><td><b>{label}</b></td><td>{value}</td></tr>" for label, value in rows),
    )
    frappe.sendmail(
        recipients=recipients,
        subject=_("Ticket {0} missed its {1} deadline: {2}").format(ticket.name, target, ticket.subject or ""),
        message=message,
        reference_doctype="Ticket",
        reference_name=ticket.name,
    )


# ----- reassignment after N minutes without a response ---------------------------------------------


def reassign_overdue(now: datetime | None = None, commit: bool = True) -> list[str]:
    """Scheduler entry (every minute): hand on breached tickets nobody answered in time; returns them."""
    now = now or now_datetime()
    rows = frappe.db.sql(
        """select e.ticket, e.target, e.due, e.occurred_on, e.dedupe_key, p.reassign_after_minutes as minutes,
                t.team, t._assign, t.first_responded_on,
                (select max(c.communication_date) from `tabCommunication` c
                  where c.reference_doctype = 'Ticket' and c.reference_name = t.name
                    and c.communication_type = 'Communication' and c.sent_or_received = 'Sent') as last_reply
        from `tabTicket` t
        join `tabSLA Policy` p on p.name = t.sla_policy and p.reassign_after_minutes > 0
        join `tabSLA Event` e on e.ticket = t.name and e.event = 'Breached'
        where t.sla_status = 'Breached' and t.resolved_on is null
          and e.occurred_on <= %(now)s - interval p.reassign_after_minutes minute
          and not exists (select 1 from `tabSLA Event` r where r.dedupe_key = concat(e.dedupe_key, '|Reassigned'))
        order by e.occurred_on""",
        {"now": now},
        as_dict=True,
    )
    handed_on = []
    for row in rows:
        replied = row.last_reply or (row.first_responded_on if row.target == "First Response" else None)
        if not escalation.reassignment_due(to_aware(row.occurred_on), int(row.minutes), to_aware(replied),
                                           to_aware(now)):
            continue
        if _reassign(row):
            handed_on.append(row.ticket)
    if commit:
        frappe.db.commit()
    return handed_on


def _open_tickets_of(users: list[str]) -> dict[str, int]:
    if not users:
        return {}
    rows = frappe.get_all("ToDo", filters={"reference_type": "Ticket", "status": "Open", "allocated_to": ["in", users]},
                          fields=["allocated_to", "count(name) as open"], group_by="allocated_to")
    return {r.allocated_to: r.open for r in rows}


def _reassign(row) -> bool:
    if not row.team:
        return False
    members = frappe.get_all("Support Team Member", filters={"parent": row.team, "parenttype": "Support Team",
                                                             "active": 1}, pluck="user", order_by="idx asc")
    enabled = set(frappe.get_all("User", filters={"name": ["in", members], "enabled": 1}, pluck="name")) if members else set()
    members = [m for m in members if m in enabled]
    current = _assignees(row)
    there = set(availability.present(members))  # Agent Availability: on shift, not away, not on leave
    agent = escalation.pick_agent(members, _open_tickets_of(members), current=current,
                                  unavailable=[m for m in members if m not in there])
    if agent is None:
        return False  # nobody else of the team is there: tried again next minute
    reason = _("the {0} deadline ({1}) was missed and nobody answered the customer for {2} min after it").format(
        _(row.target), format_datetime(row.due), row.minutes)
    if not _claim(row.ticket, "Reassigned", row.target, row.due, escalation.reassigned_key(row.dedupe_key),
                  from_value=", ".join(current), to_value=agent, reason=reason[:140]):
        return False
    for user in current:
        assign_to.remove("Ticket", row.ticket, user, ignore_permissions=True)
    assign_to.add({"assign_to": [agent], "doctype": "Ticket", "name": row.ticket,
                   "description": _("Reassigned after an SLA breach")}, ignore_permissions=True)
    ticket = frappe.get_doc("Ticket", row.ticket)
    before = ", ".join(get_fullname(u) for u in current) or _("nobody")
    ticket.add_comment("Info", _("Reassigned from {0} to {1}: {2}").format(before, get_fullname(agent), reason))
    return True
