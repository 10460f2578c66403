# Copyright (c) 2026, support_hub developers. License: MIT.

from frappe.model.document import Document


class RatingLink(Document):
    """One rating link given to a customer: the token's digest, never the token (support_hub.ratings)."""
