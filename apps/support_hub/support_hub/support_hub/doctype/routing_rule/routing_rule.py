# Copyright (c) 2026, support_hub developers. License: MIT.

import frappe
from frappe import _
from frappe.model.document import Document

from support_hub.api.arguments import validate_arguments
from support_hub.automation.routing import ensure_tags, explain, rule_from_row
from support_hub.engine.routing import validate_rule


class RoutingRule(Document):
    def validate(self):
        # A missing user would otherwise surface as a Link error; the engine's message is clearer.
        user = self.assign_to_user
        known = [user] if user and frappe.db.exists("User", {"name": user, "enabled": 1}) else []
        problems = validate_rule(rule_from_row(self), known)
        if problems:
            frappe.throw(
                "<br>".join(_("Routing rule «{0}»: {1}").format(self.rule_name or "", _(p)) for p in problems),
                title=_("Invalid routing rule"),
            )

    def on_update(self):
        ensure_tags(rule_from_row(self).add_tags)


@frappe.whitelist()
@validate_arguments
def test_rule(rule: str, text: str) -> dict:
    """The Test button: whether `text` matches the saved rule, and why."""
    frappe.get_doc("Routing Rule", rule).check_permission("read")
    return explain(rule, text or "")
