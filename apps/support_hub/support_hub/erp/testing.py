"""What the in-process ERP tests share: a base class that skips on a site without ERPNext, and one
grocery story for the classes that only read it."""

from __future__ import annotations

import unittest
import uuid

import frappe
from frappe.tests.utils import FrappeTestCase


class ERPTestCase(FrappeTestCase):
    @classmethod
    def setUpClass(cls):
        if "erpnext" not in frappe.get_installed_apps():
            raise unittest.SkipTest("ERPNext is not installed on this site")
        super().setUpClass()


_shared_stories: dict[str, frappe._dict] = {}


def shared_story() -> frappe._dict:
    """One grocery story per run and site for the classes that read it (what they add to it, tickets on
    its orders, rolls back with their class). Made and committed once: each story is half a minute of
    ERPNext postings. Classes that count what hangs on the customer make their own (grocery.make_story)."""
    site = frappe.local.site
    if site not in _shared_stories:
        from support_hub.erp.grocery import make_story

        _shared_stories[site] = make_story(uuid.uuid4().hex[:8])
        frappe.db.commit()  # ERPNext commits while it posts stock: keep the story whole
    return _shared_stories[site]
