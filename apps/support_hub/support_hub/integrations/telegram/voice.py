"""Transcripts of customers' voice messages, when Telegram Settings switch transcription on.

The voice message lands on the ticket first (its Communication, the audio as a File attached to the
ticket); after the commit a background job sends the audio to the speech-to-text provider
(integrations/speech.py) and writes the transcript into that same Communication, so agents read it
where the voice message is. The audio stays attached. A provider that fails leaves a timeline line and
an Error Log; the message and its audio are there either way.
"""

from __future__ import annotations

import mimetypes

import frappe
from frappe import _

from support_hub.integrations.speech import TranscriptionError
from support_hub.integrations.telegram import site

# The kinds of Telegram attachment that are speech.
SPOKEN = ("voice", "audio")
_EMPTY = ("", "&nbsp;")


def queue_transcription(ticket: str, communication: str, file: str, language: str | None) -> None:
    """After the commit, transcribe `file` (a voice message saved on `ticket`) into `communication`."""
    if not site.settings().transcribe_voice:
        return
    # The short queue: the agent reading the ticket waits for it, and a burst of intake work on the
    # default queue should not hold it back (the provider's own timeout bounds the job).
    frappe.enqueue("support_hub.integrations.telegram.voice.transcribe", queue="short", timeout=180,
                   enqueue_after_commit=True, now=bool(frappe.flags.in_test),
                   ticket=ticket, communication=communication, file=file, language=language)


def transcribe(ticket: str, communication: str, file: str, language: str | None = None) -> str | None:
    """The job: returns the transcript written, or None."""
    provider = site.speech_to_text()
    if provider is None or not frappe.db.exists("File", file) or not frappe.db.exists("Communication", communication):
        return None
    audio = frappe.get_doc("File", file)
    try:
        text = provider.transcribe(audio.get_content(), file_name=audio.file_name, language=language,
                                   mime_type=mimetypes.guess_type(audio.file_name)[0])
    except TranscriptionError as error:
        frappe.log_error(title=f"Voice message on {ticket} not transcribed", message=str(error),
                         reference_doctype="Ticket", reference_name=ticket)
        frappe.get_doc("Ticket", ticket).add_comment(
            "Info", _("The voice message {0} could not be transcribed: {1}").format(audio.file_name, str(error)[:200]))
        return None
    if not text:
        return None
    message = frappe.get_doc("Communication", communication)
    caption = (message.content or "").strip()
    line = "🎤 <i>{0}</i>: {1}".format(_("Transcript of {0}").format(frappe.utils.escape_html(audio.file_name)),
                                       frappe.utils.escape_html(text).replace("\n", "<br>"))
    content = line if caption in _EMPTY else f"{caption}<br><br>{line}"
    message.db_set("content", content, update_modified=False)
    return text
