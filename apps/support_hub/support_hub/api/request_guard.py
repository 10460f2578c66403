"""What callers of the app's public endpoints get back when their request is bad (before_request and
after_request hooks; the arguments themselves are checked by api.arguments.validate_arguments).

* A Guest — a customer's browser, a PBX, Telegram, anyone on the internet — never gets a traceback:
  Frappe puts one into every error response while System Settings allow it (the default), and a
  traceback tells an attacker file paths, code and sometimes SQL. Logged-in desk users keep them.
* A body sent as JSON that does not parse is a 400. Frappe parses JSON bodies before any app code
  runs (frappe.app.make_form_dict) and answers a malformed one with a 500 and a traceback; there is
  no hook before that, so the answer is corrected afterwards (Frappe has by then also queued an Error
  Log for it, which the app cannot prevent). The same after_request hook takes the traceback out of
  any other error a Guest met before the before_request hook ran.
"""

from __future__ import annotations

import json

import frappe
from frappe import _

_APP_METHOD_PATHS = ("/api/method/support_hub.", "/api/v2/method/support_hub.")


def _calls_app_method(request) -> bool:
    path = getattr(request, "path", "") or ""
    return path.startswith(_APP_METHOD_PATHS) or str(frappe.form_dict.get("cmd") or "").startswith("support_hub.")


def hide_tracebacks_from_guests() -> None:
    """before_request: errors from the app's methods reach a Guest as a message, without a traceback."""
    if frappe.session.user == "Guest" and _calls_app_method(frappe.request):
        frappe.local.flags.disable_traceback = True


def clean_error_answers(response, request) -> None:
    """after_request: errors that happened before the app's hooks ran, answered the app's way.

    Frappe's 500 for an unparseable JSON body becomes a 400; a Guest's error answer loses the
    traceback Frappe added before hide_tracebacks_from_guests could run (e.g. "Invalid request
    arguments" for a JSON body that is a bare number).
    """
    if response is None or response.status_code < 400 or not _calls_app_method(request):
        return
    if response.status_code == 429 and frappe.local.flags.get("retry_after"):
        response.headers["Retry-After"] = str(frappe.local.flags.retry_after)
    if response.status_code == 500 and request.is_json and not _parses(request):
        _replace_body(response, 400, _("The request body is not valid JSON."))
        return
    if (frappe.session.get("user") or "Guest") == "Guest" and response.mimetype == "application/json":
        try:
            body = json.loads(response.get_data(as_text=True))
        except ValueError:
            return
        if isinstance(body, dict) and {"exc", "exception", "_exc_source"} & body.keys():
            for key in ("exc", "exception", "_exc_source", "_debug_messages"):
                body.pop(key, None)
            response.set_data(json.dumps(body))


def _parses(request) -> bool:
    try:
        json.loads(request.get_data(as_text=True))
    except ValueError:
        return False
    return True


def _replace_body(response, status: int, message: str) -> None:
    response.status_code = status
    response.mimetype = "application/json"
    response.set_data(
        json.dumps(
            {
                "exc_type": "ValidationError",
                "_server_messages": json.dumps([json.dumps({"message": message, "title": _("Invalid request"),
                                                            "indicator": "red"})]),
            }
        )
    )
