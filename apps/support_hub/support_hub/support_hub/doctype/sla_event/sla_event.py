# Copyright (c) 2026, support_hub developers. License: MIT.

from frappe.model.document import Document


class SLAEvent(Document):
    """A log row: SLA transitions and hand-made SLA changes, one per dedupe key."""
