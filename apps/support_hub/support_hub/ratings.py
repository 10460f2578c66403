"""The customer's rating of a ticket: one writer for every channel, and the links that lead to it.

`record_rating` is the only code that gives a ticket its rating — the rating page behind the links in
e-mails (after a phone call), and the Telegram bot's emoji buttons both call it. It writes the rating,
the moment and the comment (the fields the CSAT reports and the digest read), one timeline line, and
the bad-rating alert to the manager's Telegram chat; a ticket is rated once, a second rating is
refused. The fields are system-only (support_hub.system_fields): nobody sets them by hand.

Rating links (support_hub.engine.rating_links): a random one-time token per link, kept as its
SHA-256 in Rating Link with an expiry; the page /rate shows the question on GET and saves on POST.

`request_rating` asks for it, once per ticket, when the ticket first becomes Resolved or Closed: the
bot's emoji buttons for a Telegram ticket, an e-mail with a rating link for e-mail, web and phone
tickets (engine.rating_links.rating_request decides); a phone ticket whose call already brought a
rating e-mail is not asked again.
"""

from __future__ import annotations

import html
from urllib.parse import quote

import frappe
from frappe import _
from frappe.utils import escape_html, get_url, now_datetime

from support_hub.engine import rating_links as engine
from support_hub.engine.alerts import RATING_EMOJI

# How the customer gave the rating (the Ticket's channel names; the rating page is "Web").
CHANNELS = ("Email", "Telegram", "Web", "Phone", "Internal")
RATING_PAGE = "/rate"


class InvalidRating(frappe.ValidationError):
    http_status_code = 400


class AlreadyRated(frappe.ValidationError):
    http_status_code = 409


class RatingLinkInvalid(frappe.ValidationError):
    http_status_code = 404


class RatingLinkExpired(frappe.ValidationError):
    http_status_code = 410


def rating_label(rating: str) -> str:
    return f"{RATING_EMOJI.get(rating, '')} {_(rating)}".strip()


# ---- the writer ------------------------------------------------------------------------------------
def record_rating(ticket: str, rating: str, comment: str | None = None, *, channel: str) -> None:
    """Give `ticket` the customer's rating. Raises InvalidRating (400) for anything but bad / ok /
    great, DoesNotExistError for an unknown ticket and AlreadyRated (409) when it has one already;
    then nothing is written."""
    if rating not in engine.RATINGS:
        frappe.throw(_("A rating is one of: {0}.").format(", ".join(engine.RATINGS)), InvalidRating)
    if channel not in CHANNELS:
        frappe.throw(_("Unknown channel {0}").format(channel), InvalidRating)
    if not frappe.db.exists("Ticket", ticket):
        frappe.throw(_("Ticket {0} not found").format(ticket), frappe.DoesNotExistError)
    doc = frappe.get_doc("Ticket", ticket, for_update=True)  # two answers at once: the second waits, then sees the first
    if doc.rating:
        frappe.throw(_("Ticket {0} has been rated already.").format(ticket), AlreadyRated)
    text = engine.clean_comment(comment)
    # Frappe keeps user text entity-encoded (the desk shows Small Text as HTML); the alert decodes it.
    doc.db_set({"rating": rating, "rating_comment": escape_html(text) if text else None, "rated_on": now_datetime()},
               notify=True)
    doc.add_comment("Info", _("Customer rated the ticket ({0}): {1}{2}").format(
        _(channel), rating_label(rating), f" — {escape_html(text)}" if text else ""))
    _alert(doc)


def add_rating_comment(ticket: str, comment: str | None, *, channel: str) -> bool:
    """The comment that follows a rating (the bot asks for it after the button press). Only a rated
    ticket without a comment takes one: a saved comment is never replaced. Returns whether it did."""
    text = engine.clean_comment(comment)
    if not text or not frappe.db.exists("Ticket", ticket):
        return False
    doc = frappe.get_doc("Ticket", ticket, for_update=True)
    if not doc.rating or doc.rating_comment:
        return False
    doc.db_set("rating_comment", escape_html(text), notify=True)
    doc.add_comment("Info", _("Customer commented on their rating ({0}): {1}").format(_(channel), escape_html(text)))
    _alert(doc)
    return True


def _alert(doc) -> None:
    from support_hub.integrations.telegram.team_alerts import on_rating

    on_rating(doc)  # bad and middling ratings reach the manager's chat, through the outbox


# ---- links -----------------------------------------------------------------------------------------
def issue_rating_link(ticket: str, *, channel: str) -> str:
    """A new one-time token for `ticket` (returned once, to put in the message; only its digest is kept)."""
    token = engine.new_token()
    frappe.get_doc({
        "doctype": "Rating Link",
        "ticket": ticket,
        "channel": channel,
        "token_hash": engine.token_digest(token),
        "expires_on": engine.expiry(now_datetime()),
    }).insert(ignore_permissions=True)
    return token


def rating_url(token: str, rating: str | None = None) -> str:
    """The page's address; `rating` preselects an answer (the e-mail offers one link per emoji)."""
    query = f"token={quote(token)}" + (f"&rating={quote(rating)}" if rating in engine.RATINGS else "")
    return get_url(f"{RATING_PAGE}?{query}")


def _stored_link(token, for_update: bool = False) -> frappe._dict | None:
    if not engine.well_formed(token):
        return None
    return frappe.db.get_value("Rating Link", {"token_hash": engine.token_digest(token)},
                               ["name", "ticket", "expires_on", "used_on"], as_dict=True, for_update=for_update)


def look_up(token) -> tuple[engine.LinkState, frappe._dict | None]:
    """What the link leads to, reading only: its state and the ticket's number, subject and rating."""
    link = _stored_link(token)
    ticket = link and frappe.db.get_value("Ticket", link.ticket, ["name", "subject", "rating"], as_dict=True)
    if not ticket:
        return engine.LinkState.UNKNOWN, None
    state = engine.link_state(engine.StoredLink(link.expires_on, link.used_on, ticket.rating), now_datetime())
    ticket.subject = html.unescape(ticket.subject or "")
    return state, ticket


def rate_by_link(token, rating, comment=None) -> str:
    """The rating page's POST: check the link, record the rating, spend the link. Returns the ticket.
    Raises RatingLinkInvalid (404), RatingLinkExpired (410), AlreadyRated (409) or InvalidRating (400),
    having written nothing."""
    link = _stored_link(token, for_update=True)
    rated = link and frappe.db.get_value("Ticket", link.ticket, "rating")
    stored = engine.StoredLink(link.expires_on, link.used_on, rated) if link else None
    state = engine.link_state(stored, now_datetime())
    if state is engine.LinkState.UNKNOWN or not frappe.db.exists("Ticket", link.ticket):
        frappe.throw(_("This rating link is not valid."), RatingLinkInvalid)
    if state is engine.LinkState.RATED:
        frappe.throw(_("This ticket has been rated already. Thank you!"), AlreadyRated)
    if state is engine.LinkState.EXPIRED:
        frappe.throw(_("This rating link has expired."), RatingLinkExpired)
    record_rating(link.ticket, rating, comment, channel="Web")
    frappe.db.set_value("Rating Link", link.name, "used_on", now_datetime(), update_modified=False)
    return link.ticket


# ---- asking ----------------------------------------------------------------------------------------
def email_rating_request(ticket, question: str, address: str, *, channel: str) -> str | None:
    """E-mail `question` with one rating link (an emoji each, preselecting that answer) to `address`.
    The ticket's timeline keeps the question with bare emoji: whoever reads the ticket must not be able
    to rate for the customer. Returns the Communication's name."""
    from support_hub.automation import channels

    token = issue_rating_link(ticket.name, channel=channel)
    choices = [(rating, RATING_EMOJI[rating]) for rating in reversed(engine.RATINGS)]  # great first
    links = " · ".join(f'<a href="{rating_url(token, rating)}">{emoji}</a>' for rating, emoji in choices)
    shown = f"<p>{escape_html(question)}</p>"
    note = "<p>" + escape_html(_("You can add a comment on the page. The link works for {0} days.").format(
        engine.LINK_VALID_FOR.days)) + "</p>"
    subject = _("Re: {0} [{1}]").format(html.unescape(ticket.subject or ""), ticket.name)
    return channels.send_email(ticket, subject, shown + "<p>" + " · ".join(e for _r, e in choices) + "</p>",
                               address=address, sent_html=shown + f"<p>{links}</p>" + note)


REQUEST_KEY = "{0}|rating-request"


def request_rating(ticket, method=None) -> None:
    """Ticket on_update: the customer is asked for a rating the first time the ticket is Resolved or
    Closed, on every channel (see the module's docstring)."""
    if ticket.status not in engine.DONE_STATUSES or ticket.rating:
        return
    before = ticket.get_doc_before_save()
    if before is not None and before.status in engine.DONE_STATUSES:
        return
    medium = engine.rating_request(
        channel=ticket.channel, status_before=before.status if before is not None else None,
        status_now=ticket.status, rated=bool(ticket.rating), requested=_requested(ticket.name),
        telegram_chat=ticket.get("telegram_chat_id"), email=customer_email(ticket))
    if medium is None:
        return
    from support_hub.automation import log

    # The log row's unique key makes the request go out once, even from two saves at the same moment.
    sent_by = _("Telegram") if medium == engine.ASK_IN_TELEGRAM else _("e-mail")
    if not log.record(ticket, "Auto Reply", None, "rating request",
                      _("The ticket became {0}: the customer is asked for a rating").format(_(ticket.status)),
                      dedupe_key=REQUEST_KEY.format(ticket.name),
                      timeline=_("The customer was asked to rate the ticket by {0}").format(sent_by)):
        return
    if medium == engine.ASK_IN_TELEGRAM:
        from support_hub.integrations.telegram.customer_messages import send_rating_request

        send_rating_request(ticket)
    else:
        question = _("Your request «{0}» ({1}) has been resolved. How did we do?").format(
            html.unescape(ticket.subject or ""), ticket.name)
        email_rating_request(ticket, question, customer_email(ticket), channel="Email")


def _requested(ticket: str) -> bool:
    """Asked before, on any channel: this request's log row, or any rating link (a phone call's)."""
    return bool(frappe.db.exists("Support Automation Log", {"dedupe_key": REQUEST_KEY.format(ticket)})
                or frappe.db.exists("Rating Link", {"ticket": ticket}))


def customer_email(ticket) -> str | None:
    """Where a rating e-mail goes: the address the ticket came from, else its contact's e-mail (a phone
    ticket's raised_by is a number)."""
    raised_by = (ticket.get("raised_by") or "").strip()
    if "@" in raised_by:
        return raised_by
    if ticket.get("contact"):
        return frappe.db.get_value("Contact", ticket.contact, "email_id") or None
    return None
