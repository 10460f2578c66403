"""The telephony webhook (PBX call events)."""

from __future__ import annotations

import frappe

from support_hub.api.arguments import validate_arguments


@frappe.whitelist(allow_guest=True, methods=["POST"])
@validate_arguments
def event() -> dict:
    """Call started / answered / finished, signed with HMAC-SHA256 in the X-Signature header."""
    from support_hub.intake.telephony import receive

    body = frappe.request.get_data() if frappe.request else b""
    return receive(body, frappe.get_request_header("X-Signature"))
