"""Queueing a ticket's outgoing mail through Frappe's Email Queue, with the e-mail's frame built once.

Frappe queues a message with its MIME text complete: its HTML is Frappe's standard e-mail template (logo,
header, footer) around the message, with Frappe's e-mail stylesheet inlined into every element by
Premailer, which parses the stylesheet again for every message — a sixth of a new ticket's whole intake
work, measured. The frame does not change from one message to the next, so it is built and inlined once
(for a minute, per account, language and unsubscribe line) around a marker, and each message of plain
text (escaped text and line breaks: nothing the stylesheet styles) is put in its place. A message with
any other markup goes Frappe's own way. Everything else — recipients, unsubscribe checks, the Email
Queue row and its sending with retries — is Frappe's QueueBuilder, unchanged.
"""

from __future__ import annotations

import html
import re
import time

import frappe
from frappe.email.doctype.email_queue.email_queue import QueueBuilder
from frappe.email.email_body import get_formatted_html

# Markers the stylesheet cannot touch: letters only, in the template's content and title.
CONTENT_MARK = "SupportHubMailContentMark"
SUBJECT_MARK = "SupportHubMailSubjectMark"
FRAME_SECONDS = 60
_PLAIN = re.compile(r"(?:[^<>]|<br>)*")
_frames: dict[tuple, tuple[float, str]] = {}
# What Communication.sendmail_input_dict gives and frappe.sendmail hands its QueueBuilder unchanged.
_PASSED_AS_GIVEN = ("sender", "subject", "reference_doctype", "reference_name", "unsubscribe_message", "attachments",
                    "reply_to", "message_id", "send_after", "expose_recipients", "communication", "read_receipt",
                    "is_notification", "print_letterhead")


def is_plain(message: str) -> bool:
    """Text and <br> only: inlining the stylesheet leaves it as it is."""
    return bool(_PLAIN.fullmatch(message or ""))


def framed(subject: str, message: str, **frame) -> str:
    """The same HTML as frappe.email.email_body.get_formatted_html for a plain message (up to how
    Premailer's parser writes entities), with the frame made once per FRAME_SECONDS."""
    account = frame.get("email_account")
    unsubscribe = frame.get("unsubscribe_link")
    key = (frappe.local.site, getattr(account, "name", None), str(getattr(account, "modified", "")),
           getattr(frappe.local, "lang", None), repr(frame.get("header")), unsubscribe.html if unsubscribe else None,
           bool(frame.get("with_container")))
    cached = _frames.get(key)
    if cached is None or cached[0] < time.monotonic():
        if len(_frames) > 64:
            _frames.clear()
        page = get_formatted_html(SUBJECT_MARK, CONTENT_MARK, **frame)
        if page.count(CONTENT_MARK) != 1:  # a template that does not hold the content once: no frame
            return get_formatted_html(subject, message, **frame)
        cached = _frames[key] = (time.monotonic() + FRAME_SECONDS, page)
    return cached[1].replace(SUBJECT_MARK, html.escape(subject or "", quote=False)).replace(CONTENT_MARK, message)


class FramedQueueBuilder(QueueBuilder):
    """Frappe's QueueBuilder; a plain message goes into the ready-made frame."""

    def email_html_content(self):
        if not is_plain(self._message):
            return super().email_html_content()
        return framed(self.subject, self._message, header=self.header,
                      email_account=self.get_outgoing_email_account(),
                      unsubscribe_link=self.unsubscribe_message(), with_container=self.with_container)


def queue(communication, content: str | None = None):
    """Queue a Communication's e-mail, as Communication.send_email does, through FramedQueueBuilder.
    `content`, when given, is what the mail says instead of the Communication's own content."""
    built = builder(communication, content)
    return built.process(send_now=False) if built else None


def builder(communication, content: str | None = None, builder_class: type[QueueBuilder] = FramedQueueBuilder):
    """The queue builder frappe.sendmail would make (with its defaults) for the Communication's mail."""
    mail = communication.sendmail_input_dict()
    if not mail:
        return None
    if content is not None:
        mail["content"] = content
    return builder_class(recipients=mail["recipients"] or [], cc=mail["cc"] or [], bcc=mail["bcc"] or [],
                         message=mail["content"], add_unsubscribe_link=1, send_priority=1,
                         **{key: mail[key] for key in _PASSED_AS_GIVEN})
