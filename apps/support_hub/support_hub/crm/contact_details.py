"""An agent corrects a customer's phone or e-mail, and nothing else of the contact.

The support roles only read Contact (support_hub.setup.grants); this one method lets them change the
primary e-mail and the primary phone of a contact they can read, the two things a customer asks
support to fix ("I have a new number"). Everything else on the contact — name, links to customers,
addresses — stays with the people who keep the customer base. The change is a normal save of the
contact (so identification's phone keys are refilled by its validate hook) and leaves one line on the
contact's timeline saying who changed what from what.
"""

from __future__ import annotations

import frappe
from frappe import _
from frappe.utils import validate_email_address, validate_phone_number

from support_hub.api.arguments import validate_arguments
from support_hub.setup.grants import SUPPORT_ROLES


@frappe.whitelist(methods=["POST"])
@validate_arguments
def update_contact(contact: str, email_id: str | None = None, phone: str | None = None) -> dict:
    """Set the contact's primary e-mail and/or primary phone. 403 without read access to the contact or
    a support role (or write access to contacts); 417 for an address or number that is not one."""
    doc = frappe.get_doc("Contact", contact)
    doc.check_permission("read")
    if not (set(frappe.get_roles()) & set(SUPPORT_ROLES) or doc.has_permission("write")):
        frappe.throw(_("Only support staff can change a contact's phone or e-mail here"), frappe.PermissionError)
    email_id = (email_id or "").strip()
    phone = (phone or "").strip()
    if not (email_id or phone):
        frappe.throw(_("Give an e-mail address or a phone number to change"), title=_("Nothing to change"))
    if email_id and not validate_email_address(email_id):
        frappe.throw(_("{0} is not an e-mail address").format(email_id), frappe.InvalidEmailAddressError)
    if phone and not validate_phone_number(phone):
        frappe.throw(_("{0} is not a phone number").format(phone), frappe.InvalidPhoneNumberError)

    changes = []
    if email_id and email_id != (doc.email_id or ""):
        changes.append((_("E-mail"), doc.email_id, email_id))
        _set_primary(doc, "email_ids", "email_id", email_id, ("is_primary",))
        doc.email_id = email_id
    if phone and phone != (doc.mobile_no or doc.phone or ""):
        changes.append((_("Phone"), doc.mobile_no or doc.phone, phone))
        _set_primary(doc, "phone_nos", "phone", phone, ("is_primary_mobile_no", "is_primary_phone"))
    if changes:
        doc.flags.ignore_permissions = True  # the permission is this method's: read + a support role
        doc.save()
        doc.add_comment(
            "Info",
            "; ".join(_("{0} changed from {1} to {2}").format(label, old or "—", new) for label, old, new in changes),
        )
    return {"name": doc.name, "email_id": doc.email_id, "mobile_no": doc.mobile_no, "phone": doc.phone}


def _set_primary(doc, table: str, field: str, value: str, primary_flags: tuple[str, ...]) -> None:
    """Make `value` the primary row of the table: a row that already has it, else the current primary row
    corrected in place (a mistyped number is replaced, not kept beside), else a new row."""
    rows = doc.get(table)
    existing = next((row for row in rows if row.get(field) == value), None)
    primary = next((row for row in rows if any(row.get(flag) for flag in primary_flags)), None)
    target = existing or primary
    if target is None:
        target = doc.append(table, {field: value})
    target.set(field, value)
    for row in rows:
        for flag in primary_flags:
            row.set(flag, 1 if row is target else 0)
