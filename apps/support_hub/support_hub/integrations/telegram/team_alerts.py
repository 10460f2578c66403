"""Alerts to the support team's Telegram chats, each queued in the outbox under its dedupe key:

1. a deadline is about to burn (the SLA sweep's Warning transition), mentioning the assignee;
2. someone changed a ticket's SLA by hand (SLA Event "Changed"), to the manager's chat;
3. a bad or middling rating, to the manager's chat;
4. a new customer message, to the team's chat, for teams that switch it on.
"""

from __future__ import annotations

import html
import json

import frappe
from frappe.core.utils import html2text
from frappe.utils import get_url, get_url_to_form
from frappe.utils.data import quoted

from support_hub import bulk
from support_hub.engine import alerts
from support_hub.engine import outbox as keys
from support_hub.engine.sla import SlaStatus, Transition
from support_hub.integrations.telegram import outbox, site
from support_hub.system_time import to_naive


def _plain(value: str | None) -> str:
    """Frappe keeps user text entity-encoded; the alert builders escape it once more themselves."""
    return html.unescape(value or "")


def _agent(user: str | None) -> alerts.Agent | None:
    if not user:
        return None
    row = frappe.db.get_value("User", user, ["full_name", "telegram_username", "telegram_user_id"], as_dict=True)
    if not row:
        return None
    return alerts.Agent(row.full_name or user, row.telegram_username or None, row.telegram_user_id or None)


def _team_chat(team: str | None, conf) -> str | None:
    chat = frappe.db.get_value("Support Team", team, "telegram_chat_id") if team else None
    return chat or conf.team_chat_id


def _agents(users: set[str]) -> dict[str, alerts.Agent]:
    """_agent for many users in one query."""
    if not users:
        return {}
    rows = frappe.get_all("User", filters={"name": ["in", list(users)]},
                          fields=["name", "full_name", "telegram_username", "telegram_user_id"])
    return {r.name: alerts.Agent(r.full_name or r.name, r.telegram_username or None, r.telegram_user_id or None)
            for r in rows}


def _team_chats(teams: set[str], conf) -> dict[str | None, str | None]:
    """_team_chat for many teams in one query (None: no team, the default chat)."""
    rows = dict(frappe.get_all("Support Team", filters={"name": ["in", list(teams)]},
                               fields=["name", "telegram_chat_id"], as_list=True)) if teams else {}
    return {team: rows.get(team) or conf.team_chat_id for team in (*teams, None)}


def ticket_url(name: str) -> str:
    """get_url_to_form("Ticket", name), with the site's URL worked out once per request or job
    (frappe.local), not once per alert: a re-plan can alert thousands at once."""
    prefix = getattr(frappe.local, "support_hub_ticket_url", None)
    if prefix is None:
        prefix = frappe.local.support_hub_ticket_url = get_url_to_form("Ticket", "")
    return prefix + quoted(name)


def alert_targets(transitions: list[Transition], conf, tickets: dict | None = None) -> list[tuple[str, dict, Transition]]:
    """(chat, ticket row, transition) for each transition whose ticket has a chat to alert, the row's
    first assignee set on it; the tickets read set-based unless the caller has them already (`tickets`:
    rows with name, subject, team and _assign)."""
    if tickets is None:
        tickets = {row.name: row for row in bulk.rows_where_in("Ticket", "name", (t.ticket for t in transitions),
                                                               ["name", "subject", "team", "_assign"])}
    chats = _team_chats({row.team for row in tickets.values() if row.team}, conf)
    targets = []
    for transition in transitions:
        ticket = tickets.get(transition.ticket)
        chat = ticket and chats.get(ticket.team or None)
        if chat:
            ticket.first_assignee = (json.loads(ticket._assign or "[]") or [None])[0]
            targets.append((chat, ticket, transition))
    return targets


def on_sla_transitions(transitions: list[Transition]) -> None:
    """Hooked on the SLA sweep (and a policy's re-plan): one "deadline is burning" alert per ticket,
    deadline and due date (or one summary per chat, see queue_deadline_alerts), read and queued set-based."""
    conf = site.settings()
    warnings = [t for t in transitions if t.status is SlaStatus.WARNING]
    if not (conf.enabled and warnings):
        return
    targets = alert_targets(warnings, conf)

    def key(chat, ticket, transition):
        return keys.outbox_key(keys.deadline_warning_key(ticket.name, transition.target.value, transition.due), chat)

    def message(chat, ticket, transition, agents):
        text = alerts.deadline_warning(
            lang=conf.lang, ticket=ticket.name, subject=_plain(ticket.subject), target=transition.target.value,
            due=to_naive(transition.due),  # the time left is filled in when the outbox sends it
            assignee=agents.get(ticket.first_assignee), ticket_url=ticket_url(ticket.name),
        )
        return outbox.Message(key(chat, ticket, transition), chat, text, "Deadline Warning", ("Ticket", ticket.name),
                              deadline=to_naive(transition.due))

    queue_deadline_alerts(targets, conf, breached=False, key=key, message=message)


def queue_deadline_alerts(targets: list[tuple[str, dict, Transition]], conf, *, breached: bool, key, message) -> None:
    """Deadline alerts of one sweep or re-plan, for (chat, ticket row, transition): each on its own
    (`message(chat, ticket, transition, agents)`), or, for a chat that would get more than
    engine.alerts.SUMMARY_OVER of them, one message listing them (keyed by their `key`s)."""
    by_chat: dict[str, list[tuple[dict, Transition]]] = {}
    for chat, ticket, transition in targets:
        by_chat.setdefault(chat, []).append((ticket, transition))
    singles, summaries = alerts.split_for_summary(by_chat)
    agents = _agents({t.first_assignee for _chat, (t, _tr) in singles if t.first_assignee})
    messages = [message(chat, ticket, transition, agents) for chat, (ticket, transition) in singles]
    status = "Breached" if breached else "Warning"
    for chat, items in summaries.items():
        text = alerts.deadlines_summary(
            lang=conf.lang, breached=breached, total=len(items),
            tickets=[(t.name, _plain(t.subject), ticket_url(t.name)) for t, _tr in items[:alerts.SUMMARY_LISTED]],
            list_url=get_url(f"/app/ticket?sla_status={status}"),
        )
        summary_key = keys.outbox_key(keys.summary_key([key(chat, t, tr) for t, tr in items]), chat)
        messages.append(outbox.Message(summary_key, chat, text, f"Deadline {status}"))
    outbox.queue_many(messages)


def on_sla_event_insert(event, method=None) -> None:
    """A person's SLA change (SLA Event "Changed": a hand edit, or a change that made a deadline later)
    goes to the manager's chat, unless it was decided not to alert (engine.sla.alert_sla_change)."""
    conf = site.settings()
    if event.event != "Changed" or not event.alert_managers or not (conf.enabled and conf.manager_chat_id):
        return
    subject = frappe.db.get_value("Ticket", event.ticket, "subject")
    text = alerts.sla_changed(
        lang=conf.lang, ticket=event.ticket, subject=_plain(subject), target=event.target,
        changed_by=frappe.utils.get_fullname(event.changed_by), changed_on=event.occurred_on,
        old=event.from_value, new=event.to_value, reason=event.reason or None,
        ticket_url=get_url_to_form("Ticket", event.ticket), postponed=bool(event.flags.postponed),
        later_by_minutes=event.later_by_minutes if event.flags.postponed else None,
    )
    key = keys.outbox_key(keys.sla_changed_key(event.name), conf.manager_chat_id)
    outbox.queue(key, conf.manager_chat_id, text, "SLA Changed", ("Ticket", event.ticket))


def on_rating(ticket) -> None:
    conf = site.settings()
    if not (conf.enabled and conf.alert_ratings and conf.manager_chat_id and alerts.should_alert_rating(ticket.rating)):
        return
    assignees = json.loads(ticket.get("_assign") or "[]")
    text = alerts.rating_alert(
        lang=conf.lang, ticket=ticket.name, subject=_plain(ticket.subject), rating=ticket.rating,
        comment=_plain(ticket.rating_comment) or None, agent=_agent(assignees[0] if assignees else None),
        ticket_url=get_url_to_form("Ticket", ticket.name),
    )
    # The button press alerts at once; a comment that follows is worth a second message.
    alert_key = keys.rating_key(ticket.name, ticket.rating) + ("|comment" if ticket.rating_comment else "")
    key = keys.outbox_key(alert_key, conf.manager_chat_id)
    outbox.queue(key, conf.manager_chat_id, text, "Rating", ("Ticket", ticket.name))


def on_customer_message(communication, method=None) -> None:
    """A customer's message on a ticket of a team that wants to hear about them."""
    if communication.reference_doctype != "Ticket" or communication.sent_or_received != "Received":
        return
    if communication.communication_type != "Communication":
        return
    conf = site.settings()
    if not conf.enabled:
        return
    ticket = frappe.db.get_value("Ticket", communication.reference_name, ["name", "subject", "team", "raised_by"],
                                 as_dict=True)
    if not (ticket and ticket.team and frappe.db.get_value("Support Team", ticket.team, "alert_new_messages")):
        return
    chat = _team_chat(ticket.team, conf)
    text = alerts.customer_message(
        lang=conf.lang, ticket=ticket.name, subject=_plain(ticket.subject), team=ticket.team,
        customer=communication.sender_full_name or communication.sender or ticket.raised_by,
        text=html2text(communication.content or ""),
        ticket_url=get_url_to_form("Ticket", ticket.name),
    )
    key = keys.outbox_key(keys.customer_message_key(communication.name), chat)
    outbox.queue(key, chat, text, "New Customer Message", ("Ticket", ticket.name))
