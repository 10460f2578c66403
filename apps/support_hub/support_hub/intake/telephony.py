"""Phone intake: call events from the PBX (UIS / Mango-style webhook) become Phone tickets.

The webhook is checked (HMAC signature, 403) and parsed (400) before anything is written. Each
event is then claimed by inserting its key (Telephony Event, unique; support_hub.exactly_once): a
repeated delivery, even one arriving at the same moment in another worker, waits for the first to
commit and is answered 200 with nothing done twice. The engine's CallTracker decides; its memory of
each call lives in a Telephony Call row, created if need be and locked while an event is handled, so
events of one call arriving in different workers take turns and see each other.
"""

from __future__ import annotations

import hashlib
from collections.abc import MutableMapping

import frappe
from frappe import _
from frappe.utils import get_fullname

from support_hub import ratings
from support_hub.automation import log
from support_hub.crm.identify import find_contact
from support_hub.engine.identity import PHONE, normalize_phone
from support_hub.exactly_once import insert_once
from support_hub.integrations.telephony import events as engine

_RECORD_FIELDS = ("customer_number", "line_number", "answered_by", "ticket_opened", "finished")


class StoredCalls(MutableMapping):
    def __getitem__(self, call_id: str) -> engine.CallRecord:
        row = frappe.db.get_value("Telephony Call", call_id, list(_RECORD_FIELDS), as_dict=True, for_update=True)
        if row is None:
            raise KeyError(call_id)
        return engine.CallRecord(call_id, row.customer_number or "", row.line_number or "", row.answered_by or None,
                                 bool(row.ticket_opened), bool(row.finished))

    def __setitem__(self, call_id: str, record: engine.CallRecord) -> None:
        values = {f: getattr(record, f) for f in _RECORD_FIELDS}
        if not insert_once("Telephony Call", {"name": call_id, "call_id": call_id, **values}):
            frappe.db.set_value("Telephony Call", call_id, values, update_modified=False)

    def __delitem__(self, call_id):
        frappe.delete_doc("Telephony Call", call_id, ignore_permissions=True)

    def __iter__(self):
        return iter(frappe.get_all("Telephony Call", pluck="name"))

    def __len__(self):
        return frappe.db.count("Telephony Call")


EVENT_KEY_LENGTH = 140  # the Data column of Telephony Event.event_key


def stored_event_key(event: engine.CallEvent) -> str:
    """The event's idempotency key as stored; a key longer than the column is stored as its hash, so two
    long keys never meet in a truncated prefix."""
    key = engine.event_key(event)
    if len(key) <= EVENT_KEY_LENGTH:
        return key
    return "sha256:" + hashlib.sha256(key.encode()).hexdigest()


def claim_event(event: engine.CallEvent) -> bool:
    """Record the event as handled; False when it was (a delivery of it that committed first)."""
    return insert_once("Telephony Event", {"event_key": stored_event_key(event), "call_id": event.call_id})


def lock_call(event: engine.CallEvent) -> None:
    """The call's row, created if this is its first event, locked until this transaction ends."""
    insert_once("Telephony Call", {"name": event.call_id, "call_id": event.call_id,
                                   "customer_number": event.from_number, "line_number": event.to_number})
    frappe.db.sql("select name from `tabTelephony Call` where name = %s for update", event.call_id)


def settings() -> frappe._dict:
    doc = frappe.get_cached_doc("Telephony Settings")
    extensions = {}
    for line in (doc.support_extensions or "").splitlines():
        extension, _sep, user = line.partition("=")
        if extension.strip():
            extensions[extension.strip()] = user.strip() or None
    return frappe._dict(enabled=bool(doc.enabled), extensions=extensions, rate=bool(doc.send_rating_request),
                        secret=doc.get_password("webhook_secret", raise_exception=False) if doc.webhook_secret else None)


def customer_email(number: str) -> str | None:
    contact = find_contact(PHONE, normalize_phone(number) or number)
    return frappe.db.get_value("Contact", contact, "email_id") if contact else None


def respond(status: int, message: str) -> dict:
    frappe.local.response["http_status_code"] = status
    return {"ok": status == 200, "message": message}


def receive(body: bytes, signature: str | None) -> dict:
    conf = settings()
    if not conf.enabled:
        return respond(404, _("Telephony is switched off"))
    if not (conf.secret and engine.verify_signature(body, conf.secret, signature)):
        return respond(403, _("Wrong or missing signature"))
    try:
        event = engine.parse_event(body)
    except engine.BadEvent as error:
        return respond(error.status_code, str(error))
    user = frappe.session.user
    frappe.set_user("Administrator")  # checked and parsed: act as the system from here on
    try:
        if not claim_event(event):
            return respond(200, f"duplicate event {engine.event_key(event)}")
        if event.direction == engine.INBOUND:
            # The row holds what the tracker would start the call with; outbound calls are not kept.
            lock_call(event)
        # The claim above is the deduplication; the tracker's own memory of events is this one request's.
        tracker = engine.CallTracker(conf.extensions, customer_email, StoredCalls(), seen=set())
        outcome = tracker.handle(event)
        for action in outcome.actions:
            _carry_out(action, conf)
    finally:
        frappe.set_user(user)
    return respond(200, outcome.note)


# Reads below lock (FOR UPDATE), which also makes them see the latest commit: an event that waited for
# another event of its call must see the ticket that one opened, not the snapshot its request began with.
def _ticket_of(call_id: str) -> str | None:
    return frappe.db.get_value("Telephony Call", call_id, "ticket", for_update=True)


def _carry_out(action: engine.Action, conf) -> None:
    if action.kind == engine.OPEN_TICKET:
        agent = conf.extensions.get(action.extension or "")
        ticket = frappe.get_doc({"doctype": "Ticket", "channel": "Phone", "raised_by": action.customer_number,
                                 "subject": _("Call from {0}").format(action.customer_number),
                                 "description": _("Answered on extension {0}").format(action.extension)})
        ticket.flags.assign_to = agent if agent and frappe.db.exists("User", agent) else None
        ticket.insert(ignore_permissions=True)
        frappe.db.set_value("Telephony Call", action.call_id, "ticket", ticket.name, update_modified=False)
    elif action.kind == engine.ATTACH_CALL:
        name = _ticket_of(action.call_id)
        if not name:
            return
        frappe.db.set_value("Telephony Call", action.call_id, {"recording_url": action.recording_url,
                                                               "duration": action.duration}, update_modified=False)
        ticket = frappe.get_doc("Ticket", name, for_update=True)
        # System fields (support_hub.system_fields): the new `modified` keeps an open form from saving them back.
        ticket.db_set({"call_recording": action.recording_url, "call_duration": action.duration}, notify=True)
        ticket.add_comment("Info", _("Call finished: {0} s{1}").format(
            action.duration or 0, f', <a href="{frappe.utils.escape_html(action.recording_url)}">' + _("recording") + "</a>"
            if action.recording_url else ""))
    elif action.kind == engine.RATE_CALL and conf.rate and action.email:
        name = _ticket_of(action.call_id)
        if not name:
            return
        ticket = frappe.get_doc("Ticket", name, for_update=True)
        agent = conf.extensions.get(action.extension or "")
        text = _("You spoke with {0}. How was the call?").format(get_fullname(agent) if agent else _("our support"))
        ratings.email_rating_request(ticket, text, action.email, channel="Phone")
        log.record(ticket, "Auto Reply", None, "rate call", _("Rating request sent after the call"),
                   dedupe_key=f"{ticket.name}|rate-call")

