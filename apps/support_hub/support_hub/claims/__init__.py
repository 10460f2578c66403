"""The Frappe side of the claims desk: Claim documents, their deadline, who handles them, reminders,
permissions and the outcome posted back to the ticket.

The decisions themselves (which rule picks the handler, when a claim is due, which status may follow
which, which amounts make sense) are the engine's, in support_hub.engine.claims; this package loads
what the engine needs from the database and writes back what it decided.
"""

from support_hub.claims.setup import ensure_claim_categories

__all__ = ["ensure_claim_categories"]
