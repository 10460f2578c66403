# Copyright (c) 2026, support_hub developers. License: MIT.

import frappe
from frappe import _
from frappe.model.document import Document


class SupportTeam(Document):
    def validate(self):
        seen = set()
        for row in self.members:
            if row.user in seen:
                frappe.throw(_("Agents, row {0}: {1} is listed twice.").format(row.idx, row.user))
            seen.add(row.user)
