# Copyright (c) 2026, support_hub developers. License: MIT.

import frappe
from frappe.model.document import Document


class TicketPriority(Document):
    def on_update(self):
        if self.is_default:
            # One default priority: the newest choice wins.
            frappe.db.set_value("Ticket Priority", {"is_default": 1, "name": ["!=", self.name]}, "is_default", 0)
