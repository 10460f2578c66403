"""Telegram Settings' new "Reopen Resolved Tickets from the Chat Within (hours)" starts at its default on a
site that has the settings already (Frappe fills defaults only into new documents)."""

import frappe

DEFAULT_HOURS = 72


def execute():
    stored = frappe.db.sql(
        "select value from tabSingles where doctype = 'Telegram Settings' and field = 'resolved_reopen_hours'")
    if not stored:
        frappe.db.set_single_value("Telegram Settings", "resolved_reopen_hours", DEFAULT_HOURS)
