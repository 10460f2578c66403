"""What the in-process ERP tests share: a base class that skips on a site without ERPNext."""

from __future__ import annotations

import unittest

import frappe
from frappe.tests.utils import FrappeTestCase


class ERPTestCase(FrappeTestCase):
    @classmethod
    def setUpClass(cls):
        if "erpnext" not in frappe.get_installed_apps():
            raise unittest.SkipTest("ERPNext is not installed on this site")
        super().setUpClass()
