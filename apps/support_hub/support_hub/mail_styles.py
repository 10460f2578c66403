"""Every e-mail Frappe queues has Frappe's e-mail stylesheet inlined into it by Premailer
(frappe.email.email_body.inline_style_in_html), and Premailer turns the same stylesheet into its list of
rules again for every message: four fifths of its time, a third of an assignment notification's
(measured). The rules depend on nothing but the stylesheet's text and Premailer's options, so they are
kept per process and reused; Premailer still applies them to each message itself, so every message comes
out as before. Installed by hooks.py before every request and job (`install` is idempotent).
"""

from __future__ import annotations

_installed = False
_MAX_SHEETS = 16


def install() -> None:
    global _installed
    if _installed:
        return
    from premailer import Premailer

    parse = Premailer._parse_style_rules
    memo: dict[tuple, tuple[list, list]] = {}

    def parse_style_rules(self, css_body, ruleset_index):
        key = (css_body, ruleset_index, self.strip_important, self.exclude_pseudoclasses,
               self.include_star_selectors, self.disable_validation)
        found = memo.get(key)
        if found is None:
            if len(memo) >= _MAX_SHEETS:
                memo.clear()
            found = memo[key] = parse(self, css_body, ruleset_index)
        rules, leftover = found
        return list(rules), list(leftover)  # the caller extends and sorts its own lists

    parse_style_rules.__wrapped__ = parse
    Premailer._parse_style_rules = parse_style_rules
    _installed = True
