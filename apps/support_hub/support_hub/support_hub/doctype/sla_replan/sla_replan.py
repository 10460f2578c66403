# Copyright (c) 2026, support_hub developers. License: MIT.

from frappe.model.document import Document


class SLAReplan(Document):
    """A log row written by support_hub.sla.replan: one per re-plan of a policy's open tickets. A row left
    Running names the re-plan whose held transitions events.retell_held hands over."""
