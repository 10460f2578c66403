"""Routing of new tickets: rules decide type, topic, priority, tags and who gets the ticket.

The matching itself is the engine's (support_hub.engine.routing); this module loads the rules,
picks agents inside teams (round robin or least open), and writes the result with Frappe's own
assignment (ToDo) and tags, plus one readable timeline entry saying why.
"""

from __future__ import annotations

from dataclasses import fields, replace

import frappe
from frappe import _
from frappe.utils import get_fullname, strip_html

from support_hub.automation import availability, log
from support_hub.automation.assignment import assign
from support_hub.engine import routing as engine

_cache: dict[str, tuple[tuple, engine.CompiledRules]] = {}


def rule_from_row(row) -> engine.RoutingRule:
    return engine.RoutingRule(
        name=row.name,
        keywords=[line.strip() for line in (row.keywords or "").splitlines() if line.strip()],
        channel=row.channel or None,
        ticket_type=row.ticket_type or None,
        topic=row.topic or None,
        customer=row.customer or None,
        assign_to_user=row.assign_to_user or None,
        assign_to_team=row.assign_to_team or None,
        team_strategy=row.team_strategy or engine.ROUND_ROBIN,
        set_ticket_type=row.set_ticket_type or None,
        set_topic=row.set_topic or None,
        set_priority=row.set_priority or None,
        add_tags=[t.strip() for t in (row.add_tags or "").split(",") if t.strip()],
        enabled=bool(row.enabled),
        order=row.sequence or 0,
    )


_FIELDS = ["name", "keywords", "channel", "ticket_type", "topic", "customer", "assign_to_user", "assign_to_team",
           "team_strategy", "set_ticket_type", "set_topic", "set_priority", "add_tags", "enabled", "sequence"]


def compiled_rules() -> engine.CompiledRules:
    """Enabled rules, compiled once per change and process."""
    stamp = tuple(frappe.db.sql("select count(*), max(modified) from `tabRouting Rule` where enabled = 1")[0])
    cached = _cache.get(frappe.local.site)
    if cached and cached[0] == stamp:
        return cached[1]
    rows = frappe.get_all("Routing Rule", filters={"enabled": 1}, fields=_FIELDS, order_by="sequence asc, name asc")
    compiled = engine.compile_rules(rule_from_row(r) for r in rows)
    _cache[frappe.local.site] = (stamp, compiled)
    return compiled


def ticket_text(doc) -> engine.TicketText:
    return engine.TicketText(
        subject=doc.subject or "",
        description=strip_html(doc.description or ""),
        first_message=doc.flags.first_message or "",
        channel=doc.channel or None,
        ticket_type=doc.ticket_type or None,
        topic=doc.topic or None,
        customer=doc.customer or None,
    )


def account_manager(doc) -> str | None:
    """The customer's support owner, where the customer record has such a field."""
    if not (doc.customer and doc.customer_type):
        return None
    fieldname = frappe.db.get_single_value("Support Hub Settings", "account_manager_field") or "support_owner"
    if not frappe.get_meta(doc.customer_type).has_field(fieldname):
        return None
    owner = frappe.db.get_value(doc.customer_type, doc.customer, fieldname)
    return owner if owner and frappe.db.get_value("User", owner, "enabled") else None


def before_insert(doc) -> None:
    """Decide before the ticket is saved, so type and priority are in place for its SLA."""
    decision = engine.route(compiled_rules(), ticket_text(doc), account_manager(doc))
    if doc.flags.assign_to:  # the channel already knows who has it (the agent who answered the call)
        decision = replace(decision or engine.RoutingDecision(rule=None), assign_to_user=doc.flags.assign_to,
                           assign_to_team=None, team_strategy=None, assigned_by="call")
    doc.flags.routing_decision = decision
    if decision is None:
        return
    doc.ticket_type = decision.set_ticket_type or doc.ticket_type
    doc.topic = decision.set_topic or doc.topic
    doc.priority = decision.set_priority or doc.priority
    if decision.assign_to_team:
        doc.team = decision.assign_to_team


def decision_as_dict(decision: engine.RoutingDecision | None) -> dict | None:
    """What a background job needs of a decision (the match details stay behind)."""
    if decision is None:
        return None
    return {f.name: getattr(decision, f.name) for f in fields(decision) if f.name != "match"}


class TagRaced(Exception):
    """Two workers tagged their tickets with a tag new to the site at the same moment; the one that lost
    the Tag insert is tried again on a fresh snapshot, where the tag exists (intake.process)."""


def tag_ticket(doc, tags: list[str]) -> None:
    """Frappe's tags as its add_tag writes them (the ticket's `_user_tags` column, a Tag Link per tag, the Tag
    itself where new), from the ticket this job holds locked: add_tag reads the column back and loads the
    whole ticket again, once for every tag."""
    added, user_tags = new_tags(doc.get("_user_tags"), tags)
    if not added:
        return
    try:
        ensure_tags(added)
    except frappe.DuplicateEntryError as raced:
        raise TagRaced(", ".join(added)) from raced
    doc._user_tags = user_tags
    frappe.db.sql("update `tabTicket` set _user_tags = %s where name = %s", (doc._user_tags, doc.name))
    title = doc.get_title() or ""
    for tag in added:
        frappe.get_doc({"doctype": "Tag Link", "document_type": doc.doctype, "document_name": doc.name,
                        "title": title, "tag": tag}).insert(ignore_permissions=True)


def new_tags(user_tags: str | None, tags: list[str]) -> tuple[list[str], str]:
    """The tags a document does not carry yet, and its `_user_tags` column with them, as Frappe writes it."""
    current = [t for t in (user_tags or "").split(",") if t]
    added = [t for t in dict.fromkeys(tags) if t and t not in current]
    return added, "," + ",".join(current + added)


def ensure_tags(tags: list[str]) -> None:
    """Tags a rule will add exist from the moment it is saved, so a burst's first tickets do not race to
    create them (TagRaced is what is left for a tag deleted since)."""
    for tag in tags:
        if not frappe.db.exists("Tag", tag):
            frappe.get_doc({"doctype": "Tag", "name": tag}).insert(ignore_permissions=True)


def apply_decision(doc, decision: engine.RoutingDecision | None) -> None:
    """Assign, tag and explain, once the ticket exists: one timeline entry saying what and why."""
    if decision is not None:
        tag_ticket(doc, decision.add_tags)
    user, how = (None, "")
    if not (doc.get("_assign") and doc._assign not in ("[]", "")):  # nobody assigned it by hand yet
        user, how = _assignee(doc, decision)
    if user:
        assign(doc, user)  # Frappe's assignment; the notifications go in one job per transaction
    text = explanation(doc, decision, user, how)
    if text:
        log.record(doc, "Routing", decision.rule if decision else None, f"assign {user}" if user else "route", text,
                   timeline=text)


def explanation(doc, decision: engine.RoutingDecision | None, user: str | None, how: str) -> str | None:
    """The routing line of the ticket's timeline (and its log row): what was done and why; None for nothing."""
    done = []
    if user:
        who = get_fullname(user)
        if how == "account manager":
            done.append(_("assigned to {0}, the customer's account manager").format(who))
        elif how == "call":
            done.append(_("assigned to {0}, who answered the call").format(who))
        elif how == "rule":
            done.append(_("assigned to {0}").format(who))
        else:
            done.append(_("assigned to {0} ({1} in team {2})").format(who, _(how), doc.team))
    if decision is not None and decision.rule:
        for label, value in ((_("type"), decision.set_ticket_type), (_("topic"), decision.set_topic),
                             (_("priority"), decision.set_priority)):
            if value:
                done.append(_("{0} set to {1}").format(label, value))
        if decision.add_tags:
            done.append(_("tagged {0}").format(", ".join(decision.add_tags)))
        text = _("Routing rule «{0}» ({1}): {2}").format(decision.rule, decision.why, "; ".join(done) or _("nothing to do"))
    elif done:
        text = _("No routing rule matched: {0}").format("; ".join(done))
    else:
        return None
    return text[0].upper() + text[1:]


def _assignee(doc, decision, pick=None) -> tuple[str | None, str]:
    """Who gets the ticket and how; `pick(team, strategy)` chooses within a team (pick_agent unless given)."""
    if decision is not None and decision.assign_to_user:
        return decision.assign_to_user, decision.assigned_by or "rule"
    team = assigning_team(doc, decision)
    if not team:
        return None, ""
    strategy = (decision.team_strategy if decision and decision.assign_to_team else None) or engine.ROUND_ROBIN
    return (pick or pick_agent)(team, strategy), ("round robin" if strategy == engine.ROUND_ROBIN else "least open tickets")


def assigning_team(doc, decision) -> str | None:
    """The team a ticket not given to a person goes to: the rule's, else the ticket's, else the default."""
    team = (decision.assign_to_team if decision else None) or doc.team
    return team or frappe.db.get_single_value("Support Hub Settings", "default_team")


def team_agents(team: str) -> list[str]:
    """The team's active members who can take a ticket now, in the team's order: enabled users, and on
    shift, not away, not on leave."""
    agents = frappe.get_all(
        "Support Team Member",
        filters={"parenttype": "Support Team", "parent": team, "active": 1},
        pluck="user",
        order_by="idx asc",
    )
    enabled = set(frappe.get_all("User", filters={"name": ["in", agents], "enabled": 1}, pluck="name")) if agents else set()
    return availability.present([a for a in agents if a in enabled])


def open_ticket_counts(agents: list[str]) -> dict[str, int]:
    """Open ticket ToDos per agent (agents without any are missing)."""
    return {
        row.allocated_to: row.open
        for row in frappe.get_all(
            "ToDo",
            filters={"status": "Open", "reference_type": "Ticket", "allocated_to": ["in", agents]},
            fields=["allocated_to", "count(*) as open"],
            group_by="allocated_to",
        )
    }


def pick_agent(team: str, strategy: str) -> str | None:
    agents = team_agents(team)
    if not agents:
        return None
    if strategy == engine.LEAST_OPEN:
        return engine.pick_least_open(open_ticket_counts(agents), agents)
    # Lock the team row so simultaneous tickets take turns instead of landing on the same agent.
    last = frappe.db.get_value("Support Team", team, "last_assigned", for_update=True)
    chosen = engine.pick_round_robin(agents, last)
    frappe.db.set_value("Support Team", team, "last_assigned", chosen, update_modified=False)
    return chosen


def explain(rule_name: str, text: str) -> dict:
    """For the rule's Test button: does this text match, and why."""
    row = frappe.get_doc("Routing Rule", rule_name)
    compiled = engine.compile_rules([rule_from_row(row)])
    decision = engine.route(compiled, engine.TicketText(subject="", description=text, channel=row.channel or None,
                                                        ticket_type=row.ticket_type or None, topic=row.topic or None,
                                                        customer=row.customer or None))
    if decision is None:
        return {"matched": False, "why": ""}
    result = {"matched": True, "why": decision.why}
    reasons = engine.explain_words(decision, engine.TicketText(description=text))
    if reasons:
        result["words"] = [_word_reason(r) for r in reasons]
    return result


def _word_reason(reason) -> str:
    """One line of the Test button: why a word of the text matched a word of the keyword."""
    if reason.kind == "same":
        return _("«{0}» is the keyword's word «{1}»").format(reason.text_word, reason.keyword_word)
    if reason.kind == "form":
        return _("«{0}» is a form of «{1}»").format(reason.text_word, reason.keyword_lemma)
    if reason.kind == "family" and reason.negated:
        return _("«{0}» is «не» + «{1}», of the family of «{2}» (both from «{3}»)").format(
            reason.text_word, reason.negated, reason.keyword_lemma, reason.shared)
    if reason.kind == "family":
        return _("«{0}» is a form of «{1}», of the family of «{2}» (both from «{3}»)").format(
            reason.text_word, reason.text_lemma, reason.keyword_lemma, reason.shared)
    return _("«{0}» and «{1}» share the stem «{2}»").format(reason.text_word, reason.keyword_word, reason.shared)
