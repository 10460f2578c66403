# Copyright (c) 2026, support_hub developers. License: MIT.

from frappe.model.document import Document


class AgentLeave(Document):
    pass
