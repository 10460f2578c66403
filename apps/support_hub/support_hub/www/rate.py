"""/rate?token=…[&rating=great]: a customer rates a ticket from the link in a message, without logging in.

GET shows the ticket's subject and the three answers (with the one the customer clicked in the e-mail
chosen) and an optional comment, and writes nothing. POST (this form, or JSON) saves through
support_hub.ratings.rate_by_link, once; the request's commit is Frappe's own for a POST. Unknown and
expired links get a 404 / 410 page, a second answer a 409 page saying the ticket is rated already.
"""

import frappe
from frappe import _

from support_hub import ratings
from support_hub.engine.alerts import RATING_EMOJI
from support_hub.engine.rating_links import RATINGS, LinkState

no_cache = 1
sitemap = 0

_STATE_PAGES = {
    LinkState.UNKNOWN: (404, "red"),
    LinkState.EXPIRED: (410, "orange"),
    LinkState.RATED: (200, "green"),
}


def get_context(context):
    context.no_cache = 1
    context.title = _("Rate our support")
    form = frappe.form_dict
    token = form.get("token")
    context.token = token if isinstance(token, str) else ""
    context.choices = [{"value": r, "emoji": RATING_EMOJI[r], "label": _(r)} for r in reversed(RATINGS)]
    context.chosen = form.get("rating") if form.get("rating") in RATINGS else None
    context.comment = form.get("comment") if isinstance(form.get("comment"), str) else ""
    # A signed-in visitor's POST must carry Frappe's CSRF token; a guest's session has none.
    context.csrf_token = (frappe.session.data.csrf_token if frappe.session and frappe.session.data else None) or ""
    if frappe.request and frappe.request.method == "POST":
        return _submit(context, token, form.get("rating"), form.get("comment"))
    state, ticket = ratings.look_up(token)
    context.ticket = ticket
    if state is LinkState.VALID:
        context.show_form = True
        return context
    _message(context, state)
    return context


def _submit(context, token, rating, comment):
    try:
        ratings.rate_by_link(token, rating, comment)
    except (ratings.RatingLinkInvalid, ratings.RatingLinkExpired, ratings.AlreadyRated, ratings.InvalidRating) as error:
        frappe.db.rollback()
        frappe.clear_last_message()
        state, ticket = ratings.look_up(token)
        context.ticket = ticket
        if isinstance(error, ratings.InvalidRating) and state is LinkState.VALID:
            context.show_form = True
            context.error = _("Please choose one of the three answers.")
            context.http_status_code = 400
            return context
        _message(context, state if state is not LinkState.VALID else LinkState.UNKNOWN)
        context.http_status_code = error.http_status_code
        return context
    context.message = _("Thank you! Your rating has been saved.")
    context.indicator = "green"
    return context


def _message(context, state: LinkState) -> None:
    context.http_status_code, context.indicator = _STATE_PAGES[state]
    context.message = {
        LinkState.UNKNOWN: _("This rating link is not valid."),
        LinkState.EXPIRED: _("This rating link has expired."),
        LinkState.RATED: _("This ticket has been rated already. Thank you!"),
    }[state]
