"""The Monday-morning e-mail to Support Managers with last week's headline numbers.

send_weekly_digest() is the scheduler entry point (cron "0 8 * * 1", system time zone): it works
out the previous ISO week, builds its digest with engine.stats.weekly_digest from the tickets that
week touched (queries.digest_rows) and queues one e-mail per language (Russian or English, from
each manager's User language, else the system language) to every enabled user holding the
Support Manager role, through frappe.sendmail — so it lands in the Email Queue and goes out with
the rest of the site's mail.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta

import frappe
from frappe import _
from frappe.utils import escape_html, get_system_timezone, get_url, getdate, now_datetime

from support_hub.engine.stats import render_digest_text, week_start, weekly_digest
from support_hub.reports import queries
from support_hub.reports.common import bounds

MANAGER_ROLE = "Support Manager"
REPORT_LINK = "/app/query-report/SLA Compliance"


def previous_week_monday(now: datetime | date | None = None) -> date:
    """The Monday of the ISO week before the one `now` (system time) falls in."""
    return week_start(getdate(now or now_datetime())) - timedelta(days=7)


def build_digest(week_monday: date | str) -> dict:
    """engine.stats.weekly_digest for the ISO week containing `week_monday` (any day of it works)."""
    monday = week_start(getdate(week_monday))
    rows = queries.digest_rows(*bounds(monday, monday + timedelta(days=6)))
    return weekly_digest(rows, monday, get_system_timezone())


def support_managers() -> list[frappe._dict]:
    """Enabled system users with the Support Manager role (never Administrator or Guest)."""
    return frappe.db.sql(
        """
        select distinct u.name, u.language
        from `tabUser` u join `tabHas Role` r on r.parent = u.name and r.parenttype = 'User'
        where r.role = %(role)s and u.enabled = 1 and u.user_type = 'System User'
            and u.name not in ('Administrator', 'Guest')
        order by u.name
        """,
        {"role": MANAGER_ROLE},
        as_dict=True,
    )


def _digest_language(user_language: str | None) -> str:
    lang = user_language or frappe.db.get_default("lang") or "en"
    return "ru" if lang.lower().startswith("ru") else "en"


def _html(text: str, lang: str) -> str:
    title, *lines = text.splitlines()
    link = f'<a href="{escape_html(get_url(REPORT_LINK))}">{escape_html(_("Open the support reports", lang=lang))}</a>'
    return (
        f"<p><b>{escape_html(title)}</b></p>"
        + "<p>" + "<br>".join(escape_html(line) for line in lines) + "</p>"
        + f"<p>{link}</p>"
    )


def send_weekly_digest(now: datetime | None = None) -> dict:
    """Scheduler entry point (Monday 08:00): e-mail last week's digest to the Support Managers."""
    digest = build_digest(previous_week_monday(now))
    recipients: dict[str, list[str]] = defaultdict(list)
    for user in support_managers():
        recipients[_digest_language(user.language)].append(user.name)
    for lang, users in sorted(recipients.items()):
        text = render_digest_text(digest, lang)
        frappe.sendmail(
            recipients=users,
            subject=text.splitlines()[0],
            message=_html(text, lang),
            delayed=True,
        )
    return digest
