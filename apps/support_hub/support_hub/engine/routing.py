"""Routing rules: the first enabled rule (in order) whose conditions and keywords match a new ticket
decides its assignee, type, topic, priority and tags.

A rule may have no keywords when it has at least one condition (channel, ticket type, topic,
customer): "every Phone ticket", "every ticket of customer Acme". It then matches on its conditions
alone. A rule with neither would match every ticket and is refused.

Keywords match in any word form (see wordforms). Rules are compiled once: every keyword becomes a
Phrase and an inverted index maps canonical keys to the rules that could match, so a ticket is only
checked against rules that share at least one key with its text; 1,000 rules cost about as much as
the few that are actually candidates.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace

from . import wordforms
from .wordforms import IndexedText, MatchInfo, Phrase

ROUND_ROBIN = "Round Robin"
LEAST_OPEN = "Least Open"
TEAM_STRATEGIES = (ROUND_ROBIN, LEAST_OPEN)

# The ticket fields keywords are searched in, in the order an explanation prefers them.
TEXT_FIELDS = ("subject", "description", "first_message")


@dataclass(frozen=True)
class RoutingRule:
    name: str
    keywords: Sequence[str]  # words or phrases; any one of them matching is enough; none: conditions alone
    # Conditions: None means "any".
    channel: str | None = None
    ticket_type: str | None = None
    topic: str | None = None
    customer: str | None = None
    # Actions.
    assign_to_user: str | None = None
    assign_to_team: str | None = None
    team_strategy: str = ROUND_ROBIN
    set_ticket_type: str | None = None
    set_topic: str | None = None
    set_priority: str | None = None
    add_tags: Sequence[str] = ()
    enabled: bool = True
    order: int = 0


@dataclass(frozen=True)
class TicketText:
    subject: str = ""
    description: str = ""
    first_message: str = ""
    channel: str | None = None
    ticket_type: str | None = None
    topic: str | None = None
    customer: str | None = None


@dataclass(frozen=True)
class RoutingDecision:
    rule: str | None  # None when only the account manager decided
    assign_to_user: str | None = None
    assign_to_team: str | None = None
    team_strategy: str | None = None
    set_ticket_type: str | None = None
    set_topic: str | None = None
    set_priority: str | None = None
    add_tags: tuple[str, ...] = ()
    why: str = ""  # «зарплаты» ~ «зарплата», or "account manager" when no rule matched
    matched_field: str | None = None  # subject / description / first_message
    assigned_by: str | None = None  # "account manager" or "rule"; None when nobody is assigned
    match: MatchInfo | None = field(default=None, compare=False)

    def summary(self) -> str:
        """One line for the ticket's timeline."""
        parts = []
        if self.rule:
            parts.append(f"rule {self.rule}: {self.why}")
        if self.assigned_by == "account manager":
            parts.append(f"assigned to account manager {self.assign_to_user}")
        return "; ".join(parts)


def _has_action(rule: RoutingRule) -> bool:
    return bool(
        rule.assign_to_user
        or rule.assign_to_team
        or rule.set_ticket_type
        or rule.set_topic
        or rule.set_priority
        or rule.add_tags
    )


# The conditions a rule may have, with the words an explanation uses for them.
CONDITIONS = (("channel", "channel"), ("ticket_type", "ticket type"), ("topic", "topic"), ("customer", "customer"))


def conditions_of(rule: RoutingRule) -> list[tuple[str, str]]:
    """The rule's conditions that are set, as (label, value): [("channel", "Phone")]."""
    return [(label, getattr(rule, name)) for name, label in CONDITIONS if getattr(rule, name)]


def explain_conditions(rule: RoutingRule) -> str:
    """"channel = Phone, customer = Acme"; empty when the rule has no conditions."""
    return ", ".join(f"{label} = {value}" for label, value in conditions_of(rule))


def _keywords(rule: RoutingRule) -> list[str]:
    return [k for k in rule.keywords if k and k.strip()]


def matches_on_conditions_alone(rule: RoutingRule) -> bool:
    """A rule without keywords that has at least one condition: it matches every ticket meeting them."""
    return not _keywords(rule) and bool(conditions_of(rule))


def validate_rule(rule: RoutingRule, known_users: Iterable[str]) -> list[str]:
    """Everything wrong with a rule, as sentences for a form; empty when it is usable."""
    problems = []
    keywords = _keywords(rule)
    if not keywords and not conditions_of(rule):
        problems.append("no keywords and no conditions: give keywords, or a channel, ticket type, topic or customer")
    for keyword in keywords:
        if not Phrase(keyword):
            problems.append(f"keyword «{keyword}» has no words")
    if not _has_action(rule):
        problems.append("no action: set an assignee, a team, a type, a topic, a priority or tags")
    if rule.assign_to_user and rule.assign_to_user not in set(known_users):
        problems.append(f"unknown user {rule.assign_to_user}")
    if rule.assign_to_team and rule.team_strategy not in TEAM_STRATEGIES:
        problems.append(f"unknown team strategy {rule.team_strategy}")
    return problems


@dataclass(frozen=True)
class _CompiledRule:
    rank: int
    rule: RoutingRule
    phrases: tuple[Phrase, ...]


class CompiledRules:
    """Enabled rules in evaluation order with their phrases and a key -> rule-rank index."""

    def __init__(self, rules: Iterable[RoutingRule]):
        ordered = sorted(
            (r for r in rules if r.enabled), key=lambda r: r.order
        )  # sorted() is stable: equal order keeps the given order
        self.rules: list[_CompiledRule] = []
        self.index: dict[str, list[int]] = {}
        self.by_conditions: list[int] = []  # rules without keywords: candidates for every ticket
        for rank, rule in enumerate(ordered):
            phrases = tuple(p for p in (Phrase(k) for k in rule.keywords if k) if p)
            self.rules.append(_CompiledRule(rank, rule, phrases))
            if matches_on_conditions_alone(rule):
                self.by_conditions.append(rank)
                continue
            anchors = set()
            for phrase in phrases:
                anchors |= phrase.anchor_keys
            for key in anchors:
                self.index.setdefault(key, []).append(rank)

    def __len__(self) -> int:
        return len(self.rules)

    def candidates(self, keys_present: Iterable[str]) -> list[int]:
        """Ranks of rules that share an anchor key with the text, and of the rules without keywords,
        in evaluation order."""
        ranks: set[int] = set(self.by_conditions)
        index = self.index
        for key in keys_present:
            hit = index.get(key)
            if hit:
                ranks.update(hit)
        return sorted(ranks)


def compile_rules(rules: Iterable[RoutingRule]) -> CompiledRules:
    return CompiledRules(rules)


def _conditions_hold(rule: RoutingRule, ticket: TicketText) -> bool:
    return (
        (rule.channel is None or rule.channel == ticket.channel)
        and (rule.ticket_type is None or rule.ticket_type == ticket.ticket_type)
        and (rule.topic is None or rule.topic == ticket.topic)
        and (rule.customer is None or rule.customer == ticket.customer)
    )


class _Field:
    """One text field, tokenised once per ticket."""

    __slots__ = ("name", "text", "indexed", "_words")

    def __init__(self, name: str, text: str):
        self.name = name
        self.text = text
        self.indexed = IndexedText(wordforms.text_keys(text))
        self._words: list[str] | None = None

    def words(self) -> list[str]:
        if self._words is None:
            shown = wordforms.words(self.text)
            # Exotic case folding can split a token; fall back to the lower-case tokens then.
            self._words = shown if len(shown) == len(self.indexed.keys) else wordforms.tokens(self.text)
        return self._words


def _decision(rule: RoutingRule, why: str, matched_field: str | None = None,
              match: MatchInfo | None = None) -> RoutingDecision:
    return RoutingDecision(
        rule=rule.name,
        assign_to_user=rule.assign_to_user,
        assign_to_team=None if rule.assign_to_user else rule.assign_to_team,
        team_strategy=rule.team_strategy if rule.assign_to_team and not rule.assign_to_user else None,
        set_ticket_type=rule.set_ticket_type,
        set_topic=rule.set_topic,
        set_priority=rule.set_priority,
        add_tags=tuple(rule.add_tags),
        why=why,
        matched_field=matched_field,
        assigned_by="rule" if rule.assign_to_user or rule.assign_to_team else None,
        match=match,
    )


def _rule_decision(compiled: CompiledRules, ticket: TicketText) -> RoutingDecision | None:
    fields = [_Field(name, getattr(ticket, name) or "") for name in TEXT_FIELDS]
    present: set[str] = set()
    for f in fields:
        present.update(f.indexed.positions)
    for rank in compiled.candidates(present):
        entry = compiled.rules[rank]
        rule = entry.rule
        if not _conditions_hold(rule, ticket):
            continue
        if not entry.phrases:
            if matches_on_conditions_alone(rule):  # (a rule with no usable keywords otherwise never matches)
                return _decision(rule, explain_conditions(rule))
            continue
        for phrase in entry.phrases:
            if not phrase.could_match(present):
                continue
            for f in fields:
                match = phrase.match(f.indexed)
                if match is not None:
                    why = match.explain(f.words())
                    if conditions_of(rule):
                        why = f"{why}; {explain_conditions(rule)}"
                    return _decision(rule, why, f.name, match)
    return None


def route(
    compiled: CompiledRules, ticket: TicketText, account_manager: str | None = None
) -> RoutingDecision | None:
    """What to do with a new ticket, or None when no rule matches and there is no account manager.

    A customer's account manager takes the ticket ahead of any rule's assignee or team; the
    matching rule's type, topic, priority and tags still apply.
    """
    decision = _rule_decision(compiled, ticket)
    if not account_manager:
        return decision
    if decision is None:
        return RoutingDecision(rule=None, assign_to_user=account_manager, why="account manager", assigned_by="account manager")
    return replace(decision, assign_to_user=account_manager, assign_to_team=None, team_strategy=None, assigned_by="account manager")


def explain_words(decision: RoutingDecision | None, ticket: TicketText) -> list[wordforms.WordMatch]:
    """For each word of the keyword that matched, why the ticket's word matched it (a form of it, or a
    word of its family and through which stem): what the rule's Test button shows. Empty when the
    decision was taken on conditions alone."""
    if decision is None or decision.match is None or decision.matched_field is None:
        return []
    text = getattr(ticket, decision.matched_field) or ""
    shown, toks = wordforms.words(text), wordforms.tokens(text)
    if len(shown) != len(toks):
        shown = toks
    reasons = (wordforms.why_word(keyword_word, shown[i]) for i, keyword_word in decision.match.pairs)
    return [reason for reason in reasons if reason is not None]


# ----- team assignment ------------------------------------------------------------------------


def pick_round_robin(agents: Sequence[str], last_assigned: str | None) -> str:
    """The agent after the one assigned last, wrapping around; the first when the last is unknown
    (new team, or that agent left it). Called with its own previous answer it visits everyone in turn."""
    if not agents:
        raise ValueError("the team has no agents")
    try:
        position = list(agents).index(last_assigned)
    except ValueError:
        return agents[0]
    return agents[(position + 1) % len(agents)]


def pick_least_open(open_counts: Mapping[str, int], agents: Sequence[str]) -> str:
    """The agent with the fewest open tickets (missing = 0); ties go to the earlier agent in `agents`."""
    if not agents:
        raise ValueError("the team has no agents")
    return min(enumerate(agents), key=lambda item: (open_counts.get(item[1], 0), item[0]))[1]
