"""A fake Telegram Bot API: a real HTTP server on 127.0.0.1 speaking the Bot API's JSON.

Both the `requests` client and python-telegram-bot (httpx) talk to it over real sockets, so URL
building, encodings, status codes and long polling are exercised as they are against Telegram.

Tests push updates (`push_message`, `press`, `push_voice` …), read what the bot sent (`sent`, `calls`),
and program failures: `fail_next` (e.g. 429 with retry_after), `outage` (502 from the "front end"),
`block` (403 for one chat), `delay`; a request with another token gets 401.
"""

from __future__ import annotations

import html
import itertools
import json
import re
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, unquote, urlsplit

TOKEN = "123456:TEST-token_for-fake"
BOT_USER = {"id": 123456, "is_bot": True, "first_name": "Support Hub", "username": "support_hub_test_bot"}
# Telegram refuses a message longer than this, counted after entity parsing in UTF-16 code units.
MESSAGE_LIMIT = 4096
# Telegram's cloud API refuses getFile for files above this.
FILE_LIMIT = 20 * 1024 * 1024

_INT_PARAMS = {"chat_id", "offset", "limit", "timeout", "message_id", "max_connections", "cache_time"}
_JSON_PARAMS = {"reply_markup", "allowed_updates", "entities", "link_preview_options", "commands"}
_BOOL_PARAMS = {"drop_pending_updates", "show_alert", "disable_web_page_preview", "disable_notification"}


@dataclass
class _Failure:
    remaining: int
    status: int
    retry_after: int | None
    description: str
    method: str | None


@dataclass
class _StoredFile:
    file_id: str
    file_unique_id: str
    file_path: str
    content: bytes
    size: int
    send_length: bool


class FakeTelegram:
    def __init__(self, token: str = TOKEN):
        self.token = token
        self.sent: list[dict] = []  # sendMessage params, plus the message_id given
        self.calls: list[tuple[str, dict]] = []  # every API call that reached a method
        self.edits: list[dict] = []
        self.callback_answers: list[dict] = []
        self.webhook: dict = {"url": ""}
        self.commands: dict[str, list[dict]] = {}  # setMyCommands: language_code ("" = default) -> commands
        self.phones: dict[int, str] = {}  # user id -> the phone number their Telegram account has
        self._updates: list[dict] = []
        self._files: dict[str, _StoredFile] = {}
        self._failures: list[_Failure] = []
        self._blocked: set[int] = set()
        self._outage = False
        self._delay = 0.0
        self._closing = False
        # Like Telegram's, ids are large and never start over: a site that keeps the updates of an
        # earlier run (its dedupe table) must not take a new run's updates for repeats.
        base = time.time_ns() // 1_000_000 % 1_000_000_000
        self._update_ids = itertools.count(base)
        self._message_ids = itertools.count(base)
        self._callback_ids = itertools.count(1)
        self._file_ids = itertools.count(1)
        self._cond = threading.Condition()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # --- lifecycle ------------------------------------------------------------------------------

    def start(self) -> FakeTelegram:
        self._server = _QuietServer(("127.0.0.1", 0), _handler_for(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, name="fake-telegram", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        with self._cond:
            self._closing = True  # releases held long polls at once
            self._cond.notify_all()
        if self._server:
            self._server.shutdown()
            self._server.server_close()
        if self._thread:
            self._thread.join(timeout=5)

    def __enter__(self) -> FakeTelegram:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def api_base(self) -> str:
        """python-telegram-bot's base_url (it appends the token)."""
        return f"{self.url}/bot"

    @property
    def file_base(self) -> str:
        """python-telegram-bot's base_file_url (it appends the token)."""
        return f"{self.url}/file/bot"

    # --- programming failures -------------------------------------------------------------------

    def fail_next(
        self,
        n: int = 1,
        status: int = 429,
        retry_after: int | None = 3,
        description: str | None = None,
        method: str | None = "sendMessage",
    ) -> None:
        """The next `n` calls of `method` (None: any method) answer `status` instead."""
        with self._cond:
            self._failures.append(
                _Failure(
                    n,
                    status,
                    retry_after if status == 429 else None,
                    description or _describe(status, retry_after),
                    method,
                )
            )

    def outage(self, on: bool = True) -> None:
        """Everything answers 502 Bad Gateway with an HTML page, like Telegram's front end when down."""
        with self._cond:
            self._outage = on

    def block(self, chat_id: int) -> None:
        """The user blocked the bot: sends to this chat get 403."""
        with self._cond:
            self._blocked.add(chat_id)

    def reset(self) -> None:
        """Forget what was sent and any programmed failure: a clean slate between tests."""
        with self._cond:
            self.sent.clear()
            self.calls.clear()
            self._failures.clear()
            self._blocked.clear()
            self._outage = False

    def delay(self, seconds: float) -> None:
        """Answer every request this much later (to provoke client timeouts)."""
        with self._cond:
            self._delay = seconds

    # --- files ----------------------------------------------------------------------------------

    def add_file(
        self, content: bytes, *, size: int | None = None, file_path: str | None = None, send_length: bool = True
    ) -> str:
        """Store a downloadable file; `size` may claim more than `content` (for "too big" cases)."""
        n = next(self._file_ids)
        stored = _StoredFile(
            file_id=f"FILE-{n}",
            file_unique_id=f"U{n}",
            file_path=file_path or f"documents/file_{n}.bin",
            content=content,
            size=len(content) if size is None else size,
            send_length=send_length,
        )
        with self._cond:
            self._files[stored.file_id] = stored
        return stored.file_id

    def file(self, file_id: str) -> _StoredFile:
        return self._files[file_id]

    # --- updates --------------------------------------------------------------------------------

    def push_update(self, update: dict) -> dict:
        with self._cond:
            update.setdefault("update_id", next(self._update_ids))
            self._updates.append(update)
            self._cond.notify_all()
        return update

    def message_update(
        self,
        chat_id: int,
        text: str | None = None,
        *,
        user_id: int | None = None,
        first_name: str = "Ivan",
        language_code: str = "ru",
        **fields,
    ) -> dict:
        user = {"id": user_id or chat_id, "is_bot": False, "first_name": first_name, "language_code": language_code}
        message = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": "private" if chat_id > 0 else "group", "first_name": first_name},
            "from": user,
            **fields,
        }
        if text is not None:
            message["text"] = text
            if text.startswith("/"):
                message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
        return {"update_id": next(self._update_ids), "message": message}

    def edited_message_update(self, chat_id: int, message_id: int, text: str, *, language_code: str = "ru") -> dict:
        """The customer edited an earlier message (`message_id`, as in its message_update) to `text`."""
        user = {"id": chat_id, "is_bot": False, "first_name": "Ivan", "language_code": language_code}
        message = {
            "message_id": message_id,
            "date": int(time.time()) - 60,
            "edit_date": int(time.time()),
            "chat": {"id": chat_id, "type": "private" if chat_id > 0 else "group", "first_name": "Ivan"},
            "from": user,
            "text": text,
        }
        return {"update_id": next(self._update_ids), "edited_message": message}

    def push_edit(self, chat_id: int, message_id: int, text: str, **kw) -> dict:
        return self.push_update(self.edited_message_update(chat_id, message_id, text, **kw))

    def push_message(self, chat_id: int, text: str | None = None, **kw) -> dict:
        return self.push_update(self.message_update(chat_id, text, **kw))

    def push_voice(self, chat_id: int, content: bytes, *, size: int | None = None, duration: int = 3) -> dict:
        file_id = self.add_file(content, size=size, file_path=f"voice/file_{len(self._files) + 1}.oga")
        stored = self._files[file_id]
        voice = {
            "file_id": file_id,
            "file_unique_id": stored.file_unique_id,
            "duration": duration,
            "mime_type": "audio/ogg",
            "file_size": stored.size,
        }
        return self.push_update(self.message_update(chat_id, voice=voice))

    def push_document(
        self,
        chat_id: int,
        content: bytes,
        *,
        file_name: str = "report.pdf",
        mime_type: str = "application/pdf",
        size: int | None = None,
        caption: str | None = None,
    ) -> dict:
        file_id = self.add_file(content, size=size)
        stored = self._files[file_id]
        document = {
            "file_id": file_id,
            "file_unique_id": stored.file_unique_id,
            "file_name": file_name,
            "mime_type": mime_type,
            "file_size": stored.size,
        }
        extra = {"caption": caption} if caption else {}
        return self.push_update(self.message_update(chat_id, document=document, **extra))

    def push_photo(self, chat_id: int, content: bytes, *, caption: str | None = None) -> dict:
        # Telegram sends several sizes; the bot should take the largest.
        thumb_id = self.add_file(content[:10], file_path="photos/thumb.jpg")
        full_id = self.add_file(content, file_path=f"photos/file_{len(self._files) + 1}.jpg")
        sizes = [
            {
                "file_id": thumb_id,
                "file_unique_id": self._files[thumb_id].file_unique_id,
                "width": 90,
                "height": 90,
                "file_size": self._files[thumb_id].size,
            },
            {
                "file_id": full_id,
                "file_unique_id": self._files[full_id].file_unique_id,
                "width": 1280,
                "height": 960,
                "file_size": self._files[full_id].size,
            },
        ]
        extra = {"caption": caption} if caption else {}
        return self.push_update(self.message_update(chat_id, photo=sizes, **extra))

    def press(self, chat_id: int, button_text: str, *, user_id: int | None = None) -> dict:
        """Press the inline button labelled `button_text` on the latest bot message in the chat that has it."""
        for message in reversed(self.sent):
            if message["chat_id"] != chat_id:
                continue
            for row in (message.get("reply_markup") or {}).get("inline_keyboard", []):
                for button in row:
                    if button["text"] == button_text:
                        return self.push_callback(chat_id, button["callback_data"], message, user_id=user_id)
            # A reply keyboard's button sends its label as an ordinary message; the contact-sharing one
            # sends the presser's own contact card (the fake's phone for them: `phones`).
            for row in (message.get("reply_markup") or {}).get("keyboard", []):
                for button in row:
                    if button["text"] == button_text and button.get("request_contact"):
                        presser = user_id or chat_id
                        return self.share_contact(chat_id, self.phones.get(presser, "79990000000"), user_id=presser)
                if any(button["text"] == button_text for button in row):
                    return self.push_message(chat_id, button_text, user_id=user_id)
        raise AssertionError(f"no button {button_text!r} in chat {chat_id}; sent: {self.texts(chat_id)}")

    def contact_update(self, chat_id: int, phone: str, *, user_id: int | None = None, forwarded: bool = False,
                       language_code: str = "ru") -> dict:
        """A contact card sent in the chat: by the contact-sharing button (the sender's own: user_id is
        theirs), or someone else's (`user_id` another person's, or None for an address-book entry)."""
        contact = {"phone_number": phone, "first_name": "Ivan"}
        if user_id is not None:
            contact["user_id"] = user_id
        extra = {"forward_origin": {"type": "hidden_user", "sender_user_name": "Someone", "date": int(time.time())}} \
            if forwarded else {}
        return self.message_update(chat_id, contact=contact, language_code=language_code, **extra)

    def share_contact(self, chat_id: int, phone: str, **kw) -> dict:
        return self.push_update(self.contact_update(chat_id, phone, **kw))

    def push_callback(
        self, chat_id: int, data: str, message: dict | None = None, *, user_id: int | None = None
    ) -> dict:
        shown = {
            "message_id": (message or {}).get("message_id", next(self._message_ids)),
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": "private" if chat_id > 0 else "group"},
            "from": BOT_USER,
            "text": (message or {}).get("text", ""),
        }
        query = {
            "id": f"cbq-{next(self._callback_ids)}",
            "from": {"id": user_id or chat_id, "is_bot": False, "first_name": "Ivan", "language_code": "ru"},
            "chat_instance": f"ci-{chat_id}",
            "message": shown,
            "data": data,
        }
        return self.push_update({"callback_query": query})

    # --- reading what happened ------------------------------------------------------------------

    def texts(self, chat_id: int | None = None) -> list[str]:
        return [m["text"] for m in self.sent if chat_id is None or m["chat_id"] == chat_id]

    def pending_updates(self) -> int:
        with self._cond:
            return len(self._updates)

    def wait_for(self, predicate: Callable[[FakeTelegram], bool], timeout: float = 5.0) -> None:
        """Block until predicate(self) holds (checked whenever the fake's state changes)."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while not predicate(self):
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(f"timed out waiting; sent so far: {self.texts()}")
                self._cond.wait(min(remaining, 0.05))

    # --- the API --------------------------------------------------------------------------------

    def _api(self, token: str, method: str, params: dict) -> tuple[int, dict]:
        if token != self.token:
            return 401, {"ok": False, "error_code": 401, "description": "Unauthorized"}
        failure = self._take_failure(method)
        if failure:
            body = {"ok": False, "error_code": failure.status, "description": failure.description}
            if failure.retry_after is not None:
                body["parameters"] = {"retry_after": failure.retry_after}
            return failure.status, body
        handler = getattr(self, f"_m_{method}", None)
        if handler is None:
            return 404, {"ok": False, "error_code": 404, "description": "Not Found: method not found"}
        with self._cond:
            self.calls.append((method, params))
            self._cond.notify_all()
        outcome = handler(params)
        if isinstance(outcome, tuple):
            return outcome
        return 200, {"ok": True, "result": outcome}

    def _take_failure(self, method: str) -> _Failure | None:
        with self._cond:
            for failure in self._failures:
                if failure.remaining > 0 and failure.method in (None, method):
                    failure.remaining -= 1
                    return failure
        return None

    def _m_getMe(self, params):
        return BOT_USER

    def _m_getUpdates(self, params):
        if self.webhook.get("url"):
            return 409, {
                "ok": False,
                "error_code": 409,
                "description": "Conflict: can't use getUpdates method while webhook is active",
            }
        offset = int(params.get("offset") or 0)
        limit = int(params.get("limit") or 100)
        deadline = time.monotonic() + min(float(params.get("timeout") or 0), 50)
        with self._cond:
            if offset > 0:
                # An offset confirms every update before it: Telegram forgets them.
                self._updates = [u for u in self._updates if u["update_id"] >= offset]
            while not self._updates and not self._closing and time.monotonic() < deadline:
                self._cond.wait(deadline - time.monotonic())
            return [u for u in self._updates if u["update_id"] >= offset][:limit]

    def _m_sendMessage(self, params):
        chat_id = params.get("chat_id")
        if chat_id in self._blocked:
            return 403, {"ok": False, "error_code": 403, "description": "Forbidden: bot was blocked by the user"}
        if not params.get("text"):
            return 400, {"ok": False, "error_code": 400, "description": "Bad Request: message text is empty"}
        if _shown_length(params["text"], params.get("parse_mode")) > MESSAGE_LIMIT:
            return 400, {"ok": False, "error_code": 400, "description": "Bad Request: message is too long"}
        message_id = next(self._message_ids)
        with self._cond:
            self.sent.append({**params, "message_id": message_id})
            self._cond.notify_all()
        return self._message(chat_id, message_id, params.get("text"), params.get("reply_markup"))

    def _m_editMessageText(self, params):
        with self._cond:
            self.edits.append(params)
            self._cond.notify_all()
        return self._message(
            params.get("chat_id"), params.get("message_id"), params.get("text"), params.get("reply_markup")
        )

    def _m_editMessageReplyMarkup(self, params):
        with self._cond:
            self.edits.append(params)
            self._cond.notify_all()
        return self._message(params.get("chat_id"), params.get("message_id"), "…", params.get("reply_markup"))

    def _m_answerCallbackQuery(self, params):
        with self._cond:
            self.callback_answers.append(params)
            self._cond.notify_all()
        return True

    def _m_getFile(self, params):
        stored = self._files.get(params.get("file_id"))
        if stored is None:
            return 400, {"ok": False, "error_code": 400, "description": "Bad Request: invalid file_id"}
        if stored.size > FILE_LIMIT:
            return 400, {"ok": False, "error_code": 400, "description": "Bad Request: file is too big"}
        return {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": stored.size,
            "file_path": stored.file_path,
        }

    def _m_setWebhook(self, params):
        self.webhook = {
            "url": params.get("url", ""),
            "secret_token": params.get("secret_token"),
            "allowed_updates": params.get("allowed_updates"),
        }
        return True

    def _m_setMyCommands(self, params):
        commands = params.get("commands")
        if not isinstance(commands, list) or not all(
            isinstance(c, dict) and c.get("command") and c.get("description") for c in commands
        ):
            return 400, {"ok": False, "error_code": 400, "description": "Bad Request: can't parse commands"}
        with self._cond:
            self.commands[params.get("language_code") or ""] = commands
        return True

    def _m_getMyCommands(self, params):
        return self.commands.get(params.get("language_code") or "", [])

    def _m_deleteWebhook(self, params):
        self.webhook = {"url": ""}
        if params.get("drop_pending_updates"):
            with self._cond:
                self._updates.clear()
        return True

    def _m_getWebhookInfo(self, params):
        return {
            "url": self.webhook.get("url", ""),
            "has_custom_certificate": False,
            "pending_update_count": len(self._updates),
        }

    def _message(self, chat_id, message_id, text, reply_markup):
        message = {
            "message_id": message_id,
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": "private" if int(chat_id) > 0 else "group"},
            "from": BOT_USER,
            "text": text,
        }
        if reply_markup and "inline_keyboard" in reply_markup:
            # Telegram returns inline keyboards with the message; a reply keyboard lives in the client.
            message["reply_markup"] = reply_markup
        return message

    def _download(self, token: str, path: str) -> tuple[int, bytes, dict]:
        if token != self.token:
            return 401, b"Unauthorized", {}
        for stored in list(self._files.values()):
            if stored.file_path == path:
                return 200, stored.content, {"send_length": stored.send_length}
        return 404, b"Not Found", {}


def _shown_length(text: str, parse_mode: str | None) -> int:
    """The length Telegram checks: of the text as shown, so HTML tags do not count and "&lt;" is one."""
    if (parse_mode or "").upper() == "HTML":
        text = html.unescape(re.sub(r"<[^>]*>", "", text))
    return len(text.encode("utf-16-le")) // 2


def _describe(status: int, retry_after: int | None) -> str:
    return {
        429: f"Too Many Requests: retry after {retry_after}",
        400: "Bad Request: chat not found",
        403: "Forbidden: bot was blocked by the user",
        502: "Bad Gateway",
    }.get(status, f"Error {status}")


def _decode_params(raw: dict[str, str]) -> dict:
    """Form values arrive JSON-encoded for non-strings (python-telegram-bot's encoding); undo that."""
    params: dict = {}
    for key, value in raw.items():
        if key in _JSON_PARAMS:
            params[key] = json.loads(value)
        elif key in _INT_PARAMS:
            try:
                params[key] = int(value)
            except ValueError:
                params[key] = value  # @channelusername
        elif key in _BOOL_PARAMS:
            params[key] = value in ("true", "True", "1")
        else:
            params[key] = value
    return params


_OUTAGE_PAGE = (
    b"<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1>"
    b"</center><hr><center>nginx</center></body></html>"
)


class _QuietServer(ThreadingHTTPServer):
    def handle_error(self, request, client_address):
        # Clients that time out or refuse an oversized download hang up mid-answer; that is expected.
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)


def _handler_for(fake: FakeTelegram) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as clients expect from Telegram

        def do_GET(self):
            self._serve()

        def do_POST(self):
            self._serve()

        def log_message(self, *args):  # keep test output clean
            pass

        def _serve(self):
            parts = urlsplit(self.path)
            body = self._read_body()
            if fake._delay:
                time.sleep(fake._delay)
            if fake._outage:
                return self._reply(502, _OUTAGE_PAGE, "text/html")
            # Clients may percent-encode the path (python-telegram-bot quotes the token's ':' in file URLs).
            segments = unquote(parts.path).strip("/").split("/")
            if len(segments) >= 3 and segments[0] == "file" and segments[1].startswith("bot"):
                status, content, options = fake._download(segments[1][3:], "/".join(segments[2:]))
                return self._reply(
                    status, content, "application/octet-stream", send_length=options.get("send_length", True)
                )
            if len(segments) == 2 and segments[0].startswith("bot"):
                params = dict(parse_qsl(parts.query))
                params.update(self._parse(body))
                status, payload = fake._api(
                    segments[0][3:], segments[1], _decode_params(params) if not self._is_json() else params
                )
                return self._reply(status, json.dumps(payload).encode(), "application/json")
            return self._reply(404, b'{"ok":false,"error_code":404,"description":"Not Found"}', "application/json")

        def _read_body(self) -> bytes:
            length = int(self.headers.get("Content-Length") or 0)
            return self.rfile.read(length) if length else b""

        def _is_json(self) -> bool:
            return (self.headers.get("Content-Type") or "").startswith("application/json")

        def _parse(self, body: bytes) -> dict:
            if not body:
                return {}
            if self._is_json():
                return json.loads(body)
            content_type = self.headers.get("Content-Type") or ""
            if content_type.startswith("multipart/form-data"):
                return _parse_multipart(body, content_type)
            return dict(parse_qsl(body.decode()))

        def _reply(self, status: int, content: bytes, content_type: str, send_length: bool = True):
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            if send_length:
                self.send_header("Content-Length", str(len(content)))
            else:
                # No length: the body ends when the connection does.
                self.send_header("Connection", "close")
                self.close_connection = True
            self.end_headers()
            self.wfile.write(content)

    return Handler


def _parse_multipart(body: bytes, content_type: str) -> dict:
    # Only text fields matter to the fake (the bot sends no uploads); good enough for form-data.
    boundary = content_type.split("boundary=")[-1].strip('"').encode()
    fields = {}
    for part in body.split(b"--" + boundary):
        head, _, value = part.partition(b"\r\n\r\n")
        if b'name="' not in head:
            continue
        name = head.split(b'name="')[1].split(b'"')[0].decode()
        fields[name] = value.rstrip(b"\r\n").decode(errors="replace")
    return fields
