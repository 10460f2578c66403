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
from datetime import datetime

import frappe
from frappe import _
from frappe.desk.form import assign_to
from frappe.utils import escape_html, format_datetime, get_fullname, get_url, get_url_to_form, now_datetime

from support_hub import bulk
from support_hub.automation import availability
from support_hub.engine import escalation
from support_hub.engine.sla import SlaStatus, Transition
from support_hub.exactly_once import insert_many_once, insert_once
from support_hub.system_time import to_aware, to_naive


def _claim(ticket: str, event: str, target: str, due, key: str, **values) -> bool:
    return insert_once("SLA Event", {"ticket": ticket, "event": event, "target": target, "due": due,
                                     "occurred_on": now_datetime(), "alert_managers": 0, "dedupe_key": key, **values})


# A summary e-mail (more breaches at once for the same managers than engine.alerts.SUMMARY_OVER: a policy
# change that shortened a target, a sweep after the scheduler was down) lists this many; a link the rest.
DIGEST_LISTED = 100


def on_sla_transitions(transitions: list[Transition]) -> None:
    """Hooked on support_hub_sla_transitions: escalate each new breach once, set-based (claims, chat
    alerts), as a re-plan can breach thousands of tickets in one go."""
    breaches = [t for t in transitions if t.status is SlaStatus.BREACHED]
    if not breaches:
        return
    tickets = {row.name: row for row in bulk.rows_where_in("Ticket", "name", (t.ticket for t in breaches),
                                                           ["name", "subject", "team", "_assign"])}
    breaches = [b for b in breaches if b.ticket in tickets]
    by_key = {escalation.escalated_key(b.dedupe_key): b for b in breaches}
    claimed = insert_many_once("SLA Event", [
        {"ticket": b.ticket, "event": "Escalated", "target": b.target.value, "due": to_naive(b.due),
         "occurred_on": now_datetime(), "alert_managers": 0, "dedupe_key": key}
        for key, b in by_key.items()
    ])
    fresh = [by_key[row["dedupe_key"]] for row in claimed]  # the others were escalated already
    if fresh:
        _alert_team_chats(fresh, tickets)
        _mail_managers(fresh, tickets)


def _assignees(ticket) -> list[str]:
    return json.loads(ticket.get("_assign") or "[]")


def _alert_team_chats(breaches: list[Transition], tickets: dict) -> None:
    from support_hub.engine import alerts
    from support_hub.engine import outbox as keys
    from support_hub.integrations.telegram import outbox, site
    from support_hub.integrations.telegram.team_alerts import _plain, alert_targets, queue_deadline_alerts, ticket_url

    conf = site.settings()
    if not conf.enabled:
        return
    targets = alert_targets(breaches, conf, tickets)  # the rows on_sla_transitions read

    def key(chat, ticket, breach):
        return keys.outbox_key(escalation.breach_alert_key(breach.dedupe_key), chat)

    def message(chat, ticket, breach, agents):
        text = alerts.deadline_breached(
            lang=conf.lang, ticket=ticket.name, subject=_plain(ticket.subject), target=breach.target.value,
            due=to_naive(breach.due), assignee=agents.get(ticket.first_assignee), team=ticket.team,
            ticket_url=ticket_url(ticket.name),
        )
        return outbox.Message(key(chat, ticket, breach), chat, text, "Deadline Breached", ("Ticket", ticket.name),
                              deadline=to_naive(breach.due))

    queue_deadline_alerts(targets, conf, breached=True, key=key, message=message)


def managers_of(team: str | None) -> list[str]:
    """Who hears of a team's breaches by e-mail: its manager, else every enabled Support Manager."""
    manager = frappe.db.get_value("Support Team", team, "manager") if team else None
    if manager and frappe.db.get_value("User", manager, "enabled"):
        return [manager]
    users = frappe.get_all("Has Role", filters={"role": "Support Manager", "parenttype": "User",
                                                "parent": ["not in", ["Administrator", "Guest"]]},
                           pluck="parent", distinct=True)
    return frappe.get_all("User", filters={"name": ["in", users], "enabled": 1}, pluck="name") if users else []


def _mail_managers(breaches: list[Transition], tickets: dict) -> None:
    """An e-mail per breach to the managers of its team; more than engine.alerts.SUMMARY_OVER for the
    same managers in one go: one e-mail listing them."""
    from support_hub.engine.alerts import split_for_summary

    recipients_of: dict[str | None, tuple[str, ...]] = {}
    groups: dict[tuple[str, ...], list[Transition]] = {}
    for breach in breaches:
        team = tickets[breach.ticket].team or None
        if team not in recipients_of:
            managers = managers_of(team)
            with_mail = set(frappe.get_all("User", filters={"name": ["in", managers], "email": ["is", "set"]},
                                           pluck="name")) if managers else set()
            recipients_of[team] = tuple(sorted(u for u in managers if u in with_mail))
        if recipients_of[team]:
            groups.setdefault(recipients_of[team], []).append(breach)
    singles, summaries = split_for_summary(groups)
    for recipients, breach in singles:
        _mail_one(list(recipients), tickets[breach.ticket], breach)
    for recipients, group in summaries.items():
        _mail_digest(list(recipients), group, tickets)


def _breach_row(ticket, breach: Transition) -> list[tuple[str, str]]:
    assignees = _assignees(ticket)
    return [
        (_("Ticket"), f'<a href="{get_url_to_form("Ticket", ticket.name)}">{escape_html(ticket.name)}</a>'),
        (_("Subject"), escape_html(ticket.subject or "")),
        (_("Deadline"), f"{_(breach.target.value)}, {format_datetime(to_naive(breach.due))}"),
        (_("Team"), escape_html(ticket.team or _("(none)"))),
        (_("Assigned To"), escape_html(", ".join(get_fullname(u) for u in assignees) or _("nobody"))),
    ]


def _mail_one(recipients: list[str], ticket, breach: Transition) -> None:
    message = "<p>{}</p><table>{}</table>".format(
        escape_html(_("A ticket missed its SLA deadline.")),
        "".join(f"<tr><td><b>{label}</b></td><td>{value}</td></tr>" for label, value in _breach_row(ticket, breach)),
    )
    frappe.sendmail(
        recipients=recipients,
        subject=_("Ticket {0} missed its {1} deadline: {2}").format(ticket.name, _(breach.target.value),
                                                                     ticket.subject or ""),
        message=message,
        reference_doctype="Ticket",
        reference_name=ticket.name,
    )


def _mail_digest(recipients: list[str], breaches: list[Transition], tickets: dict) -> None:
    rows = [_breach_row(tickets[b.ticket], b) for b in breaches[:DIGEST_LISTED]]
    head = "".join(f"<th>{label}</th>" for label, _value in rows[0])
    body = "".join("<tr>" + "".join(f"<td>{value}</td>" for _label, value in row) + "</tr>" for row in rows)
    more = ""
    if len(breaches) > len(rows):
        more = '<p><a href="{}">{}</a></p>'.format(
            get_url("/app/ticket?sla_status=Breached"),
            escape_html(_("and {0} more: all breached tickets").format(len(breaches) - len(rows))))
    message = "<p>{}</p><table><tr>{}</tr>{}</table>{}".format(
        escape_html(_("{0} tickets missed their SLA deadlines at once.").format(len(breaches))), head, body, more)
    frappe.sendmail(recipients=recipients, subject=_("{0} tickets missed their SLA deadlines").format(len(breaches)),
                    message=message)


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
