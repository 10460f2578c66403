"""Speech to text for customers' voice messages, behind one small interface.

`SpeechToText.transcribe(audio, ...)` returns the text. The one provider here speaks the OpenAI-style
`POST …/audio/transcriptions` (multipart: file, model, language; answer `{"text": …}`), which cloud APIs
(OpenAI, Groq and others, over HTTPS) and local engines (faster-whisper / whisper.cpp servers, LocalAI on
127.0.0.1) all offer — so "a local engine where one is installed, or a cloud API" is a matter of the
address in Telegram Settings. Transcription is off unless switched on there.

No Frappe here: the Telegram store hands over the bytes and keeps the answer on the ticket.
"""

from __future__ import annotations

from typing import Protocol

import requests

# Voice notes are short; a long pause for a minute of speech is still a reasonable answer time.
DEFAULT_TIMEOUT = 60.0
MAX_TRANSCRIPT_CHARS = 20_000


class TranscriptionError(Exception):
    """The provider could not be reached or gave no transcript (its message says why, without the key)."""


class SpeechToText(Protocol):
    def transcribe(self, audio: bytes, *, file_name: str, mime_type: str | None = None,
                   language: str | None = None) -> str:
        """The words spoken in `audio` ("" for silence); raises TranscriptionError."""


class OpenAICompatibleSpeechToText:
    """A provider speaking the OpenAI audio transcription API at `url` (the full …/audio/transcriptions)."""

    def __init__(self, url: str, api_key: str | None = None, model: str = "whisper-1",
                 timeout: float = DEFAULT_TIMEOUT, session: requests.Session | None = None):
        self.url = url
        self.api_key = api_key
        self.model = model
        self.timeout = timeout
        self.session = session or requests.Session()

    def transcribe(self, audio: bytes, *, file_name: str, mime_type: str | None = None,
                   language: str | None = None) -> str:
        data = {"model": self.model, "response_format": "json"}
        if language:
            data["language"] = language
        headers = {"Authorization": f"Bearer {self.api_key}"} if self.api_key else {}
        try:
            response = self.session.post(
                self.url, data=data, headers=headers, timeout=self.timeout,
                files={"file": (file_name, audio, mime_type or "application/octet-stream")},
            )
        except requests.RequestException as error:
            raise TranscriptionError(f"{type(error).__name__}: {self._scrub(str(error))}") from None
        if response.status_code != 200:
            raise TranscriptionError(f"HTTP {response.status_code}: {self._scrub(response.text[:300])}")
        try:
            text = response.json().get("text")
        except (ValueError, AttributeError):
            text = None
        if not isinstance(text, str):
            raise TranscriptionError("the answer has no transcript text")
        return text.strip()[:MAX_TRANSCRIPT_CHARS]

    def _scrub(self, text: str) -> str:
        return text.replace(self.api_key, "<key>") if self.api_key else text
