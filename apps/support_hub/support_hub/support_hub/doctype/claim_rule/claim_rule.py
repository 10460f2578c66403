# Copyright (c) 2026, support_hub developers. License: MIT.

import frappe
from frappe import _
from frappe.model.document import Document

from support_hub.claims.assignment import rule_from_row
from support_hub.claims.messages import rule_problems


class ClaimRule(Document):
    def validate(self):
        # The engine's check_claim_rule says what is wrong (no assignee, negative or crossed limits).
        problems = rule_problems(rule_from_row(self))
        if problems:
            frappe.throw("<br>".join(problems), title=_("Invalid claim rule"))
