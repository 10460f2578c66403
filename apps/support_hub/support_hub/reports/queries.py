"""The set-based queries behind the support reports, the number cards and the weekly digest.

Each function reads only the columns it needs and lets MariaDB count and group (GROUP BY day or
week) wherever a plain count answers the question. Rows are loaded one per ticket only where a
median, a percentile or a CSAT split needs the individual values, and then only for the range
asked for. The indexes these queries range over are added by support_hub.reports.indexes.

`start` / `end` are naive datetimes in the system time zone, the end exclusive (common.bounds).
`filters` are the report's Ticket filters (team, ticket_type, channel, topic, priority).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import date, datetime, timedelta

import frappe
from frappe.utils import getdate

from support_hub.engine.stats import DONE_SINCE
from support_hub.reports.common import TICKET_GROUPS, period_sql, ticket_conditions

OPEN_STATUSES = ("Open", "In Progress", "Waiting for Customer", "Postponed", "In Development", "Solution Proposed")


def _group_sql(group_by: str | None, alias: str = "") -> str:
    """The SQL of a group-by choice: a column (from a fixed map, never from the request) or ''."""
    if not group_by:
        return "''"
    prefix = f"{alias}." if alias else ""
    if group_by in ("Week", "Day"):
        return period_sql(f"{prefix}opened_on", group_by)
    return f"{prefix}`{TICKET_GROUPS[group_by]}`"


def _as_date(value) -> date | None:
    return getdate(value) if value else None


# --- SLA compliance -------------------------------------------------------------------------------


def sla_counts(start: datetime, end: datetime, group_by: str, filters: Mapping, now: datetime) -> list[dict]:
    """Per group of the tickets opened in [start, end): how many first responses and resolutions
    met their due date and how many were breached.

    Met: done at or before the due date. Breached: done after it, or not done and the due date
    has passed by `now` — the rule the SLA engine applies (engine.sla.evaluate). A ticket with
    no due date, or still inside it, counts for neither.
    """
    conditions, params = ticket_conditions(filters)
    return frappe.db.sql(
        f"""
        select {_group_sql(group_by)} as grp,
            count(*) as tickets,
            sum(first_responded_on <= first_response_due) as fr_met,
            sum(coalesce(first_responded_on, %(now)s) > first_response_due) as fr_breached,
            sum(resolved_on <= resolution_due) as res_met,
            sum(coalesce(resolved_on, %(now)s) > resolution_due) as res_breached
        from `tabTicket`
        where opened_on >= %(start)s and opened_on < %(end)s {conditions}
        group by grp
        """,
        {"start": start, "end": end, "now": now, **params},
        as_dict=True,
    )


# --- volume ---------------------------------------------------------------------------------------


def volume_counts(start: datetime, end: datetime, period: str, group_by: str | None, filters: Mapping) -> dict:
    """New and resolved tickets per (day or week, group), and per group the tickets open at `start`.

    Open at a moment: opened before it and not resolved (or closed) before it, by resolved_on,
    which a reopened ticket has cleared — as engine/stats.open_at_end_of_week counts.
    """
    conditions, params = ticket_conditions(filters)
    grp = _group_sql(group_by)
    values = {"start": start, "end": end, **params}

    def per_bucket(column: str) -> dict[tuple[date, str], int]:
        rows = frappe.db.sql(
            f"""
            select {period_sql(column, period)} as bucket, {grp} as grp, count(*) as n
            from `tabTicket`
            where {column} >= %(start)s and {column} < %(end)s {conditions}
            group by bucket, grp
            """,
            values,
        )
        return {(_as_date(bucket), group or ""): n for bucket, group, n in rows}

    open_before = frappe.db.sql(
        f"""
        select {grp} as grp, count(*) as n
        from `tabTicket`
        where opened_on < %(start)s and (resolved_on is null or resolved_on >= %(start)s) {conditions}
        group by grp
        """,
        values,
    )
    return {
        "new": per_bucket("opened_on"),
        "resolved": per_bucket("resolved_on"),
        "open_before": {group or "": n for group, n in open_before},
    }


# --- open at the end of each week -----------------------------------------------------------------


def open_at_week_ends(mondays: list[date], filters: Mapping) -> dict:
    """For each week (by its Monday): tickets open at its start, opened during it, and open at its
    end (next Monday 00:00) split by status.

    The status is today's (no history is kept): a ticket open then and resolved or closed since
    counts under engine.stats.DONE_SINCE, as engine/stats.open_at_end_of_week does. Two grouped
    queries answer every week at once: one over the tickets open now, one over those resolved
    after the first week began.
    """
    conditions, params = ticket_conditions(filters)
    floor = mondays[0] - timedelta(days=7)  # the week before: its end is the first week's start
    cap = mondays[-1] + timedelta(days=7)
    values = {"floor": floor, "first_start": mondays[0], "cap": cap, **params}
    open_week = f"greatest({period_sql('opened_on', 'Week')}, cast(%(floor)s as date))"

    still_open = frappe.db.sql(
        f"""
        select status, {open_week} as opened_week, count(*) as n
        from `tabTicket`
        where resolved_on is null and opened_on < %(cap)s {conditions}
        group by status, opened_week
        """,
        values,
    )
    resolved_since = frappe.db.sql(
        f"""
        select {open_week} as opened_week,
            least({period_sql('resolved_on', 'Week')}, cast(%(cap)s as date)) as resolved_week,
            count(*) as n
        from `tabTicket`
        where resolved_on >= %(first_start)s and opened_on < %(cap)s {conditions}
        group by opened_week, resolved_week
        """,
        values,
    )
    opened = frappe.db.sql(
        f"""
        select {period_sql('opened_on', 'Week')} as week, count(*) as n
        from `tabTicket`
        where opened_on >= %(first_start)s and opened_on < %(cap)s {conditions}
        group by week
        """,
        values,
    )
    still_open = [(status or "Open", _as_date(week), n) for status, week, n in still_open]
    resolved_since = [(_as_date(o), _as_date(r), n) for o, r, n in resolved_since]

    def open_at(moment: date) -> dict[str, int]:
        # open at Monday 00:00 `moment`: opened in an earlier week, not resolved before that week
        counts: dict[str, int] = defaultdict(int)
        for status, week, n in still_open:
            if week < moment:
                counts[status] += n
        for opened_week, resolved_week, n in resolved_since:
            if opened_week < moment <= resolved_week:
                counts[DONE_SINCE] += n
        return dict(counts)

    new = {_as_date(week): n for week, n in opened}
    return {
        monday: {
            "open_at_start": sum(open_at(monday).values()),
            "new": new.get(monday, 0),
            "open_at_end": open_at(monday + timedelta(days=7)),
        }
        for monday in mondays
    }


# --- ratings and response times -------------------------------------------------------------------


def rating_rows(start: datetime, end: datetime, filters: Mapping) -> list[dict]:
    """One row per rating given in [start, end): what engine.stats.csat counts, plus its groups."""
    conditions, params = ticket_conditions(filters)
    return frappe.db.sql(
        f"""
        select name, rating, rating_excluded, team, _assign, {period_sql('rated_on', 'Week')} as week
        from `tabTicket`
        where rated_on >= %(start)s and rated_on < %(end)s and ifnull(rating, '') != '' {conditions}
        """,
        {"start": start, "end": end, **params},
        as_dict=True,
    )


def response_time_rows(start: datetime, end: datetime, group_by: str, filters: Mapping) -> list[tuple]:
    """(group, first-response minutes, resolution minutes) per ticket opened in [start, end).

    Calendar minutes, as engine.stats.first_response_minutes counts them; None where the ticket
    has no first response or resolution yet.
    """
    conditions, params = ticket_conditions(filters)
    rows = frappe.db.sql(
        f"""
        select {_group_sql(group_by)} as grp,
            timestampdiff(second, opened_on, first_responded_on) as fr,
            timestampdiff(second, opened_on, resolved_on) as res
        from `tabTicket`
        where opened_on >= %(start)s and opened_on < %(end)s {conditions}
        """,
        {"start": start, "end": end, **params},
    )
    return [(grp, None if fr is None else fr / 60, None if res is None else res / 60) for grp, fr, res in rows]


# --- tags -----------------------------------------------------------------------------------------


def tags_like(prefix: str) -> list[str]:
    """Tags whose name starts with `prefix` (case-insensitive under MariaDB's collation)."""
    escaped = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return frappe.db.sql_list("select name from `tabTag` where name like %s order by name", escaped + "%")


def top_tags(start: datetime, end: datetime, filters: Mapping, limit: int = 8) -> list[str]:
    """The tags put on most tickets in [start, end) (within the ticket filters), most used first."""
    join, conditions, params = _tag_join(filters)
    return frappe.db.sql_list(
        f"""
        select tl.tag from `tabTag Link` tl {join}
        where tl.document_type = 'Ticket' and tl.creation >= %(start)s and tl.creation < %(end)s {conditions}
        group by tl.tag order by count(distinct tl.document_name) desc, tl.tag limit {int(limit)}
        """,
        {"start": start, "end": end, **params},
    )


def _tag_join(filters: Mapping) -> tuple[str, str, dict]:
    conditions, params = ticket_conditions(filters, alias="t")
    join = "join `tabTicket` t on t.name = tl.document_name" if conditions else ""
    return join, conditions, params


def tag_link_rows(start: datetime, end: datetime, tags: Iterable[str], period: str, filters: Mapping) -> list[dict]:
    """Distinct (tag, day or week, ticket) for Ticket tags added in [start, end): the input of
    engine.stats.tag_counts_over_time, already bucketed and de-duplicated by MariaDB."""
    tags = tuple(tags)
    if not tags:
        return []
    join, conditions, params = _tag_join(filters)
    return frappe.db.sql(
        f"""
        select tl.tag as tag, {period_sql('tl.creation', period)} as bucket, tl.document_name as document_name
        from `tabTag Link` tl {join}
        where tl.document_type = 'Ticket' and tl.tag in %(tags)s
            and tl.creation >= %(start)s and tl.creation < %(end)s {conditions}
        group by tl.tag, bucket, tl.document_name
        """,
        {"tags": tags, "start": start, "end": end, **params},
        as_dict=True,
    )


def tag_totals(start: datetime, end: datetime, tags: Iterable[str], filters: Mapping) -> dict[str, dict]:
    """Per tag over the whole range: tickets, distinct customers, first and last time it was added.

    A customer is the ticket's customer, else its contact, else who raised it, else the ticket.
    """
    tags = tuple(tags)
    if not tags:
        return {}
    conditions, params = ticket_conditions(filters, alias="t")
    rows = frappe.db.sql(
        f"""
        select tl.tag as tag, count(distinct tl.document_name) as tickets,
            count(distinct coalesce(nullif(t.customer, ''), nullif(t.contact, ''), nullif(t.raised_by, ''), t.name))
                as customers,
            min(tl.creation) as first_added, max(tl.creation) as last_added
        from `tabTag Link` tl join `tabTicket` t on t.name = tl.document_name
        where tl.document_type = 'Ticket' and tl.tag in %(tags)s
            and tl.creation >= %(start)s and tl.creation < %(end)s {conditions}
        group by tl.tag
        """,
        {"tags": tags, "start": start, "end": end, **params},
        as_dict=True,
    )
    return {row.tag: row for row in rows}


# --- the weekly digest ----------------------------------------------------------------------------

DIGEST_FIELDS = (
    "name, status, sla_status, opened_on, first_responded_on, resolved_on, rating, rated_on, rating_excluded"
)


def digest_rows(start: datetime, end: datetime) -> list[dict]:
    """Every ticket engine.stats.weekly_digest looks at for the week [start, end): opened,
    resolved or rated in it, or open at its end. Four index ranges, de-duplicated by UNION."""
    return frappe.db.sql(
        f"""
        select {DIGEST_FIELDS} from `tabTicket` where opened_on >= %(start)s and opened_on < %(end)s
        union
        select {DIGEST_FIELDS} from `tabTicket` where resolved_on >= %(start)s and resolved_on < %(end)s
        union
        select {DIGEST_FIELDS} from `tabTicket` where rated_on >= %(start)s and rated_on < %(end)s
        union
        select {DIGEST_FIELDS} from `tabTicket`
            where opened_on < %(end)s and (resolved_on is null or resolved_on >= %(end)s)
        """,
        {"start": start, "end": end},
        as_dict=True,
    )
