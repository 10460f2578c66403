"""Rating links in e-mails (after a phone call): one click, no login, signed per ticket."""

from __future__ import annotations

import hashlib
import hmac

import frappe
from frappe import _
from frappe.utils import now_datetime

from support_hub.api.arguments import validate_arguments

RATINGS = ("bad", "ok", "great")


def rating_token(ticket: str) -> str:
    secret = frappe.local.conf.get("encryption_key") or frappe.local.conf.get("secret") or frappe.local.site
    return hmac.new(secret.encode(), f"rate:{ticket}".encode(), hashlib.sha256).hexdigest()[:32]


@frappe.whitelist(allow_guest=True, methods=["GET"])
@validate_arguments
def rate(ticket: str, rating: str, token: str):
    if rating not in RATINGS or not hmac.compare_digest(token or "", rating_token(ticket)):
        frappe.throw(_("This rating link is not valid."), frappe.PermissionError)
    if not frappe.db.exists("Ticket", ticket):
        frappe.throw(_("This rating link is not valid."), frappe.PermissionError)
    frappe.db.set_value("Ticket", ticket, {"rating": rating, "rated_on": now_datetime()}, update_modified=False)
    frappe.respond_as_web_page(_("Thank you"), _("Your rating has been saved."), indicator_color="green")
