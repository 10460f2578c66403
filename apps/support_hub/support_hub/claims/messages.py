"""The engine's verdicts in the user's language.

The engine (support_hub.engine.claims) decides and explains in English; these helpers ask it and,
when it objects, say the same thing through frappe's translations, with field labels as the form
shows them and amounts formatted as money. Anything the engine may say that is not known here is
passed on as it is, so a new engine message is never swallowed.
"""

from __future__ import annotations

import re

from frappe import _
from frappe.utils import fmt_money

from support_hub.engine import claims as engine


def _money(value) -> str:
    return fmt_money(value or 0)


def transition_problem(old: str | None, new: str) -> str | None:
    """Why a claim may not go from `old` to `new` (None: it may)."""
    problem = engine.validate_transition(old, new)
    if problem is None:
        return None
    if new not in engine.claim_status_transitions:
        return _("Unknown claim status {0}").format(new)
    if not old:
        return _("A new claim starts as {0}, not {1}").format(_(engine.NEW), _(new))
    if old not in engine.claim_status_transitions:
        return _("Unknown claim status {0}").format(old)
    allowed = ", ".join(_(s) for s in engine.CLAIM_STATUSES if s in engine.claim_status_transitions[old])
    return _("A claim cannot go from {0} to {1} (from {0} it can go to: {2})").format(_(old), _(new), allowed)


def amount_problems(claimed, approved, resolution: str | None) -> list[str]:
    """Every problem with a claim's amounts. `claimed` None: the customer named no sum."""
    out = []
    for problem in engine.validate_amounts(claimed, approved, resolution):
        if problem == "Claimed amount cannot be negative":
            out.append(_("Claimed Amount cannot be negative"))
        elif problem == "Approved amount cannot be negative":
            out.append(_("Approved Amount cannot be negative"))
        elif problem.startswith("Approved amount (") and "exceeds" in problem:
            out.append(
                _("Approved Amount ({0}) exceeds the Claimed Amount ({1})").format(_money(approved), _money(claimed))
            )
        elif problem.startswith("A rejected claim cannot have an approved amount"):
            out.append(_("A rejected claim cannot have an Approved Amount ({0})").format(_money(approved)))
        elif problem == "A refund needs an approved amount above zero":
            out.append(_("A refund needs an Approved Amount above zero"))
        elif problem == "A compensation needs an approved amount above zero":
            out.append(_("A compensation needs an Approved Amount above zero"))
        else:
            out.append(_(problem))
    return out


_RULE_PATTERNS = (
    (re.compile(r"Rule (.*): nobody to assign claims to"), lambda m: _("Rule {0}: nobody to assign claims to")),
    (
        re.compile(r"Rule (.*): minimum amount cannot be negative"),
        lambda m: _("Rule {0}: Minimum Amount cannot be negative"),
    ),
    (
        re.compile(r"Rule (.*): maximum amount cannot be negative"),
        lambda m: _("Rule {0}: Maximum Amount cannot be negative"),
    ),
    (
        re.compile(r"Rule (.*): minimum amount (.+) is above maximum (.+)"),
        lambda m: _("Rule {0}: Minimum Amount {1} is above Maximum Amount {2}"),
    ),
)


def rule_problems(rule: engine.ClaimRule) -> list[str]:
    out = []
    for problem in engine.check_claim_rule(rule):
        for pattern, template in _RULE_PATTERNS:
            match = pattern.fullmatch(problem)
            if match:
                groups = list(match.groups())
                if len(groups) == 3:
                    groups[1:] = [_money(rule.min_amount), _money(rule.max_amount)]
                out.append(template(match).format(*groups))
                break
        else:
            out.append(_(problem))
    return out
