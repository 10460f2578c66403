"""Rating by link, for clients that speak JSON (the page /rate is the same thing for a browser).

POST /api/method/support_hub.api.rating.submit  (token, rating: bad | ok | great, comment?)
→ {"ticket": "TCK-00042", "rating": "bad"}. 404 unknown link, 410 expired, 409 already rated,
400 not a rating; then nothing is written.
"""

from __future__ import annotations

import frappe

from support_hub.api.arguments import validate_arguments
from support_hub.ratings import rate_by_link


@frappe.whitelist(allow_guest=True, methods=["POST"])
@validate_arguments
def submit(token: str | None = None, rating: str | None = None, comment: str | None = None) -> dict:
    # Guests may call it: the token is the permission (one ticket, once, until it expires).
    ticket = rate_by_link(token, rating, comment)
    return {"ticket": ticket, "rating": rating}
