# Copyright (c) 2026, support_hub developers. License: MIT.

from frappe.model.document import Document


class TelegramOutbox(Document):
    pass


def on_doctype_update():
    # The sender's question: queued rows that are due, oldest first.
    import frappe

    frappe.db.add_index("Telegram Outbox", ["status", "next_try"])
