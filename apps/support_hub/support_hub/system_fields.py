"""Ticket fields only the system writes (support_hub.engine.system_fields decides which), refused to
every person on every path: REST PUT/POST, frappe.client.set_value, the desk form, data import.

Who is "the system": code that saves with `ignore_permissions` (intake, the SLA clock's helpers, the
waiting ladder, the bot, telephony) or that runs in-process as Administrator outside any web request
(scheduler jobs, workers, `bench console`, migrations, tests). Everything that arrives over HTTP is a
person, Administrator included. Fields the system writes without a save (db_set, the sweep's update)
move `modified` and notify open forms, so a form opened before such a write cannot send the old value
back: Frappe refuses the stale form ("modified after you opened it") instead of this guard refusing a
change the person never made.
"""

from __future__ import annotations

import frappe
from frappe import _

from support_hub.engine import system_fields as engine


def acting_as_system(doc) -> bool:
    if doc.flags.ignore_permissions:
        return True
    return frappe.session.user == "Administrator" and not getattr(frappe.local, "request", None)


def refuse_person_writes(doc) -> None:
    """Raise PermissionError (HTTP 403) when a person's save would write a system-only field.

    Called before anything else of the save runs (Ticket.before_insert for a new ticket,
    Ticket.validate_higher_perm_levels for an existing one), so nothing is written.
    """
    if acting_as_system(doc):
        return
    before = None if doc.is_new() else doc.get_doc_before_save()  # loaded (for update) by check_if_latest
    refused = engine.refused_fields(before.as_dict() if before is not None else None, doc.as_dict())
    if not refused:
        return
    labels = ", ".join(_(doc.meta.get_label(f)) for f in refused)
    if refused == [engine.CHANNEL_FIELD] and doc.is_new():
        message = _("A person may open a ticket only on the channels {0}; {1} tickets are opened by their own intake.").format(
            ", ".join(_(c) for c in engine.CHANNELS_A_PERSON_MAY_CHOOSE), _(doc.get(engine.CHANNEL_FIELD)))
    else:
        message = _("These fields are kept by the system and cannot be set by hand: {0}.").format(labels)
    frappe.throw(message, frappe.PermissionError, title=_("Not permitted"))
