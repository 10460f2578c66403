from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from support_hub.engine.routing import (
    LEAST_OPEN,
    RoutingRule,
    TicketText,
    compile_rules,
    explain_words,
    pick_least_open,
    pick_round_robin,
    route,
    validate_rule,
)

PAYROLL = RoutingRule("Payroll", ["зарплата", "payroll"], assign_to_user="anna@x.ru", set_topic="Payroll", order=10)
BANK = RoutingRule(
    "Bank export",
    ["выгрузка в банк", "bank statement"],
    assign_to_team="Finance",
    team_strategy=LEAST_OPEN,
    set_priority="High",
    add_tags=("bank",),
    order=20,
)
INVOICE = RoutingRule("Invoices", ["invoice"], set_ticket_type="Billing", order=30)


def ticket(subject="", description="", **kw):
    return TicketText(subject=subject, description=description, **kw)


def test_first_matching_rule_in_order_wins_with_explanation():
    rules = compile_rules([INVOICE, BANK, PAYROLL])  # given out of order on purpose
    d = route(rules, ticket("Не пришли зарплаты", "и выгрузка в банк не работает, invoice тоже"))
    assert d.rule == "Payroll"
    assert d.why == "«зарплаты» ~ «зарплата»"
    assert d.assign_to_user == "anna@x.ru" and d.set_topic == "Payroll"
    assert d.matched_field == "subject" and d.assigned_by == "rule"


def test_equal_order_keeps_the_given_order():
    a = RoutingRule("A", ["invoice"], set_priority="Low")
    b = RoutingRule("B", ["invoice"], set_priority="High")
    assert route(compile_rules([a, b]), ticket("invoice")).rule == "A"
    assert route(compile_rules([b, a]), ticket("invoice")).rule == "B"


def test_disabled_rules_are_skipped():
    disabled = RoutingRule("Off", ["зарплата"], set_priority="Urgent", enabled=False, order=1)
    d = route(compile_rules([disabled, PAYROLL]), ticket("зарплату не начислили"))
    assert d.rule == "Payroll"


def test_phrase_rule_and_team_action():
    d = route(compile_rules([PAYROLL, BANK]), ticket("Проблема", "Не проходит выгрузку в банк с утра"))
    assert d.rule == "Bank export"
    assert d.assign_to_team == "Finance" and d.team_strategy == LEAST_OPEN and d.assign_to_user is None
    assert d.add_tags == ("bank",) and d.set_priority == "High"
    assert d.why == "«выгрузку в банк» ~ «выгрузка в банк»"
    assert d.matched_field == "description"


def test_first_message_is_searched():
    d = route(compile_rules([INVOICE]), TicketText(subject="Hello", first_message="Our invoices are wrong"))
    assert d.rule == "Invoices" and d.matched_field == "first_message" and d.why == "«invoices» ~ «invoice»"


def test_no_match_returns_none():
    assert route(compile_rules([PAYROLL, BANK, INVOICE]), ticket("Котировки валют", "бан в чате")) is None


def test_false_hits_do_not_route():
    rules = compile_rules([RoutingRule("Cats", ["кот"], set_topic="Cats"), RoutingRule("Ban", ["бан"], set_topic="Ban")])
    assert route(rules, ticket("Котировки не обновляются", "банк не отвечает")) is None


def test_phrase_does_not_match_across_fields():
    rules = compile_rules([BANK])
    assert route(rules, ticket("Выгрузка", "банк")) is None


def test_conditions_filter_rules():
    email_only = RoutingRule("Email payroll", ["зарплата"], channel="Email", set_priority="High", order=1)
    vip = RoutingRule("VIP", ["зарплата"], customer="Acme", set_priority="Urgent", order=2)
    rules = compile_rules([email_only, vip, PAYROLL])
    assert route(rules, ticket("зарплата", channel="Email")).rule == "Email payroll"
    assert route(rules, ticket("зарплата", channel="Telegram", customer="Acme")).rule == "VIP"
    assert route(rules, ticket("зарплата", channel="Telegram")).rule == "Payroll"
    typed = RoutingRule("Typed", ["зарплата"], ticket_type="Bug", topic="HR", set_priority="Low", order=0)
    rules = compile_rules([typed, PAYROLL])
    assert route(rules, ticket("зарплата", ticket_type="Bug", topic="HR")).rule == "Typed"
    assert route(rules, ticket("зарплата", ticket_type="Bug")).rule == "Payroll"


def test_mixed_language_and_case():
    rules = compile_rules([INVOICE, PAYROLL])
    assert route(rules, ticket("PAYROLL не считается")).rule == "Payroll"
    assert route(rules, ticket("Ошибка: INVOICING failed")).rule == "Invoices"


def test_account_manager_takes_assignment_but_rule_actions_stay():
    rules = compile_rules([BANK])
    d = route(rules, ticket("выгрузка в банк"), account_manager="pm@x.ru")
    assert d.assign_to_user == "pm@x.ru" and d.assign_to_team is None and d.team_strategy is None
    assert d.assigned_by == "account manager"
    assert d.rule == "Bank export" and d.set_priority == "High" and d.add_tags == ("bank",)
    assert "account manager" in d.summary() and "Bank export" in d.summary()


def test_account_manager_without_matching_rule():
    d = route(compile_rules([BANK]), ticket("Привет"), account_manager="pm@x.ru")
    assert d.rule is None and d.assign_to_user == "pm@x.ru" and d.why == "account manager"


def test_user_assignment_wins_over_team_in_one_rule():
    both = RoutingRule("Both", ["invoice"], assign_to_user="u", assign_to_team="T")
    d = route(compile_rules([both]), ticket("invoice"))
    assert d.assign_to_user == "u" and d.assign_to_team is None


def test_many_rules_only_candidates_checked():
    rules = [RoutingRule(f"R{i}", [f"слово{i}"], set_priority="Low", order=i) for i in range(1000)]
    rules.append(RoutingRule("Last", ["зарплата"], set_priority="High", order=5000))
    compiled = compile_rules(rules)
    assert len(compiled) == 1001
    assert compiled.candidates({"зарплата"}) == [1000]
    assert route(compiled, ticket("зарплаты")).rule == "Last"


DELIVERY = RoutingRule("Delivery", ["доставка", "delivery"], set_topic="Delivery", order=5)
REFUNDS = RoutingRule("Refunds", ["возврат денег", "refund"], set_topic="Refunds", order=6)


@pytest.mark.parametrize(
    "text, rule",
    [
        ("Заказ так и не доставили", "Delivery"),
        ("Посылка до сих пор не доставлена", "Delivery"),
        ("Недоставленный заказ №15", "Delivery"),
        ("Your courier delivered the wrong box", "Delivery"),
        ("Верните деньги за заказ", "Refunds"),
        ("Верните заказ", None),  # «возврат денег» wants both words, in order
        ("Когда вернут деньги?", "Refunds"),
        ("Please refunding my order", "Refunds"),
    ],
)
def test_a_ticket_in_the_customer_s_words_reaches_the_rule_of_the_same_thing(text, rule):
    decision = route(compile_rules([DELIVERY, REFUNDS]), ticket(text))
    assert (decision.rule if decision else None) == rule


@pytest.mark.parametrize("text", ["Не могу достать документы из архива", "Достаток клиента", "We deliberated on it",
                                  "Курьер-доставщик опоздал"])
def test_a_look_alike_word_does_not_route(text):
    assert route(compile_rules([DELIVERY, REFUNDS]), ticket(text)) is None


def test_explain_words_says_which_keyword_word_and_form():
    tk = ticket("", "Заказ так и не Доставили, верните деньги")
    decision = route(compile_rules([DELIVERY]), tk)
    assert decision.why == "«Доставили» ~ «доставка»"
    (reason,) = explain_words(decision, tk)
    assert (reason.kind, reason.text_word, reason.text_lemma, reason.keyword_word, reason.shared) == (
        "family", "Доставили", "доставить", "доставка", "достав")
    tk = ticket("", "когда вернут деньги")
    reasons = explain_words(route(compile_rules([REFUNDS]), tk), tk)
    assert [(r.kind, r.text_word, r.keyword_word, r.keyword_lemma) for r in reasons] == [
        ("family", "вернут", "возврат", "возврат"), ("form", "деньги", "денег", "деньга")]
    phone = RoutingRule("Phone", [], channel="Phone", set_priority="Low")
    tk = ticket("x", channel="Phone")
    assert explain_words(route(compile_rules([phone]), tk), tk) == []


# ----- validation -------------------------------------------------------------------------------


def test_validate_rule():
    assert validate_rule(PAYROLL, ["anna@x.ru"]) == []
    assert validate_rule(BANK, []) == []
    problems = validate_rule(RoutingRule("Empty", [" "]), ["anna@x.ru"])
    assert any(p.startswith("no keywords and no conditions") for p in problems)
    assert any(p.startswith("no action") for p in problems)
    assert validate_rule(PAYROLL, ["other@x.ru"]) == ["unknown user anna@x.ru"]
    assert validate_rule(RoutingRule("Punct", ["?!"], set_priority="Low"), []) == ["keyword «?!» has no words"]
    bad = RoutingRule("Bad team", ["x"], assign_to_team="T", team_strategy="Random")
    assert validate_rule(bad, []) == ["unknown team strategy Random"]


def test_rule_without_keywords_or_conditions_never_matches():
    rules = compile_rules([RoutingRule("Nothing", [], set_priority="Low")])
    assert route(rules, ticket("anything at all")) is None


def test_rule_without_keywords_is_valid_with_a_condition():
    for condition in ({"channel": "Phone"}, {"ticket_type": "Bug"}, {"topic": "HR"}, {"customer": "Acme"}):
        assert validate_rule(RoutingRule("By condition", [], set_priority="Low", **condition), []) == []
    assert validate_rule(RoutingRule("Neither", ["  "], set_priority="Low"), []) == [
        "no keywords and no conditions: give keywords, or a channel, ticket type, topic or customer"]


def test_rule_by_conditions_alone_matches_any_text_and_explains():
    phone = RoutingRule("Phone", [], channel="Phone", add_tags=("входящий",), order=15)
    vip = RoutingRule("VIP", [], customer="Acme", ticket_type="Bug", assign_to_team="VIP desk", order=16)
    rules = compile_rules([PAYROLL, phone, vip])
    d = route(rules, ticket("", channel="Phone"))
    assert d.rule == "Phone" and d.add_tags == ("входящий",) and d.why == "channel = Phone"
    assert d.matched_field is None and d.assigned_by is None
    d = route(rules, ticket("Привет", channel="Email", customer="Acme", ticket_type="Bug"))
    assert d.rule == "VIP" and d.why == "ticket type = Bug, customer = Acme" and d.assign_to_team == "VIP desk"
    assert route(rules, ticket("Привет", channel="Email", customer="Acme")) is None  # every condition must hold
    # order still decides: an earlier keyword rule wins, a later one loses to the condition rule
    assert route(rules, ticket("зарплата", channel="Phone")).rule == "Payroll"
    late = RoutingRule("Late payroll", ["зарплата"], set_priority="High", order=50)
    assert route(compile_rules([late, phone]), ticket("зарплата", channel="Phone")).rule == "Phone"


def test_a_keyword_rule_with_conditions_explains_both():
    rule = RoutingRule("Email payroll", ["зарплата"], channel="Email", set_priority="High")
    assert route(compile_rules([rule]), ticket("зарплаты", channel="Email")).why == "«зарплаты» ~ «зарплата»; channel = Email"


_CONDITION_VALUES = st.sampled_from([None, "A", "B"])


@given(
    rule_conditions=st.fixed_dictionaries({k: _CONDITION_VALUES for k in ("channel", "ticket_type", "topic", "customer")}),
    ticket_values=st.fixed_dictionaries({k: _CONDITION_VALUES for k in ("channel", "ticket_type", "topic", "customer")}),
    text=st.text(max_size=30),
)
@settings(max_examples=200, deadline=None)
def test_a_keywordless_rule_matches_exactly_when_every_set_condition_holds(rule_conditions, ticket_values, text):
    rule = RoutingRule("R", [], set_priority="Low", **rule_conditions)
    decision = route(compile_rules([rule]), ticket(text, **ticket_values))
    set_conditions = {k: v for k, v in rule_conditions.items() if v is not None}
    expected = bool(set_conditions) and all(ticket_values[k] == v for k, v in set_conditions.items())
    assert (decision is not None) == expected
    assert (validate_rule(rule, []) == []) == bool(set_conditions)
    if decision is not None:
        assert decision.rule == "R" and all(f"= {v}" in decision.why for v in set_conditions.values())


# ----- team assignment --------------------------------------------------------------------------


def test_round_robin_basics():
    agents = ["a", "b", "c"]
    assert pick_round_robin(agents, None) == "a"
    assert pick_round_robin(agents, "a") == "b"
    assert pick_round_robin(agents, "c") == "a"
    assert pick_round_robin(agents, "gone") == "a"
    with pytest.raises(ValueError):
        pick_round_robin([], None)


@settings(max_examples=200)
@given(
    st.lists(st.text(min_size=1, max_size=5), min_size=1, max_size=12, unique=True),
    st.integers(min_value=1, max_value=20),
    st.one_of(st.none(), st.text(max_size=5)),
)
def test_round_robin_is_fair(agents, k, last):
    counts = Counter()
    for _ in range(len(agents) * k):
        last = pick_round_robin(agents, last)
        counts[last] += 1
    assert counts == Counter({a: k for a in agents})


def test_least_open():
    assert pick_least_open({"a": 3, "b": 1, "c": 1}, ["a", "b", "c"]) == "b"
    assert pick_least_open({"a": 3, "b": 1, "c": 1}, ["c", "b", "a"]) == "c"
    assert pick_least_open({"a": 3}, ["a", "new"]) == "new"  # unknown = no open tickets
    with pytest.raises(ValueError):
        pick_least_open({}, [])


@settings(max_examples=200)
@given(st.lists(st.text(min_size=1, max_size=4), min_size=1, max_size=8, unique=True), st.data())
def test_least_open_picks_a_minimum_and_the_earliest(agents, data):
    counts = {a: data.draw(st.integers(0, 5)) for a in agents}
    chosen = pick_least_open(counts, agents)
    low = min(counts.values())
    assert counts[chosen] == low
    assert chosen == next(a for a in agents if counts[a] == low)
