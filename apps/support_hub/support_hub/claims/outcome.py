"""The customer hears the decision on their claim, on the ticket's own channel.

When a claim steps into a decision (Approved with its resolution, Rejected, Compensated;
engine.claims.outcome_to_tell), the customer of the claim's ticket gets one message saying what was decided:
an e-mail reply on an e-mail or web ticket, a Telegram message through the outbox on a Telegram ticket
(support_hub.automation.channels), and an e-mail to the contact's address for a phone ticket, which has no
channel to write back on. The message lands on the ticket as a Communication; a Support Automation Log row
keyed "<claim>|told|<status>" (unique, same transaction) makes each decision told once, and its timeline line
says so. A claim without a ticket, or a customer without an address, is told nothing (the timeline of the
ticket still gets the outcome, support_hub.claims.ticket_link).
"""

from __future__ import annotations

import html

import frappe
from frappe import _
from frappe.utils import fmt_money

from support_hub.engine import claims as engine


def message(claim, kind: str) -> str:
    amount = fmt_money(claim.amount_approved or 0)
    return {
        engine.TELL_APPROVED_REFUND: _("Your claim {0} has been approved: we will refund {1}."),
        engine.TELL_APPROVED_REPLACEMENT: _("Your claim {0} has been approved: we will replace the goods."),
        engine.TELL_APPROVED_COMPENSATION: _("Your claim {0} has been approved: we will pay you compensation of {1}."),
        engine.TELL_APPROVED: _("Your claim {0} has been approved."),
        engine.TELL_COMPENSATED: _("Your claim {0}: the compensation of {1} has been paid."),
        engine.TELL_REJECTED: _("Your claim {0} has been reviewed and rejected. Reply to this message if you disagree."),
    }[kind].format(claim.name, amount)


def tell_customer(claim, before) -> str | None:
    """Claim on_update: tell the ticket's customer a new decision. Returns the Communication's name."""
    from support_hub.automation import channels, log

    kind = engine.outcome_to_tell(before.status if before is not None else None, claim.status, claim.resolution)
    if not kind or not claim.ticket or not frappe.db.exists("Ticket", claim.ticket):
        return None
    ticket = frappe.get_doc("Ticket", claim.ticket)
    channel, address = _where(ticket)
    if not channel:
        return None
    if not log.record(ticket, "Auto Reply", None, "claim outcome",
                      _("Claim {0} reached {1}: the customer is told the decision").format(claim.name, _(claim.status)),
                      dedupe_key=f"{claim.name}|told|{claim.status}",
                      timeline=_("The customer was told the decision on claim {0} ({1})").format(
                          claim.name, _(claim.status))):
        return None
    subject = _("Re: {0} [{1}]").format(html.unescape(ticket.subject or ""), ticket.name)
    return channels.send_via(channel, ticket, subject, channels.as_html(message(claim, kind)), address=address)


def _where(ticket) -> tuple[str | None, str | None]:
    """The channel and address to write to: the ticket's own, or e-mail to the contact for a phone ticket."""
    if ticket.channel == "Telegram":
        return ("Telegram", None) if ticket.telegram_chat_id else (None, None)
    from support_hub.ratings import customer_email

    address = customer_email(ticket)
    if ticket.channel in ("Email", "Web", "Phone") and address:
        return "Email", address
    return None, None
