# Copyright (c) 2026, support_hub developers. License: MIT.

from frappe.model.document import Document


class TagBroadcastRecipient(Document):
    """One customer of a Tag Broadcast and whether their message has been handed over."""
