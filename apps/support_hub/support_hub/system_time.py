"""Frappe stores naive datetimes in the system time zone; the engine works with aware ones.
These two translate between them, for every part of the app that hands datetimes to the engine."""

from __future__ import annotations

from datetime import datetime

from frappe.utils import get_datetime, get_system_timezone

from support_hub.engine.calendar import aware, naive


def to_aware(value) -> datetime | None:
    return aware(get_datetime(value), get_system_timezone()) if value else None


def to_naive(value: datetime | None) -> datetime | None:
    return naive(value, get_system_timezone()) if value else None
