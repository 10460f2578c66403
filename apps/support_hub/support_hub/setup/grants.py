"""What the support roles may do with the ERP's records, where ERPNext is installed.

    Support Agent, Support Manager   read Customer, Contact, Sales Order, Delivery Note, Sales Invoice,
                                     Payment Entry; nothing else: no export, no print, no writes (an
                                     agent corrects a contact's phone or e-mail through
                                     support_hub.crm.contact_details.update_contact only)
    Claims Officer                   the same reads, plus creating the drafts a claim's decision needs
                                     (Sales Invoice returns, Payment Entries, Sales Orders): create,
                                     never submit — posting money stays with the accounts roles

Every grant is a Custom DocPerm at level 0 made by `grant` and kept at export = 0 and print = 0: Frappe's
own add_permission leaves a new rule at its defaults (export = 1), which let an agent download every
customer and every order as CSV. A migrate puts the app's rules back to this.

Item prices and stock stay hidden from people who are only support staff: the roles read no Item
Price, Bin or Price List, and ERPNext's whitelisted methods that hand prices and stock to any desk
user are wrapped (hooks.override_whitelisted_methods -> support_hub.setup.erp_guard).
"""

from __future__ import annotations

import frappe

SUPPORT_ROLES = ("Support Agent", "Support Manager", "Claims Officer")
ERP_READS = ("Customer", "Contact", "Sales Order", "Delivery Note", "Sales Invoice", "Payment Entry")
CLAIMS_OFFICER_CREATES = ("Sales Invoice", "Payment Entry", "Sales Order")
# What a support grant never carries, whatever Frappe's defaults for a new rule are.
NEVER = ("export", "print", "import", "share", "submit", "cancel", "amend", "delete", "write", "report", "email")


def grant(doctype: str, role: str, create: bool = False) -> None:
    """`role` reads `doctype` (and creates it, with `create`) through one Custom DocPerm at level 0,
    with no export, print or other right; a no-op where the doctype does not exist."""
    from frappe.permissions import add_permission

    if not frappe.db.exists("DocType", doctype):
        return
    filters = {"parent": doctype, "role": role, "permlevel": 0, "if_owner": 0}
    if not frappe.db.exists("Custom DocPerm", filters):
        add_permission(doctype, role, 0)
    name = frappe.db.get_value("Custom DocPerm", filters)
    values = {right: 0 for right in NEVER}
    values.update({"read": 1, "select": 1, "create": 1 if create else 0})
    current = frappe.db.get_value("Custom DocPerm", name, list(values), as_dict=True)
    if any(int(current.get(k) or 0) != v for k, v in values.items()):
        frappe.db.set_value("Custom DocPerm", name, values, update_modified=False)
        frappe.clear_cache(doctype=doctype)


def grant_erp_permissions() -> None:
    for doctype in ERP_READS:
        for role in SUPPORT_ROLES:
            grant(doctype, role, create=role == "Claims Officer" and doctype in CLAIMS_OFFICER_CREATES)


def support_only(user: str | None = None) -> bool:
    """True for a user whose only roles (beyond the automatic ones) are support roles."""
    user = user or frappe.session.user
    if user in ("Administrator", "Guest"):
        return user == "Guest"
    roles = set(frappe.get_roles(user)) - {"All", "Guest", "Desk User"}
    return bool(roles) and roles <= set(SUPPORT_ROLES)
