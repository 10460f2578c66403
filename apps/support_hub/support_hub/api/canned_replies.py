"""Canned replies for the Ticket form (support_hub.canned_replies): search, fill in, and the composer's
Email Template field. Each call checks that the caller may answer the ticket."""

from __future__ import annotations

import json

import frappe
from frappe import _

from support_hub import canned_replies
from support_hub.api.arguments import validate_arguments


@frappe.whitelist(methods=["GET", "POST"])
@validate_arguments
def search(ticket: str, query: str | None = None) -> list[dict]:
    return canned_replies.search(ticket, query)


@frappe.whitelist(methods=["GET", "POST"])
@validate_arguments
def render(ticket: str, template: str) -> dict:
    return canned_replies.render(ticket, template)


@frappe.whitelist()
@validate_arguments
def template_query(doctype: str | None = None, txt: str | None = None, searchfield: str | None = None,
                   start: int = 0, page_len: int = 20, filters: dict | str | None = None):
    """A Link field's search (frappe.desk.search calls it with these arguments)."""
    if isinstance(filters, str):
        try:
            filters = json.loads(filters) if filters else {}
        except ValueError:
            frappe.throw(_("filters must be JSON"), frappe.ValidationError)
    if not isinstance(filters, dict):
        filters = {}
    return canned_replies.link_query(txt or "", filters, max(start, 0), min(max(page_len, 1), 100))
