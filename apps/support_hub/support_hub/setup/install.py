"""What a fresh install needs to be usable at once: priorities, types, a team and a default SLA."""

from __future__ import annotations

import frappe
from frappe.utils import get_system_timezone

from support_hub.setup.lookup_indexes import ensure_lookup_indexes

PRIORITIES = [("Urgent", 1, 0), ("Today", 2, 0), ("Within two days", 3, 1)]
TICKET_TYPES = ["Support", "Implementation", "Development"]
DEFAULT_TEAM = "Support"
DEFAULT_POLICY = "Default"


def _ensure(doctype: str, name: str, values: dict) -> None:
    if not frappe.db.exists(doctype, name):
        frappe.get_doc({"doctype": doctype, **values}).insert(ignore_permissions=True)


def ensure_support_owner_field() -> None:
    """ERPNext's Customer gets a "Support Owner": the person who receives that customer's tickets first."""
    if not frappe.db.exists("DocType", "Customer"):
        return
    from frappe.custom.doctype.custom_field.custom_field import create_custom_fields

    create_custom_fields(
        {"Customer": [{"fieldname": "support_owner", "label": "Support Owner", "fieldtype": "Link",
                       "options": "User", "insert_after": "account_manager" if frappe.get_meta("Customer").has_field("account_manager") else None}]},
        update=True,
    )


def ensure_user_telegram_fields() -> None:
    """Agents' Telegram names, so alerts can mention them."""
    from frappe.custom.doctype.custom_field.custom_field import create_custom_fields

    create_custom_fields(
        {"User": [
            {"fieldname": "telegram_section", "label": "Telegram", "fieldtype": "Section Break", "insert_after": "mobile_no",
             "collapsible": 1},
            {"fieldname": "telegram_username", "label": "Telegram Username", "fieldtype": "Data",
             "insert_after": "telegram_section", "description": "Without @; alerts mention the agent by it"},
            {"fieldname": "telegram_user_id", "label": "Telegram User ID", "fieldtype": "Data",
             "insert_after": "telegram_username"},
        ]},
        update=True,
    )


def ensure_identity_fields() -> None:
    """Normalised phone keys and Telegram ids on contacts: what customer identification looks up."""
    from frappe.custom.doctype.custom_field.custom_field import create_custom_fields

    create_custom_fields(
        {
            "Contact Phone": [{"fieldname": "support_phone_key", "label": "Normalised Phone", "fieldtype": "Data",
                               "insert_after": "phone", "read_only": 1, "search_index": 1}],
            "Contact": [{"fieldname": "support_telegram_id", "label": "Telegram ID", "fieldtype": "Data",
                         "insert_after": "mobile_no", "search_index": 1}],
        },
        update=True,
    )


def grant_read(doctype: str, role: str) -> None:
    """Give `role` read access to `doctype` (a Custom DocPerm at level 0, no export or print), if the
    doctype exists (support_hub.setup.grants.grant)."""
    from support_hub.setup.grants import grant

    grant(doctype, role)


def grant_erp_read() -> None:
    """Where ERPNext is installed, the support roles read customers, contacts, orders, deliveries,
    invoices and payments; a Claims Officer also creates the drafts a claim's decision needs; a claim
    links those drafts (support_hub.setup.grants, support_hub.claims.erp_documents)."""
    from support_hub.claims.erp_documents import ensure_claim_document_fields
    from support_hub.setup.grants import grant_erp_permissions

    grant_erp_permissions()
    ensure_claim_document_fields()


def grant_support_reads() -> None:
    """Read access the support roles' own forms need on two Frappe doctypes that Frappe keeps to others:
    Email Account, which the desk's e-mail composer reads (signature, sender) as the person writing
    (without it an agent's "New Email" stops at "Not permitted: Email Account"; passwords are never
    readable this way, Password fields live apart, in __Auth); and Currency, see below."""
    for role in ("Support Agent", "Support Manager", "Claims Officer"):
        grant_read("Email Account", role)
        # A claim's amounts are in its Currency (a Link): the form looks the value up as the person
        # filling it in, and Frappe gives Currency to System and accounts roles only.
        grant_read("Currency", role)


def ensure_settings_defaults() -> None:
    """Settings fields added by an upgrade start at their documented default, not at empty."""
    meta = frappe.get_meta("Support Hub Settings")
    for field in meta.fields:
        if field.default and not frappe.db.exists(
            "Singles", {"doctype": "Support Hub Settings", "field": field.fieldname}
        ):
            frappe.db.set_single_value("Support Hub Settings", field.fieldname, field.default)


def drop_dangling_doctype_settings() -> None:
    """A setting naming a doctype that is not installed (e.g. Sales Order without ERPNext) would make
    the settings form unsaveable; empty means "the default" anyway."""
    for fieldname in ("order_doctype", "customer_doctype"):
        value = frappe.db.get_single_value("Support Hub Settings", fieldname)
        if value and not frappe.db.exists("DocType", value):
            frappe.db.set_single_value("Support Hub Settings", fieldname, None)


def after_migrate() -> None:
    from support_hub.automation.actor import ensure_automation_user
    from support_hub.canned_replies import ensure_canned_reply_fields

    ensure_automation_user()
    grant_support_reads()
    drop_dangling_doctype_settings()
    ensure_support_owner_field()
    ensure_identity_fields()
    grant_erp_read()
    ensure_user_telegram_fields()
    ensure_canned_reply_fields()  # support_hub.canned_replies: Email Template gets its Team
    ensure_settings_defaults()
    ensure_lookup_indexes()


def after_install() -> None:
    from support_hub.automation.actor import ensure_automation_user
    from support_hub.canned_replies import ensure_canned_reply_fields
    from support_hub.claims import ensure_claim_categories

    ensure_automation_user()
    grant_support_reads()
    ensure_claim_categories()
    ensure_support_owner_field()
    ensure_identity_fields()
    grant_erp_read()
    ensure_user_telegram_fields()
    ensure_canned_reply_fields()  # support_hub.canned_replies: Email Template gets its Team
    ensure_settings_defaults()
    ensure_lookup_indexes()
    for name, rank, is_default in PRIORITIES:
        _ensure("Ticket Priority", name, {"priority_name": name, "rank": rank, "is_default": is_default})
    for name in TICKET_TYPES:
        _ensure("Ticket Type", name, {"type_name": name})
    _ensure("Support Team", DEFAULT_TEAM, {"team_name": DEFAULT_TEAM})
    _ensure(
        "SLA Policy",
        DEFAULT_POLICY,
        {
            "policy_name": DEFAULT_POLICY,
            "is_default": 1,
            "time_zone": get_system_timezone(),
            "targets": [
                {"priority": "Urgent", "first_response_minutes": 30, "resolution_minutes": 240},
                {"priority": "Today", "first_response_minutes": 60, "resolution_minutes": 480},
                {"priority": "", "first_response_minutes": 240, "resolution_minutes": 1080},
            ],
            "business_hours": [
                {"weekday": day, "start_time": "09:00:00", "end_time": "18:00:00"}
                for day in ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")
            ],
        },
    )
    settings = frappe.get_single("Support Hub Settings")
    settings.default_team = settings.default_team or DEFAULT_TEAM
    settings.default_ticket_type = settings.default_ticket_type or "Support"
    if not settings.customer_doctype and frappe.db.exists("DocType", "Customer"):
        settings.customer_doctype = "Customer"
    settings.save(ignore_permissions=True)
