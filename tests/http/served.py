"""A served Frappe site seen from outside: sessions per role, REST helpers, the mail sink."""

from __future__ import annotations

import email
import email.policy
import json
import os
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import requests

PASSWORD = "Http-Test-Passw0rd!"
ROLE_SLUGS = {
    "Support Agent": "agent",
    "Support Manager": "manager",
    "Claims Officer": "claims",
    None: "website",
}


# Sink file name -> its parsed message (Site.mails_to).
_PARSED: dict[str, email.message.EmailMessage] = {}


class Client(requests.Session):
    """A requests session bound to the served site: relative paths, the site's Host header."""

    def __init__(self, base_url: str, site_name: str, user: str = "Guest"):
        super().__init__()
        self.base_url = base_url.rstrip("/")
        self.user = user
        self.headers["Host"] = site_name
        self.headers["Accept"] = "application/json"

    def request(self, method, url, *args, **kwargs):
        if url.startswith("/"):
            url = self.base_url + url
        kwargs.setdefault("timeout", 60)
        return super().request(method, url, *args, **kwargs)

    def call(self, method: str, http: str = "POST", **params):
        """A whitelisted method; returns the response (callers assert on status)."""
        if http == "GET":
            return self.get(f"/api/method/{method}", params=params)
        return self.post(f"/api/method/{method}", json=params)

    def doc(self, doctype: str, name: str) -> dict:
        response = self.get(f"/api/resource/{doctype}/{name}")
        response.raise_for_status()
        return response.json()["data"]

    def rows(self, doctype: str, filters=None, fields=("name",), order_by=None, limit=100) -> list[dict]:
        params = {"filters": json.dumps(filters or {}), "fields": json.dumps(list(fields)), "limit_page_length": limit}
        if order_by:
            params["order_by"] = order_by
        response = self.get(f"/api/resource/{doctype}", params=params)
        response.raise_for_status()
        return response.json()["data"]

    def insert(self, doctype: str, **values) -> dict:
        response = self.post(f"/api/resource/{doctype}", json=values)
        assert response.status_code == 200, (response.status_code, response.text[:2000])
        return response.json()["data"]

    def update(self, doctype: str, name: str, **values):
        return self.put(f"/api/resource/{doctype}/{name}", json=values)

    def csrf(self) -> None:
        """Desk-style calls need the CSRF token that the boot page carries; REST with a session cookie
        does not in Frappe v15 unless the request says it is an AJAX call, so fetch it once."""
        page = self.get("/app", headers={"Accept": "text/html"})
        marker = 'frappe.csrf_token = "'
        if marker in page.text:
            token = page.text.split(marker, 1)[1].split('"', 1)[0]
            self.headers["X-Frappe-CSRF-Token"] = token


@dataclass
class Site:
    base_url: str
    name: str
    admin_password: str
    mail_dir: Path
    _users: dict = field(default_factory=dict)

    @classmethod
    def from_environment(cls) -> "Site":
        return cls(
            base_url=os.environ["SUPPORT_HUB_URL"],
            name=os.environ.get("SUPPORT_HUB_SITE_NAME", "support-test.localhost"),
            admin_password=os.environ.get("SUPPORT_HUB_ADMIN_PASSWORD", "admin"),
            mail_dir=Path(os.environ.get("SUPPORT_HUB_MAIL_DIR", "/home/frappe/frappe-bench/mail-sink")),
        )

    def client(self, user: str = "Guest") -> Client:
        return Client(self.base_url, self.name, user)

    def guest(self) -> Client:
        return self.client()

    def login(self, user: str, password: str) -> Client:
        session = self.client(user)
        response = session.post("/api/method/login", data={"usr": user, "pwd": password})
        assert response.status_code == 200, (user, response.status_code, response.text[:500])
        return session

    def admin(self) -> Client:
        if "Administrator" not in self._users:
            self._users["Administrator"] = self.login("Administrator", self.admin_password)
        return self._users["Administrator"]

    def ensure_user(self, email: str, roles: list[str], first_name: str | None = None) -> str:
        admin = self.admin()
        if not admin.rows("User", {"name": email}):
            admin.insert("User", email=email, first_name=first_name or email.split("@")[0],
                         send_welcome_email=0, new_password=PASSWORD,
                         roles=[{"role": role} for role in roles])
        else:
            response = admin.update("User", email, new_password=PASSWORD, enabled=1)
            assert response.status_code == 200, response.text[:500]
        return email

    def as_role(self, role: str | None) -> Client:
        """A logged-in session of a user who has exactly this role (None: a Website User)."""
        email = f"http-{ROLE_SLUGS[role]}@support-test.example"
        if email not in self._users:
            self.ensure_user(email, [role] if role else [])
            self._users[email] = self.login(email, PASSWORD)
        return self._users[email]

    def new_user(self, role: str | None, prefix: str = "u") -> tuple[str, Client]:
        email = f"http-{prefix}-{uuid.uuid4().hex[:8]}@support-test.example"
        self.ensure_user(email, [role] if role else [])
        return email, self.login(email, PASSWORD)

    # ---- waiting for the worker ------------------------------------------------------------------
    def wait_for(self, check, timeout: float = 60, interval: float = 0.5, what: str = "condition"):
        """Poll `check()` until it returns something truthy (the background worker is real)."""
        deadline = time.monotonic() + timeout
        last = None
        while time.monotonic() < deadline:
            last = check()
            if last:
                return last
            time.sleep(interval)
        raise AssertionError(f"timed out after {timeout}s waiting for {what}; last value: {last!r}")

    # ---- the mail sink -----------------------------------------------------------------------------
    def mails_to(self, address: str) -> list[email.message.EmailMessage]:
        """Messages the site really sent to `address` through the local SMTP sink.

        A sink file never changes once delivered, so each is read and parsed once per test run: the
        sink keeps every earlier run's mail too, and the tests poll this while a worker sends."""
        new_dir = self.mail_dir / "new"
        if not new_dir.exists():
            return []
        for name in sorted(os.listdir(new_dir)):
            if name not in _PARSED:
                try:
                    raw = (new_dir / name).read_bytes()
                except FileNotFoundError:  # moved or removed meanwhile
                    continue
                _PARSED[name] = email.message_from_bytes(raw, policy=email.policy.default)
        # One queued message is one message: Frappe's worker and flush_mail's send_now may both send the
        # same Email Queue row when they meet (a race of the test's own making), with one Message-ID.
        wanted, seen, found = address.lower(), set(), []
        for message in _PARSED.values():
            key = message.get("Message-ID") or id(message)
            if wanted in (message.get("To") or "").lower() and key not in seen:
                seen.add(key)
                found.append(message)
        return found

    def flush_mail(self) -> None:
        """Send what the site queued now (the scheduler would within minutes)."""
        admin = self.admin()
        for row in admin.rows("Email Queue", {"status": "Not Sent"}, limit=500):
            admin.call("frappe.email.doctype.email_queue.email_queue.send_now", name=row["name"])


def body_text(message) -> str:
    part = message.get_body(preferencelist=("plain", "html"))
    return part.get_content() if part else ""
