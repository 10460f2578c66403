"""First responder becomes assignee: when a team has the option on, the first reply an agent sends on an
unassigned ticket of that team assigns the ticket to that agent (Frappe's assign_to), with a timeline line.

"An agent" is a person with the Support Agent or Support Manager role sending a Communication (an e-mail from
the desk, a reply in Telegram); automatic messages (auto-replies, ladder reminders) are "Automated Message"
and never count, nor does the automation user. Only the first agent reply on the ticket counts: a ticket
someone answered while it was unassigned and that is unassigned later stays for the team to pick up.
"""

from __future__ import annotations

import frappe
from frappe import _
from frappe.desk.form.assign_to import add as add_assignment
from frappe.utils import get_fullname

from support_hub.automation import log
from support_hub.automation.actor import AUTOMATION_USER

AGENT_ROLES = ("Support Agent", "Support Manager")


def on_communication_insert(communication, method=None) -> None:
    if communication.reference_doctype != "Ticket" or not communication.reference_name:
        return
    if communication.communication_type != "Communication" or communication.sent_or_received != "Sent":
        return
    agent = communication.user or frappe.session.user
    if agent in (AUTOMATION_USER, "Guest", "Administrator") or not set(AGENT_ROLES) & set(frappe.get_roles(agent)):
        return
    team = frappe.db.get_value("Ticket", communication.reference_name, "team") or frappe.db.get_single_value(
        "Support Hub Settings", "default_team")
    if not team or not frappe.db.get_value("Support Team", team, "first_responder_assignee"):
        return
    # Locked, so two agents answering at the same moment do not both become the assignee.
    ticket = frappe.get_doc("Ticket", communication.reference_name, for_update=True)
    if frappe.db.exists("ToDo", {"reference_type": "Ticket", "reference_name": ticket.name, "status": "Open"}):
        return
    earlier = frappe.db.exists("Communication", {
        "reference_doctype": "Ticket", "reference_name": ticket.name, "communication_type": "Communication",
        "sent_or_received": "Sent", "name": ["!=", communication.name], "creation": ["<=", communication.creation]})
    if earlier:
        return
    add_assignment({"doctype": "Ticket", "name": ticket.name, "assign_to": [agent]}, ignore_permissions=True)
    text = _("Assigned to {0}, who answered the customer first (team {1} gives a ticket to its first responder)").format(
        get_fullname(agent), team)
    log.record(ticket, "First Responder", None, f"assign {agent}", text, timeline=text)
