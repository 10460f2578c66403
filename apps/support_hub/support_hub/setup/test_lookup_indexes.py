"""The indexes the app's lookups need on tables it does not own are there after install and migrate."""

from __future__ import annotations

import frappe
from frappe.tests.utils import FrappeTestCase

from support_hub.setup.lookup_indexes import LOOKUP_INDEXES, ensure_lookup_indexes


def index_columns(doctype: str, index_name: str) -> list[str]:
    return [row.Column_name for row in frappe.db.sql(
        f"show index from `tab{doctype}` where Key_name = %s", index_name, as_dict=True)]


class TestLookupIndexes(FrappeTestCase):
    def test_every_sender_lookup_by_e_mail_has_its_index(self):
        self.assertEqual(index_columns("Contact Email", "support_hub_email_id"), ["email_id"])

    def test_ensuring_again_changes_nothing_and_skips_tables_the_site_lacks(self):
        present = ensure_lookup_indexes()
        expected = [name for doctype, _cols, name in LOOKUP_INDEXES if frappe.db.table_exists(doctype)]
        self.assertEqual(present, expected)
        self.assertEqual(index_columns("Contact Email", "support_hub_email_id"), ["email_id"])
