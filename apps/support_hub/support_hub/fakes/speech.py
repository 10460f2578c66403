"""A fake speech-to-text service: a real HTTP server on 127.0.0.1 speaking the OpenAI-style
`POST /v1/audio/transcriptions` (multipart upload, Bearer key, `{"text": …}` answer).

Tests set `transcript`, read `requests` (the audio bytes, file name, model and language received) and
program `fail_next(status)`.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

API_KEY = "sk-fake-speech-key"
PATH = "/v1/audio/transcriptions"


@dataclass
class Received:
    audio: bytes
    file_name: str
    content_type: str
    model: str
    language: str | None


class FakeSpeechToText:
    def __init__(self, transcript: str = "Здравствуйте, заказ пришёл без молока", api_key: str = API_KEY):
        self.transcript = transcript
        self.api_key = api_key
        self.requests: list[Received] = []
        self._failures: list[int] = []
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> FakeSpeechToText:
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.02},
                                        name="fake-speech", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server:
            self._server.shutdown()
            self._server.server_close()
        if self._thread:
            self._thread.join(timeout=5)

    def __enter__(self) -> FakeSpeechToText:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}{PATH}"

    def fail_next(self, status: int = 500) -> None:
        with self._lock:
            self._failures.append(status)

    def _answer(self, path: str, authorization: str, content_type: str, body: bytes) -> tuple[int, dict]:
        if path != PATH:
            return 404, {"error": {"message": "not found"}}
        if authorization != f"Bearer {self.api_key}":
            return 401, {"error": {"message": "Incorrect API key provided"}}
        with self._lock:
            if self._failures:
                return self._failures.pop(0), {"error": {"message": "the model is overloaded"}}
        fields = _multipart(content_type, body)
        upload = fields.get("file")
        if upload is None or "model" not in fields:
            return 400, {"error": {"message": "file and model are required"}}
        received = Received(upload[1], upload[0] or "", upload[2], fields["model"][1].decode(),
                            fields["language"][1].decode() if "language" in fields else None)
        with self._lock:
            self.requests.append(received)
        return 200, {"text": self.transcript}


def _multipart(content_type: str, body: bytes) -> dict[str, tuple[str | None, bytes, str]]:
    """name -> (file name, bytes, content type) of each part."""
    message = BytesParser(policy=HTTP).parsebytes(f"Content-Type: {content_type}\r\n\r\n".encode() + body)
    parts = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        parts[name] = (part.get_filename(), part.get_payload(decode=True) or b"", part.get_content_type())
    return parts


def _handler_for(fake: FakeSpeechToText) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self):
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            status, payload = fake._answer(self.path, self.headers.get("Authorization") or "",
                                           self.headers.get("Content-Type") or "", body)
            content = json.dumps(payload, ensure_ascii=False).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(content)))
            self.end_headers()
            self.wfile.write(content)

        def log_message(self, *args):
            pass

    return Handler
