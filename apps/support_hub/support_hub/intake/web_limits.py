"""The web intake's rate limits (contact page and REST create_ticket), counted in Redis.

The decisions are engine.intake_limits'; here the limits come from Support Hub Settings, the trusted
proxies from the site config key `support_hub_trusted_proxies` (a list, or addresses separated by
commas), and the counts live in the site's Redis cache, one fixed window per key: the first request
starts the window, it ends `window` seconds later whatever came in between.
"""

from __future__ import annotations

import frappe
from frappe import _

from support_hub.engine import intake_limits as engine

_PREFIX = "support_hub:intake-limit"
_SETTINGS = "Support Hub Settings"


def current_limits() -> engine.Limits:
    defaults = engine.Limits()

    def value(field: str, default: int) -> int:
        stored = frappe.db.get_single_value(_SETTINGS, field)
        return default if stored is None else max(int(stored), 0)

    return engine.Limits(
        per_sender=value("intake_limit_per_sender", defaults.per_sender),
        per_client_address=value("intake_limit_per_client_address", defaults.per_client_address),
        window_seconds=max(value("intake_limit_window_minutes", defaults.window_seconds // 60), 1) * 60,
    )


def request_client_address() -> str:
    """The client's IP: the socket peer, or behind trusted proxies what they forwarded."""
    request = frappe.request
    return engine.client_address(
        request.remote_addr if request else None,
        frappe.get_request_header("X-Forwarded-For"),
        engine.trusted_networks(frappe.conf.get("support_hub_trusted_proxies")),
    )


def count_web_ticket(sender: str) -> None:
    """Count one web ticket from `sender` (a normalised address) and this request's client address;
    raise RateLimitExceededError (HTTP 429) when either is over its limit. Outside an HTTP request
    (the app's own code, tests calling the method) nothing is counted."""
    if not getattr(frappe.local, "request", None):
        return
    limits = current_limits()
    keys = {}
    if limits.per_sender:
        keys[engine.SENDER] = frappe.cache.make_key(f"{_PREFIX}:sender:{sender}")
    if limits.per_client_address:
        keys[engine.CLIENT_ADDRESS] = frappe.cache.make_key(f"{_PREFIX}:address:{request_client_address()}")
    if not keys:
        return
    pipeline = frappe.cache.pipeline(transaction=True)
    for key in keys.values():
        pipeline.incr(key)
        pipeline.expire(key, limits.window_seconds, nx=True)  # only the first request sets the window
    results = pipeline.execute()
    counts = dict(zip(keys, results[::2], strict=True))
    over = engine.exceeded(counts, limits)
    if over is None:
        return
    key = keys[over]
    frappe.local.flags.retry_after = max(int(frappe.cache.ttl(key) or 0), 1)
    minutes = limits.window_seconds // 60
    if over == engine.SENDER:
        message = _("Too many requests from {0}: at most {1} in {2} minutes. Please try again later.").format(
            sender, limits.per_sender, minutes)
    else:
        message = _("Too many requests from your network: at most {0} in {1} minutes. Please try again later.").format(
            limits.per_client_address, minutes)
    frappe.throw(message, frappe.RateLimitExceededError, title=_("Too many requests"))


def forget_counts() -> None:
    """Drop every web intake count of this site (after the limits change)."""
    frappe.cache.delete_keys(f"{_PREFIX}:")
