"""The site's outgoing mail account: a real SMTP server that the setup and test commands run on
127.0.0.1 (aiosmtpd writing every message to a Maildir), so replies from the desk really go out and
the tests can read them back. On a production site an admin points this account (or another default
outgoing one) at the company's mail server instead.
"""

from __future__ import annotations

import frappe

ACCOUNT = "Support Outbox"


def configure_outgoing(server: str = "127.0.0.1", port: int = 2525, email_id: str = "support@support.example") -> str:
    """Create or repoint the default outgoing Email Account (bench execute … --kwargs)."""
    values = {
        "email_id": email_id,
        "enable_outgoing": 1,
        "default_outgoing": 1,
        "enable_incoming": 0,
        "smtp_server": server,
        "smtp_port": int(port),
        "use_tls": 0,
        "use_ssl_for_outgoing": 0,
        "no_smtp_authentication": 1,
        "always_use_account_email_id_as_sender": 0,
        "always_use_account_name_as_sender_name": 0,
    }
    if frappe.db.exists("Email Account", ACCOUNT):
        account = frappe.get_doc("Email Account", ACCOUNT)
        account.update(values)
        account.save(ignore_permissions=True)
    else:
        account = frappe.get_doc({"doctype": "Email Account", "email_account_name": ACCOUNT, **values})
        account.insert(ignore_permissions=True)
    frappe.db.commit()
    return account.name
