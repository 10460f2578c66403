"""The Telegram outbox: every message to Telegram is a Telegram Outbox row first.

Rows are inserted in the same transaction as whatever caused them (an SLA transition, a rating, an
agent's reply), under a dedupe key, so one event queues one message however often it is seen. A
sender drains due rows: it claims a row (pushes next_try out, committed) before the HTTP call so an
overlapping run leaves it alone, then records the outcome the engine decides — sent, retry at
Telegram's retry_after, back off on an outage, or fail for good (bot blocked, chat gone).

Messages to one chat leave in the order they were queued: a row waits while an earlier row to its chat
is still queued (retrying after a 429 or an outage), so the bot's answers and the agents' replies never
overtake each other.
"""

from __future__ import annotations

import json
import time
from datetime import datetime, timedelta
from typing import NamedTuple

import frappe
from frappe.utils import now_datetime

from support_hub import bulk
from support_hub.engine import outbox as engine
from support_hub.engine.alerts import render_at_send
from support_hub.integrations.telegram import site

LEASE = timedelta(minutes=2)
# A send run keeps taking in newly queued rows for this long at most; then the next kick or minute goes on.
RUN_SECONDS = 50
# Sends remembered for Telegram's rate limits (30 a second overall, one a second per chat).
_recent_sends: list[tuple[str, float]] = []


class Message(NamedTuple):
    """One message to queue. `deadline`: the text's time-left placeholder is filled in against it when
    the message is sent (engine.alerts.render_at_send), so a late send still tells the truth."""

    key: str
    chat_id: str | int | None
    text: str
    purpose: str
    reference: tuple[str, str] | None = None
    reply_markup: dict | None = None
    deadline: datetime | None = None


_FIELDS = ("name", "creation", "modified", "owner", "modified_by", "docstatus", "idx", "dedupe_key", "chat_id", "text",
           "purpose", "status", "attempts", "next_try", "reference_doctype", "reference_name", "reply_markup",
           "deadline")


def queue(key: str, chat_id, text: str, purpose: str, reference: tuple[str, str] | None = None,
          reply_markup: dict | None = None, deadline: datetime | None = None) -> str | None:
    """Queue one message; returns the row name, or None when the key was queued before."""
    queued = queue_many([Message(key, chat_id, text, purpose, reference, reply_markup, deadline)])
    return queued[0] if queued else None


def queue_many(messages: list[Message]) -> list[str]:
    """Queue messages in a few statements per thousand (an SLA re-plan can put thousands of tickets in
    Warning at once); returns the names of the rows queued. A key queued before, or twice in `messages`,
    is queued once. Rows keep the given order (creation a microsecond apart), which is the send order."""
    unique: dict[str, Message] = {}
    for message in messages:
        if message.chat_id and message.key not in unique:
            unique[message.key] = message
    now, user = now_datetime(), frappe.session.user
    status = engine.OutboxStatus.QUEUED.value
    known = bulk.present("Telegram Outbox", "dedupe_key", unique)
    rows = []
    for m in (m for m in unique.values() if m.key not in known):
        stamp = now + timedelta(microseconds=len(rows))
        rows.append((frappe.generate_hash(length=10), stamp, stamp, user, user, 0, 0, m.key, str(m.chat_id), m.text,
                     m.purpose, status, 0, None,  # next_try: due at once
                     m.reference[0] if m.reference else None, m.reference[1] if m.reference else None,
                     json.dumps(m.reply_markup) if m.reply_markup else None, m.deadline))
    # INSERT IGNORE: a key a concurrent transaction queued meanwhile keeps that transaction's row.
    bulk.insert("Telegram Outbox", _FIELDS, rows, ignore_duplicates=True)
    inserted = bulk.present("Telegram Outbox", "name", (row[0] for row in rows)) if rows else set()
    queued = [row[0] for row in rows if row[0] in inserted]
    if queued:
        frappe.db.after_commit.add(_kick)
    return queued


def _kick() -> None:
    """Send soon after the commit, rather than at the next scheduler minute."""
    if not frappe.flags.in_test:
        frappe.enqueue("support_hub.integrations.telegram.outbox.send_due", queue="short", deduplicate=True,
                       job_id=f"telegram-outbox-{frappe.local.site}")


def _item(row) -> engine.OutboxItem:
    return engine.OutboxItem(
        key=row.dedupe_key, chat_id=row.chat_id, text=row.text or "", attempts=row.attempts or 0,
        status=engine.OutboxStatus(row.status), next_try=row.next_try, created=row.creation,
    )


def _claim(name: str, now: datetime, commit: bool) -> bool:
    frappe.db.sql(
        """update `tabTelegram Outbox` set next_try = %s
        where name = %s and status = 'Queued' and (next_try is null or next_try <= %s)""",
        (now + LEASE, name, now),
    )
    claimed = frappe.db._cursor.rowcount == 1
    if commit:
        frappe.db.commit()  # the claim must be visible to other senders before the HTTP call
    return claimed


# Seconds between two messages to one chat: Telegram's advice, answered with 429 when ignored. The
# in-process bot tests, talking to a fake Bot API without that limit, shorten it (one test keeps it).
CHAT_INTERVAL = engine.CHAT_INTERVAL


def _wait_for_rate_limit(chat_id) -> None:
    while True:
        del _recent_sends[: max(0, len(_recent_sends) - 200)]
        wait = engine.rate_limit_wait(_recent_sends, chat_id, time.monotonic(), chat_interval=CHAT_INTERVAL)
        if wait <= 0:
            return
        time.sleep(min(wait, 1.0))


def _chat(chat_id: str):
    """Numeric chat ids as numbers, as Telegram hands them out; @channel names stay text."""
    return int(chat_id) if chat_id.lstrip("-").isdigit() else chat_id


def _waits_behind_earlier(row) -> bool:
    """Whether an earlier row to the same chat is still queued (it goes first)."""
    return bool(frappe.db.sql(
        """select 1 from `tabTelegram Outbox` where chat_id = %(chat)s and status = 'Queued' and name != %(name)s
        and (creation < %(creation)s or (creation = %(creation)s and name < %(name)s)) limit 1""",
        {"chat": row.chat_id, "name": row.name, "creation": row.creation},
    ))


def next_wait(chat_id, now: datetime | None = None) -> float | None:
    """Seconds until the chat's next queued row is due (0: now), or None when nothing waits for it."""
    now = now or now_datetime()
    due = frappe.db.sql(
        """select min(ifnull(next_try, creation)) from `tabTelegram Outbox` where chat_id = %s and status = 'Queued'""",
        str(chat_id),
    )[0][0]
    if not due:
        return None
    return max(0.0, (frappe.utils.get_datetime(due) - now).total_seconds())


def _send_row(telegram, row, now: datetime, commit: bool, counts: dict[str, int]) -> None:
    """One attempt at one row, its outcome recorded (and committed) as the engine decides."""
    if _waits_behind_earlier(row):
        return  # sent after the earlier one, in a later run
    if not _claim(row.name, now, commit):
        return  # another sender took it
    chat = _chat(row.chat_id)
    _wait_for_rate_limit(chat)
    markup = json.loads(row.reply_markup) if row.reply_markup else None
    text = render_at_send(row.text or "", row.deadline, now)
    result = telegram.send_message(chat, text, reply_markup=markup)
    if result.kind is not engine.SendKind.TRANSIENT:
        # Telegram answered, so the request counts against its limits (an outage's do not).
        _recent_sends.append((chat, time.monotonic()))
    update = engine.after_attempt(_item(row), result, now)
    values = {"status": update.status.value, "attempts": update.attempts, "next_try": update.next_try,
              "last_error": update.last_error or None}
    if update.status is engine.OutboxStatus.SENT:
        values.update(sent_on=now_datetime(), message_id=str(result.message_id or ""), text=text)
        counts["sent"] += 1
    elif update.status is engine.OutboxStatus.FAILED:
        counts["failed"] += 1
    else:
        counts["retry"] += 1
    frappe.db.set_value("Telegram Outbox", row.name, values, update_modified=False)
    if commit:
        frappe.db.commit()


def send_due(now: datetime | None = None, limit: int = 300, names: list[str] | None = None,
             commit: bool = True, chat_id=None) -> dict[str, int]:
    """Send what is due (scheduler every minute, right after new rows commit, and the long-polling bot
    after each update, for its chat: `chat_id`)."""
    now = now or now_datetime()
    telegram = site.client()
    counts = {"sent": 0, "retry": 0, "failed": 0}
    if telegram is None:
        return counts
    table = frappe.qb.DocType("Telegram Outbox")
    query = (
        frappe.qb.from_(table)
        .select(table.name, table.dedupe_key, table.chat_id, table.text, table.attempts, table.status, table.next_try,
                table.creation, table.reply_markup, table.deadline)
        .where((table.status == "Queued") & (table.next_try.isnull() | (table.next_try <= now)))
        .orderby(table.creation)
        .limit(limit)
    )
    if names:
        query = query.where(table.name.isin(names))
    if chat_id is not None:
        query = query.where(table.chat_id == str(chat_id))
    # Rows committed while this run sends are taken in by it: their kick was dropped as a duplicate of
    # this very job (the queue holds one send job at a time), and would otherwise wait for the scheduler.
    seen: set[str] = set()
    until = time.monotonic() + RUN_SECONDS
    while time.monotonic() < until:
        rows = [row for row in query.run(as_dict=True) if row.name not in seen]
        if not rows:
            break
        for row in rows:
            seen.add(row.name)
            _send_row(telegram, row, now, commit, counts)
    return counts
