"""The intake drain's fast path: a chunk of new tickets' intake work made in memory, written set-based.

The per-ticket path (intake.process) inserts each row of a ticket's intake as a Frappe document — the
new sender's Contact, the auto-reply's Communication and its Email Queue mail, the ToDo and its
"assigned" line, the Tag Link, the routing line and the log rows: about 75 queries a ticket, most of
them the document machinery reading again what the drain already holds. Here the same documents are
made by Frappe's own code in memory (defaults, naming, the controllers' validate, Frappe's QueueBuilder
for the MIME message) and written with one multi-row INSERT per table for the whole chunk, and each
ticket's columns with one UPDATE: one transaction for the chunk, its tickets claimed FOR UPDATE SKIP
LOCKED as the per-ticket path claims them one by one, team rows locked once, in name order.

The documents' event handlers do not run, so the path is taken only where none would do anything
(`not_covered`): the site's document event hooks on these doctypes must be ones known to do nothing for
these rows (COVERED: each checked for what it does with an e-mail contact or an outgoing automated
message), and no Webhook, Notification, Server Script, Assignment Rule, Workflow, Energy Point Rule or
Milestone Tracker may be set on them. What the handlers would have published (the ticket's form
reloading, the assignment line appearing) is published here. A ticket the path does not cover — a
Telegram or phone sender, an auto-reply not sent by e-mail, a tag not made yet, an assignee who cannot
read the ticket or follows assigned documents, a contact name taken — is left to the per-ticket path,
and so is the whole chunk when its transaction fails. Not done here, on purpose: Frappe's Contact looks
the new sender up on gravatar.com (an HTTP request per contact, in a burst) for the contact's picture.
"""

from __future__ import annotations

import json
from collections import defaultdict

import frappe
from frappe.desk.notifications import clear_doctype_notifications
from frappe.core.doctype.communication.communication import (
    Communication,
    get_contacts,
    get_email_without_link,
    get_emails,
)
from frappe.core.doctype.communication.email import validate_email
from frappe.email.doctype.email_account.email_account import EmailAccount
from frappe.model.create_new import get_new_doc, set_dynamic_default_values
from frappe.model.naming import make_autoname, set_new_name
from frappe.utils import now, parse_addr, strip_html

from support_hub import bulk
from support_hub.exactly_once import whole_rows
from support_hub.automation import assignment, auto_reply, channels, log, mail_queue, routing
from support_hub.crm.identify import contact_first_name, fill_phone_keys
from support_hub.engine import identity
from support_hub.engine import routing as engine
from support_hub.engine.routing import RoutingDecision

# The doctypes whose rows are written here, children with their parents.
WRITTEN = ("Contact", "Contact Email", "Communication", "Communication Link", "Email Queue", "Email Queue Recipient",
           "ToDo", "Comment", "Tag Link", "Support Automation Log")
# Document event handlers that do nothing for the rows written here (an e-mail contact without phones or
# links, a Sent "Automated Message" on a Ticket, a ToDo of a ticket already locked). Another handler on a
# written doctype sends the chunk down the per-ticket path.
COVERED = frozenset({
    # "*" handlers of Frappe: no notification config, workflow, attachment field, assignment rule or user
    # type on these doctypes (the rules are checked in the database below); ToDo's open count is cleared
    "frappe.desk.notifications.clear_doctype_notifications",
    "frappe.workflow.doctype.workflow_action.workflow_action.process_workflow_actions",
    "frappe.core.doctype.file.utils.attach_files_to_document",
    "frappe.automation.doctype.assignment_rule.assignment_rule.apply",
    "frappe.automation.doctype.assignment_rule.assignment_rule.update_due_date",
    "frappe.core.doctype.user_type.user_type.apply_permissions_for_non_standard_user_type",
    "frappe.social.doctype.energy_point_rule.energy_point_rule.process_energy_points",
    "frappe.automation.doctype.milestone_tracker.milestone_tracker.evaluate_milestone",
    # ERPNext's "*": the SLA of its own doctypes, and the transaction deletion guard of company documents
    "erpnext.support.doctype.service_level_agreement.service_level_agreement.apply",
    "erpnext.setup.doctype.transaction_deletion_record.transaction_deletion_record.check_for_running_deletion_job",
    # Contact: Google sync only for a contact marked to sync; call logs and leads by phone number
    "frappe.integrations.doctype.google_contacts.google_contacts.insert_contacts_to_google_contacts",
    "frappe.integrations.doctype.google_contacts.google_contacts.update_contacts_to_google_contacts",
    "erpnext.telephony.doctype.call_log.call_log.link_existing_conversations",
    "erpnext.crm.utils.update_lead_phone_numbers",
    "erpnext.support.doctype.issue.issue.update_issue",
    "support_hub.crm.identify.fill_phone_keys",
    # Communication: ERPNext's Issue and Lead/Opportunity only; support_hub's act on agents' and customers'
    "erpnext.support.doctype.service_level_agreement.service_level_agreement.on_communication_update",
    "erpnext.support.doctype.issue.issue.set_first_response_time",
    "erpnext.crm.utils.link_communications_with_prospect",
    "support_hub.sla.first_response.on_communication_insert",
    "support_hub.automation.first_responder.on_communication_insert",
    "support_hub.automation.waiting.reopen_on_customer_reply",
    "support_hub.integrations.telegram.team_alerts.on_customer_message",
    # ToDo: the ticket first (the chunk holds its tickets' rows already)
    "support_hub.automation.assignment.lock_ticket_first",
})
_RULES = (("Webhook", "webhook_doctype", {"enabled": 1}), ("Notification", "document_type", {"enabled": 1}),
          ("Server Script", "reference_doctype", {"disabled": 0, "script_type": "DocType Event"}),
          ("Assignment Rule", "document_type", {"disabled": 0}), ("Workflow", "document_type", {"is_active": 1}),
          ("Energy Point Rule", "reference_doctype", {"enabled": 1}), ("Milestone Tracker", "document_type", {"disabled": 0}),
          ("Document Naming Rule", "document_type", {"disabled": 0}))


def not_covered() -> str | None:
    """Why this site's chunks cannot take the fast path (a handler or a rule on a written doctype), or None."""
    hooks = frappe.get_hooks("doc_events")
    for doctype in ("*", *WRITTEN):
        for event, handlers in (hooks.get(doctype) or {}).items():
            for handler in handlers:
                if handler not in COVERED:
                    return f"{doctype} {event}: {handler}"
    for doctype, field, filters in _RULES:
        found = frappe.get_all(doctype, filters={**filters, field: ["in", WRITTEN]}, pluck="name", limit=1)
        if found:
            return f"{doctype} {found[0]}"
    return None


class _Chunk:
    """The chunk's documents, made in memory as Document.insert makes them up to its database write:
    defaults, stamps, name, the controller's validate and Frappe's field checks and sanitising."""

    def __init__(self):
        self.user = frappe.session.user
        self.rows: dict[str, list] = defaultdict(list)  # doctype -> documents, parents and children in order
        self.plain: dict[str, list] = defaultdict(list)  # doctype -> whole rows of bookkeeping doctypes
        self.ticket_columns: dict[str, dict] = defaultdict(dict)
        self.published: list = []

    def add(self, doc, validate=False):
        doc.set("__islocal", True)
        _set_defaults(doc)
        doc.set_user_and_timestamp()
        doc.set_docstatus()
        if validate:
            (validate if callable(validate) else doc.validate)()  # the controller's own (no hooks: see COVERED)
            for child in doc.get_all_children():  # rows it added (a Communication's timeline links)
                child.modified, child.modified_by = doc.modified, doc.modified_by
                child.owner = child.owner or doc.owner
        for each in (doc, *doc.get_all_children()):
            if not each.name:
                _name(each)
        doc.set_parent_in_children()
        doc._validate()
        self.rows[doc.doctype].append(doc)
        for child in doc.get_all_children():
            self.rows[child.doctype].append(child)
        return doc

    def add_plain(self, doctype: str, values: dict) -> None:
        """A bookkeeping row, as exactly_once.insert_once writes it (no controller, no defaults)."""
        self.plain[doctype].append(whole_rows([values])[0])

    def write(self) -> None:
        """One INSERT per table for what was added since the last write."""
        documents = [(doctype, [doc.get_valid_dict(convert_dates_to_str=True) for doc in docs])
                     for doctype, docs in self.rows.items()]
        for doctype, rows in [*documents, *self.plain.items()]:
            columns = list(rows[0])
            bulk.insert(doctype, columns, [tuple(row[c] for c in columns) for row in rows])
        self.rows.clear()
        self.plain.clear()


def _set_defaults(doc) -> None:
    """Document._set_defaults, from Frappe's cached new-document template copied flat: Frappe deep-copies
    the whole template (table fields and all) for the document and again for each of its tables."""
    doc.update_if_missing(_defaults(doc.doctype))
    for df in doc.meta.get_table_fields():
        rows = doc.get(df.fieldname)
        if isinstance(rows, list) and rows:
            defaults = _defaults(df.options, doc, df.fieldname)
            for row in rows:
                if row.is_new():
                    row.update_if_missing(defaults)


def _defaults(doctype: str, parent_doc=None, parentfield: str | None = None) -> dict:
    if doctype not in frappe.local.new_doc_templates:
        get_new_doc(doctype)  # makes and keeps the template
    values = {k: v for k, v in frappe.local.new_doc_templates[doctype].items() if not isinstance(v, list | dict)}
    set_dynamic_default_values(values, parent_doc, parentfield)  # "Now", defaults from other fields
    return values


def _name(doc) -> None:
    """Frappe's name for a new document: its hash name straight away where the doctype names by hash
    alone (no autoname method, no naming rule: not_covered checks those), else set_new_name."""
    meta = frappe.get_meta(doc.doctype)
    if (meta.autoname or "hash").lower() == "hash" and not hasattr(type(doc), "autoname"):
        doc.name = make_autoname("hash", doc.doctype)
    else:
        set_new_name(doc)


class _Teams:
    """Round robin and least open tickets over the chunk: each team row locked once, its agents read once."""

    def __init__(self):
        self.agents: dict[str, list[str]] = {}
        self.last: dict[str, str | None] = {}
        self.open: dict[str, dict[str, int]] = {}

    def lock(self, teams: set[str]) -> None:
        if teams:
            self.last.update(frappe.db.sql("select name, last_assigned from `tabSupport Team` where name in %(t)s "
                                           "order by name for update", {"t": sorted(teams)}))

    def pick(self, team: str, strategy: str) -> str | None:
        if team not in self.agents:
            self.agents[team] = routing.team_agents(team)
        agents = self.agents[team]
        if not agents:
            return None
        if strategy == engine.LEAST_OPEN:
            if team not in self.open:
                self.open[team] = routing.open_ticket_counts(agents)
            chosen = engine.pick_least_open(self.open[team], agents)
            self.open[team][chosen] = self.open[team].get(chosen, 0) + 1
            return chosen
        if team not in self.last:
            return None  # a team the chunk did not lock (a default team changed meanwhile): per-ticket path
        chosen = self.last[team] = engine.pick_round_robin(agents, self.last[team])
        return chosen

    def save(self) -> None:
        for team, last in self.last.items():
            frappe.db.sql("update `tabSupport Team` set last_assigned = %s where name = %s", (last, team))


class NotCovered(Exception):
    """This ticket takes the per-ticket path (nothing of it is written here)."""


class Fallback(Exception):
    """The chunk cannot be written this way after all: the drain rolls it back and works it ticket by ticket."""


def run_chunk(names: list[str], waiting: dict[str, str]) -> set[str]:
    """Claim and do the intake of `names` (their hand-over arguments in `waiting`) set-based; returns the
    tickets done. The caller commits, or rolls back on an exception. Tickets not returned are untouched."""
    rows = frappe.db.sql("select * from `tabTicket` where name in %(n)s and intake_done = 0 order by name "
                         "for update skip locked", {"n": names}, as_dict=True)
    settings = _Settings()
    planned = []
    for row in rows:
        ticket = frappe.get_doc({**row, "doctype": "Ticket"})
        try:
            planned.append((ticket, _plan(ticket, json.loads(waiting[ticket.name]), settings)))
        except NotCovered:
            continue
    planned = _without_contact_clashes(planned)
    if not planned:
        return set()
    chunk = _Chunk()
    # The new senders' contacts first, written before the messages: Communication.validate links the
    # recipient's contact from the database, as it finds it on the per-ticket path.
    senders = [plan["new_contact"][1] for _ticket, plan in planned if plan.get("new_contact")]
    users = {email.lower(): name for email, name in frappe.db.sql(
        "select email, name from `tabUser` where email in %(e)s", {"e": senders})} if senders else {}
    for ticket, plan in planned:
        if plan.get("new_contact"):
            ticket.contact = _contact(chunk, plan["new_contact"], users)
    chunk.write()
    answered = [ticket for ticket, plan in planned if plan.get("reply")]
    settings.read_contacts([settings.account.default_sender if settings.account else None]
                           + [ticket.raised_by for ticket in answered])
    teams = _Teams()
    teams.lock({plan["team"] for _ticket, plan in planned if plan.get("team")})
    messages = [_auto_reply(chunk, ticket, plan["reply"], settings) for ticket, plan in planned if plan.get("reply")]
    unsubscribed = _unsubscribed([built for _ticket, built in messages if built is not None])
    for ticket, built in messages:
        if built is not None:
            _queue_mail(chunk, built, unsubscribed.get(ticket.name, []))
    for ticket, plan in planned:
        _route(chunk, ticket, plan["decision"], teams, settings)
    chunk.write()
    teams.save()
    modified = now()
    for ticket, _plan_ in planned:
        columns = chunk.ticket_columns[ticket.name]
        frappe.db.sql(
            "update `tabTicket` set contact = %s, _user_tags = %s, _assign = %s, _comments = %s, intake_done = 1, "
            "modified = %s, modified_by = %s where name = %s",
            (ticket.contact, columns.get("_user_tags", ticket.get("_user_tags")),
             columns.get("_assign", ticket.get("_assign")), columns.get("_comments", ticket.get("_comments")),
             modified, chunk.user, ticket.name))
        # what db_set(notify=True) publishes on the per-ticket path: a form open on the ticket reloads
        frappe.publish_realtime("doc_update", {"modified": modified, "doctype": "Ticket", "name": ticket.name},
                                doctype="Ticket", docname=ticket.name, after_commit=True)
    for line in chunk.published:
        line.notify_change("add")  # as Comment.after_insert: the assignment appears on an open form
    clear_doctype_notifications("ToDo")  # the "*" on_update hook's work for the new ToDos
    return {ticket.name for ticket, _plan_ in planned}


class _Account(EmailAccount):
    """The outgoing account, asked once per chunk whether it is a document (Frappe asks for every message)."""

    def is_exists_in_db(self):
        return self if self.flags.in_db else None


class _NewCommunication(Communication):
    """A message made in this chunk: no file is attached to it yet (Frappe looks for some for every message)."""

    def get_attachments(self):
        return []


class _Settings:
    """What every ticket of the chunk shares: the mail accounts, tags known to exist, the assignees."""

    def __init__(self):
        found = EmailAccount.find_outgoing(match_by_doctype="Ticket")
        self.account = None
        if found and found.get("email_id"):
            self.account = _Account(found.as_dict())
            self.account.flags.in_db = bool(found.is_exists_in_db())
        # the account replies go to, found as Communication.get_incoming_email_account finds it for the message
        self.incoming = EmailAccount.find_incoming(match_by_email=parse_addr(self.account.default_sender)[1],
                                                   match_by_doctype="Ticket") if self.account else None
        # Communication.get_outgoing_email_account writes the account on the message where it is a document
        self.account_name = self.account.name if self.account and self.account.flags.in_db else None
        self.contacts: dict[str, str] = {}  # e-mail address -> contact, for the messages' timeline links
        self.contact_links: dict[str, list[tuple[str, str]]] = {}
        self.creates_contacts = bool(self.account and frappe.db.get_value("Email Account", self.account_name,
                                                                             "create_contact"))
        self.links_by_address = bool(frappe.db.get_value("Email Account", {"enable_automatic_linking": 1}))
        self.tags: set[str] = set()
        self.templates = auto_reply.templates()
        self.assignees: dict[str, bool] = {}  # user -> may take a ToDo here (reads tickets, follows none)

    def without_link(self, address: str) -> str:
        """communication.get_email_without_link, which asks the database whether links by address are on
        for every address it is given."""
        return get_email_without_link(address) if self.links_by_address else address

    def read_contacts(self, addresses: list[str]) -> None:
        """The contacts of the chunk's message addresses and their links, in two reads."""
        addresses = [self.without_link(a) for a in get_emails(addresses)]
        if not addresses:
            return
        for address, contact in frappe.db.sql("select email_id, parent from `tabContact Email` where email_id in %(a)s "
                                              "and parenttype = 'Contact'", {"a": addresses}):
            self.contacts.setdefault(address.lower(), contact)  # the column compares without case
        if self.creates_contacts:
            # The account makes a contact for an address that has none (the support address itself, the first
            # time): Frappe's own get_contacts makes it, as the message's validation would on the other path.
            for address in dict.fromkeys(a for a in addresses if a.lower() not in self.contacts):
                made = get_contacts([address], auto_create_contact=True)
                if made:
                    self.contacts[address.lower()] = made[0]
        contacts = list(set(self.contacts.values()))
        if contacts:
            for contact, doctype, name in frappe.db.sql(
                "select parent, link_doctype, link_name from `tabDynamic Link` where parenttype = 'Contact' and "
                "parent in %(c)s order by idx", {"c": contacts}):
                self.contact_links.setdefault(contact, []).append((doctype, name))


def _plan(ticket, args: dict, settings: _Settings) -> dict:
    """What the ticket's intake will do, decided before anything is written; NotCovered when it is not ours."""
    decision = RoutingDecision(**args["decision"]) if args.get("decision") else None
    plan = {"decision": decision}
    new_contact = args.get("new_contact")
    if new_contact and not ticket.contact:
        if new_contact[0] != identity.EMAIL:
            raise NotCovered
        plan["new_contact"] = tuple(new_contact)
    if not args.get("skip_auto_reply"):
        reply = auto_reply.compose(ticket, settings.templates)
        if reply is not None:
            if not channels.by_email(ticket.channel or "Email") or not settings.account:
                raise NotCovered  # a channel's own sender (Telegram's), or no outgoing account
            if not mail_queue.is_plain(reply.html) or "@" not in (ticket.raised_by or ""):
                raise NotCovered
            plan["reply"] = reply
    tags = decision.add_tags if decision else []
    missing = [t for t in tags if t not in settings.tags]
    if missing:
        settings.tags.update(frappe.get_all("Tag", filters={"name": ["in", missing]}, pluck="name"))
        if any(t not in settings.tags for t in tags):
            raise NotCovered  # routing.tag_ticket makes it (and handles a race)
    if not (decision and decision.assign_to_user):
        plan["team"] = routing.assigning_team(ticket, decision)  # its row is locked once for the chunk
    return plan


def _without_contact_clashes(planned: list) -> list:
    """New senders whose address has a contact by now, or whose contact's name is taken (in the database or
    by an earlier ticket of the chunk) go the per-ticket way, where Frappe numbers a taken name."""
    wanted = {ticket.name: plan["new_contact"] for ticket, plan in planned if plan.get("new_contact")}
    if not wanted:
        return planned
    known = set(frappe.db.sql_list("select email_id from `tabContact Email` where email_id in %(e)s",
                                   {"e": [c[1] for c in wanted.values()]}))
    names = {ticket: _contact_name(contact) for ticket, contact in wanted.items()}
    taken = set(frappe.db.sql_list("select name from `tabContact` where name in %(n)s", {"n": list(names.values())}))
    kept = []
    for ticket, plan in planned:
        if ticket.name in wanted:
            name = names[ticket.name]
            if wanted[ticket.name][1] in known or name in taken:
                continue
            taken.add(name)
        kept.append((ticket, plan))
    return kept


def _contact_name(new_contact) -> str:
    """The name Contact.autoname gives it (its full name) when no contact has it yet."""
    return frappe.get_doc({"doctype": "Contact", "first_name": contact_first_name(*new_contact)})._get_full_name()


def _contact(chunk: _Chunk, new_contact, users: dict[str, str]) -> str:
    """identify.create_contact's Contact; Contact.validate but for its gravatar.com look-up."""
    _kind, address, _display_name = new_contact
    contact = frappe.get_doc({"doctype": "Contact", "first_name": contact_first_name(*new_contact)})
    contact.append("email_ids", {"email_id": address, "is_primary": 1})
    contact.name = contact._get_full_name()
    contact.flags.name_set = True
    contact.full_name = contact._get_full_name()
    contact.set_primary_email()
    contact.set_primary("phone")
    contact.set_primary("mobile_no")
    contact.user = users.get(address.lower())  # Contact.set_user, from the chunk's one read
    fill_phone_keys(contact)
    chunk.add(contact)
    return contact.name


def _auto_reply(chunk: _Chunk, ticket, reply: auto_reply.Composed, settings: _Settings) -> tuple:
    """channels.send_email's Communication and its log row; returns the ticket and the mail's QueueBuilder."""
    account = settings.account
    communication = _NewCommunication({
        **channels.automated_message(ticket, reply.subject, reply.html, ticket.raised_by, account.default_sender),
        "reference_owner": ticket.owner,  # what Communication.validate_reference reads
        "email_account": settings.account_name,  # what Communication.get_outgoing_email_account writes back
    })
    communication._outgoing_email_account = account
    communication._incoming_email_account = settings.incoming
    chunk.add(communication, validate=lambda: _validate_communication(communication, settings))
    built = mail_queue.builder(communication)
    if built is not None:
        built._email_account = account  # the one found for the chunk (Frappe finds it again for every message)
    # Communication.on_update's update_comment_in_doc: the ticket's cached comments for the list view
    comments = json.loads(ticket.get("_comments") or "[]")
    content = communication.content or ""
    comments.append({"comment": (content[:97] + "...") if len(content) > 100 else content,
                     "by": communication.sender or communication.owner, "name": communication.name})
    chunk.ticket_columns[ticket.name]["_comments"] = json.dumps(comments[-100:])
    _log(chunk, ticket, "Auto Reply", reply.template, "send", reply.reason, reply.key)
    return ticket, built


def _unsubscribed(builders: list) -> dict[str, list[str]]:
    """QueueBuilder.get_unsubscribed_user_emails for every message of the chunk in one read: per ticket, the
    addresses unsubscribed everywhere or from that ticket, as the database compares them (without case)."""
    wanted = {address for built in builders for address in built.recipients + built.cc}
    if not wanted:
        return {}
    rows = frappe.db.sql(
        "select distinct email, reference_name, global_unsubscribe from `tabEmail Unsubscribe` where email in %(a)s "
        "and (global_unsubscribe = 1 or (reference_doctype = 'Ticket' and reference_name in %(t)s))",
        {"a": list(wanted), "t": [built.reference_name for built in builders]})
    found = {}
    for built in builders:
        mine = {address.lower() for address in built.recipients + built.cc}
        found[built.reference_name] = list(dict.fromkeys(
            email for email, ticket, everywhere in rows
            if email.lower() in mine and (everywhere or ticket == built.reference_name)))
    return found


def _queue_mail(chunk: _Chunk, built, unsubscribed: list[str]) -> None:
    """mail_queue.queue's Email Queue row (QueueBuilder.process, sent by Frappe's own worker)."""
    built._unsubscribed_user_emails = unsubscribed
    recipients = built.final_recipients()
    if not (recipients + built.final_cc()):
        return
    if built.queue_separately or len(recipients) > 100:
        raise Fallback("a mail Frappe queues as a job per recipient")
    data = built.as_dict(include_recipients=False)
    if data:
        queued = frappe.new_doc("Email Queue")
        queued.update(data)
        queued.set_recipients(list(set(recipients + built.final_cc() + built.bcc)))
        chunk.add(queued)


def _validate_communication(communication, settings: _Settings) -> None:
    """Communication.validate for a new outgoing e-mail, its timeline links (the contacts of its addresses
    and their links, as set_timeline_links adds them) from the chunk's one read instead of a read per address."""
    communication.validate_reference()
    if not communication.user:
        communication.user = frappe.session.user
    if not communication.subject:
        communication.subject = strip_html((communication.content or "")[:141])
    if not communication.send_after:
        communication.send_after = None
    validate_email(communication)
    if settings.links_by_address:
        communication.parse_email_for_timeline_links()
    for address in get_emails([communication.sender, communication.recipients, communication.cc, communication.bcc]):
        contact = settings.contacts.get(settings.without_link(address).lower())
        if not contact:
            continue
        communication.add_link("Contact", contact)
        for doctype, name in settings.contact_links.get(contact, ()):
            communication.add_link(doctype, name)
    communication.deduplicate_timeline_links()
    communication.set_sender_full_name()
    communication.set_status()


def _route(chunk: _Chunk, ticket, decision, teams: _Teams, settings: _Settings) -> None:
    """routing.apply_decision: the tags, the assignment with its line, the routing line and its log row."""
    columns = chunk.ticket_columns[ticket.name]
    if decision is not None:
        added, user_tags = routing.new_tags(ticket.get("_user_tags"), decision.add_tags)
        if added:
            columns["_user_tags"] = user_tags
            for tag in added:
                chunk.add(frappe.get_doc({"doctype": "Tag Link", "document_type": "Ticket", "document_name": ticket.name,
                                          "title": ticket.get_title() or "", "tag": tag}))
    user, how = None, ""
    if not (ticket.get("_assign") and ticket._assign not in ("[]", "")):
        user, how = routing._assignee(ticket, decision, pick=teams.pick)
    if user:
        _assign(chunk, ticket, user, settings)
        columns["_assign"] = json.dumps([user])
    text = routing.explanation(ticket, decision, user, how)
    if text:
        _log(chunk, ticket, "Routing", decision.rule if decision else None, f"assign {user}" if user else "route", text)
        chunk.add(frappe.get_doc({"doctype": "Comment", "comment_type": "Info", "comment_email": chunk.user,
                                  "reference_doctype": "Ticket", "reference_name": ticket.name, "content": text}),
                  validate=True)


def _assign(chunk: _Chunk, ticket, user: str, settings: _Settings) -> None:
    """assignment.assign's ToDo and the ticket's "assigned" line ToDo.on_update writes."""
    if user not in settings.assignees:
        settings.assignees[user] = bool(frappe.has_permission("Ticket", "read", doc=ticket, user=user)) and not \
            frappe.get_cached_value("User", user, "follow_assigned_documents")
    if not settings.assignees[user]:
        raise Fallback(f"{user} would need the ticket shared or followed")
    todo = chunk.add(frappe.get_doc({
        **assignment.todo_values(ticket, user),
        "assigned_by_full_name": frappe.get_cached_value("User", chunk.user, "full_name"),  # its fetch_from
    }), validate=True)
    line = chunk.add(frappe.get_doc({"doctype": "Comment", "comment_type": todo._assignment["comment_type"],
                                     "comment_email": chunk.user, "reference_doctype": "Ticket",
                                     "reference_name": ticket.name, "content": todo._assignment["text"]}),
                     validate=True)
    chunk.published.append(line)
    assignment.notify_after_commit(todo.name, chunk.user)


def _log(chunk: _Chunk, ticket, automation: str, rule: str | None, action: str, reason: str,
         key: str | None = None) -> None:
    """log.record's row, as insert_once makes it."""
    chunk.add_plain("Support Automation Log", log.row_values(ticket, automation, rule, action, reason, key))
