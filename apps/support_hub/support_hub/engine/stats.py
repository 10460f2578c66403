"""The numbers a support lead reviews every Monday: medians, percentiles, SLA, CSAT, weekly counts.

Rows are plain mappings or objects (frappe.get_all's rows are both). Field names default to the
Ticket DocType's: opened_on, resolved_on (set when a ticket becomes Resolved or Closed, cleared when
it reopens), first_responded_on, status, sla_status, team, rating, rated_on, rating_excluded. Any
`*_key` argument takes a field name or a function of the row.

Datetimes: Frappe hands out naive datetimes in the system time zone. Where a function takes `tz`,
a naive datetime is read as local time in `tz` and an aware one is converted to it, so rows of
either kind can be mixed. Without `tz`, datetimes are used as they come.

Percentiles use the nearest-rank method (see `percentile`): "90% of first responses came within
X minutes" is then literally true of the tickets counted, and X is a time a customer really waited.
"""

from __future__ import annotations

import math
import statistics
from collections import Counter, defaultdict
from collections.abc import Callable, Collection, Iterable, Mapping
from datetime import date, datetime, time, timedelta, tzinfo
from fractions import Fraction
from typing import Any
from zoneinfo import ZoneInfo

Key = str | Callable[[Any], Any]

MET, BREACHED = "Met", "Breached"
RATINGS = ("great", "ok", "bad")  # the values the rating request offers (engine/alerts.py)
# Open at the end of the week but done by the time the report runs: what status it had then is not
# recorded anywhere, so it is counted under its own label instead of a guess.
DONE_SINCE = "Done since"


# --- plumbing -----------------------------------------------------------------------------------


def _getter(key: Key) -> Callable[[Any], Any]:
    if callable(key):
        return key
    return lambda row: row.get(key) if isinstance(row, Mapping) else getattr(row, key, None)


def _zone(tz: tzinfo | str | None) -> tzinfo | None:
    return ZoneInfo(tz) if isinstance(tz, str) else tz


def _in_zone(moment: datetime, tz: tzinfo | str | None) -> datetime:
    """`moment` as an aware datetime in `tz` (naive = already local there); unchanged without tz."""
    zone = _zone(tz)
    if zone is None:
        return moment
    return moment.replace(tzinfo=zone) if moment.tzinfo is None else moment.astimezone(zone)


def _local_date(moment: date | datetime, tz: tzinfo | str | None) -> date:
    if isinstance(moment, datetime):
        return _in_zone(moment, tz).date()
    return moment


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


# --- order statistics ---------------------------------------------------------------------------


def _present(values: Iterable[float | None]) -> list[float]:
    # None is "not measured yet" (no first response so far); it is no value, not a zero.
    return [v for v in values if v is not None]


def median(values: Iterable[float | None]) -> float | None:
    """The middle value, the mean of the two middle ones for an even count; None when empty."""
    present = _present(values)
    return statistics.median(present) if present else None


def percentile(values: Iterable[float | None], p: float) -> float | None:
    """Nearest-rank percentile: the smallest value with at least p% of the values at or below it.

    rank = ceil(p/100 * n), counted from 1, and p = 0 gives the minimum. Always one of the
    values, never interpolated. Note percentile(v, 50) differs from median(v) for an even count:
    [1, 2, 3, 4] has p50 = 2 and median 2.5. None when there are no values.
    """
    if not 0 <= p <= 100:
        raise ValueError(f"percentile must be within 0..100, not {p}")
    ordered = sorted(_present(values))
    if not ordered:
        return None
    # Exact arithmetic: 0.7 * 10 is 7.000000000000001 in floats, which would round up to rank 8.
    rank = math.ceil(Fraction(p) * len(ordered) / 100)
    return ordered[max(rank, 1) - 1]


# --- SLA and CSAT -------------------------------------------------------------------------------


def sla_outcome(row: Any) -> bool | None:
    """True for Met, False for Breached, None while still running (On Track, Warning, Paused)."""
    status = _getter("sla_status")(row)
    return True if status == MET else False if status == BREACHED else None


def _compliance(rows: Iterable[Any], outcome: Callable[[Any], bool | None]) -> dict:
    met = breached = 0
    for row in rows:
        result = outcome(row)
        if result is True:
            met += 1
        elif result is False:
            breached += 1
    return {"met": met, "breached": breached, "share": _share(met, met + breached)}


def sla_compliance(
    rows: Iterable[Any], key: Key | None = None, outcome: Callable[[Any], bool | None] = sla_outcome
) -> dict:
    """{met, breached, share} over rows with a decided SLA; share is None when none is decided.

    With `key` (a field name or function: team, priority, week...), a dict of those per group.
    """
    if key is None:
        return _compliance(rows, outcome)
    groups: dict[Any, list] = defaultdict(list)
    for row in rows:
        groups[_getter(key)(row)].append(row)
    return {group: _compliance(members, outcome) for group, members in groups.items()}


def csat(
    ratings: Iterable[Any],
    excluded: Collection[str] = (),
    *,
    id_key: Key = "name",
    rating_key: Key = "rating",
) -> dict:
    """Counts of great / ok / bad ratings, their shares, and which ratings were left out.

    `excluded` are the ids a manager took out of the statistics (a rating about the product or a
    price, not about support): they count nowhere and are listed under "excluded". Values other
    than great / ok / bad are listed under "unrecognised" rather than silently dropped.
    """
    ident, value = _getter(id_key), _getter(rating_key)
    counts: Counter[str] = Counter()
    left_out, unrecognised = [], []
    for row in ratings:
        rating = value(row)
        if not rating:
            continue
        if ident(row) in excluded:
            left_out.append(ident(row))
        elif rating in RATINGS:
            counts[rating] += 1
        else:
            unrecognised.append(ident(row))
    total = sum(counts.values())
    return {
        **{name: counts[name] for name in RATINGS},
        "total": total,
        "shares": {name: _share(counts[name], total) for name in RATINGS},
        "excluded": sorted(left_out),
        "unrecognised": sorted(unrecognised),
    }


# --- weeks and buckets --------------------------------------------------------------------------


def week_start(moment: date | datetime, tz: tzinfo | str | None = None) -> date:
    """The Monday of the ISO week `moment` falls in, as seen on a calendar in `tz`."""
    day = _local_date(moment, tz)
    return day - timedelta(days=day.weekday())


def week_bounds(monday: date, tz: tzinfo | str | None = None) -> tuple[datetime, datetime]:
    """[Monday 00:00, next Monday 00:00) in `tz`; each end gets its own UTC offset (DST weeks)."""
    zone = _zone(tz)
    start = datetime.combine(monday, time(), tzinfo=zone)
    end = datetime.combine(monday + timedelta(days=7), time(), tzinfo=zone)
    return start, end


def _is_open_at(opened: datetime | None, done: datetime | None, moment: datetime) -> bool:
    # Open at a moment: opened before it, and not resolved or closed before it.
    return opened is not None and opened < moment and (done is None or done >= moment)


def open_at_end_of_week(
    tickets: Iterable[Any],
    week_end: datetime,
    *,
    tz: tzinfo | str | None = None,
    opened_key: Key = "opened_on",
    done_key: Key = "resolved_on",
    status_key: Key = "status",
) -> dict[str, int]:
    """How many tickets were open at `week_end` (the exclusive end, next Monday 00:00), by status.

    The status is today's: history is not kept. A ticket open then but resolved or closed since
    counts under DONE_SINCE. Run on Monday morning, that is the handful closed since midnight.
    """
    opened_on, done_on, status = _getter(opened_key), _getter(done_key), _getter(status_key)
    moment = _in_zone(week_end, tz)
    counts: Counter[str] = Counter()
    for ticket in tickets:
        opened, done = opened_on(ticket), done_on(ticket)
        opened = _in_zone(opened, tz) if opened else None
        done = _in_zone(done, tz) if done else None
        if _is_open_at(opened, done, moment):
            counts[DONE_SINCE if done is not None else status(ticket) or "Open"] += 1
    return dict(sorted(counts.items()))


def tag_counts_over_time(
    tag_links: Iterable[Any],
    tags: Iterable[str],
    bucket: str = "week",
    *,
    tz: tzinfo | str | None = None,
    ticket_key: Key = "document_name",
    tag_key: Key = "tag",
    at_key: Key = "creation",
) -> dict[date, dict[str, int]]:
    """Tickets per tag per day or week, for the listed tags; defaults read Frappe's Tag Link rows.

    A ticket counts once per tag and bucket however often it was tagged. Buckets run without gaps
    from the first to the last one seen, and every listed tag appears in each (zero included), so
    the result charts as it is.
    """
    if bucket not in ("day", "week"):
        raise ValueError(f"bucket must be 'day' or 'week', not {bucket!r}")
    wanted = list(dict.fromkeys(tags))
    ticket_of, tag_of, at_of = _getter(ticket_key), _getter(tag_key), _getter(at_key)
    to_bucket = (lambda v: _local_date(v, tz)) if bucket == "day" else (lambda v: week_start(v, tz))
    seen: dict[date, dict[str, set]] = defaultdict(lambda: defaultdict(set))
    for link in tag_links:
        tag, at = tag_of(link), at_of(link)
        if tag in wanted and at is not None:
            seen[to_bucket(at)][tag].add(ticket_of(link))
    if not seen:
        return {}
    step = timedelta(days=1 if bucket == "day" else 7)
    out, current, last = {}, min(seen), max(seen)
    while current <= last:
        out[current] = {tag: len(seen[current][tag]) if current in seen else 0 for tag in wanted}
        current += step
    return out


# --- response times -----------------------------------------------------------------------------


def first_response_minutes(row: Any) -> float | None:
    """Calendar minutes from opening to the first agent reply, None before the reply.

    Calendar time is what the customer waited; pass working minutes as `value` for an SLA view.
    """
    opened, responded = _getter("opened_on")(row), _getter("first_responded_on")(row)
    if opened is None or responded is None:
        return None
    return (responded - opened).total_seconds() / 60


def _summary(values: list[float]) -> dict:
    return {"median": median(values), "p90": percentile(values, 90), "count": len(values)}


def response_time_distribution(
    rows: Iterable[Any], team_key: Key = "team", value: Callable[[Any], float | None] = first_response_minutes
) -> dict[str, dict]:
    """{team: {median, p90, count}} of `value` (first-response minutes by default).

    Rows without a value (no reply yet) are left out; rows without a team go under "".
    """
    team_of = _getter(team_key)
    groups: dict[str, list[float]] = defaultdict(list)
    for row in rows:
        minutes = value(row)
        if minutes is not None:
            groups[team_of(row) or ""].append(minutes)
    return {team: _summary(groups[team]) for team in sorted(groups)}


# --- the weekly digest --------------------------------------------------------------------------


def _within(moment: datetime | None, start: datetime, end: datetime, tz) -> bool:
    return moment is not None and start <= _in_zone(moment, tz) < end


def weekly_digest(
    tickets: Iterable[Any],
    week: date | datetime,
    tz: tzinfo | str,
    *,
    response_minutes: Callable[[Any], float | None] = first_response_minutes,
) -> dict:
    """Headline numbers for the ISO week containing `week`, from Ticket rows.

    new: opened in the week. resolved: resolved or closed in the week (and not reopened since).
    open_at_end: open at next Monday 00:00, with the split by status. sla: the resolved tickets'
    SLA outcome — only then is Met final. csat: ratings given in the week, manager-excluded ones
    listed. first_response: median and p90 over the tickets opened in the week that got a reply.
    The result holds only JSON types, so it can be stored or sent as it is.
    """
    tickets = list(tickets)
    monday = week_start(week, tz)
    start, end = week_bounds(monday, tz)
    opened_on, resolved_on, rated_on = _getter("opened_on"), _getter("resolved_on"), _getter("rated_on")
    excluded_flag, name = _getter("rating_excluded"), _getter("name")

    opened = [t for t in tickets if _within(opened_on(t), start, end, tz)]
    resolved = [t for t in tickets if _within(resolved_on(t), start, end, tz)]
    rated = [t for t in tickets if _within(rated_on(t), start, end, tz)]
    by_status = open_at_end_of_week(tickets, end, tz=tz)
    sla = sla_compliance(resolved)
    ratings = csat(rated, {name(t) for t in rated if excluded_flag(t)})
    responses = _summary(_present(response_minutes(t) for t in opened))
    year, week_number, _ = monday.isocalendar()
    return {
        "week_start": monday.isoformat(),
        "week_end": (monday + timedelta(days=6)).isoformat(),  # the Sunday, inclusive
        "iso_week": f"{year}-W{week_number:02d}",
        "new": len(opened),
        "resolved": len(resolved),
        "open_at_end": sum(by_status.values()),
        "open_by_status": by_status,
        "sla": sla,
        "sla_met_share": sla["share"],
        "csat": ratings,
        "csat_great_share": ratings["shares"]["great"],
        "first_response": responses,
        "median_first_response_minutes": responses["median"],
    }


_LABELS = {
    "ru": {
        "title": "Поддержка, неделя {week} ({start} – {end})",
        "new": "Новые обращения",
        "resolved": "Решено",
        "open_at_end": "Открыто на конец недели",
        "sla": "SLA выполнен",
        "csat": "Оценка «отлично»",
        "excluded": "исключены из статистики",
        "first_response": "Медиана первого ответа",
        "of": "из",
        "none": "—",
        "day": "д",
        "hour": "ч",
        "minute": "мин",
        "statuses": {
            "Open": "Открыт",
            "In Progress": "В работе",
            "Waiting for Customer": "Ждём клиента",
            "Postponed": "Отложен",
            "In Development": "В разработке",
            "Solution Proposed": "Предложено решение",
            "Resolved": "Решён",
            "Closed": "Закрыт",
            DONE_SINCE: "уже закрыты",
        },
    },
    "en": {
        "title": "Support, week {week} ({start} – {end})",
        "new": "New tickets",
        "resolved": "Resolved",
        "open_at_end": "Open at the end of the week",
        "sla": "SLA met",
        "csat": "Rated great",
        "excluded": "excluded from statistics",
        "first_response": "Median first response",
        "of": "of",
        "none": "—",
        "day": "d",
        "hour": "h",
        "minute": "min",
        "statuses": {DONE_SINCE: "closed since"},
    },
}


def _percent(share: float | None, labels: dict) -> str:
    return labels["none"] if share is None else f"{round(share * 100)}%"


def _duration(minutes: float | None, labels: dict) -> str:
    if minutes is None:
        return labels["none"]
    total = round(minutes)
    days, rest = divmod(total, 24 * 60)
    hours, mins = divmod(rest, 60)
    if days:
        return f"{days} {labels['day']} {hours} {labels['hour']}"
    if hours:
        return f"{hours} {labels['hour']} {mins:02d} {labels['minute']}"
    return f"{mins} {labels['minute']}"


def _date(iso: str, lang: str) -> str:
    day = date.fromisoformat(iso)
    return day.strftime("%d.%m.%Y") if lang == "ru" else day.isoformat()


def render_digest_text(digest: dict, lang: str = "ru") -> str:
    """The digest as a short plain-text message, in Russian or English (anything else: English)."""
    labels = _LABELS.get(lang, _LABELS["en"])
    lang = lang if lang in _LABELS else "en"
    statuses = labels["statuses"]
    split = ", ".join(f"{statuses.get(s, s)} {n}" for s, n in digest["open_by_status"].items())
    sla, ratings, responses = digest["sla"], digest["csat"], digest["first_response"]

    lines = [
        labels["title"].format(
            week=digest["iso_week"], start=_date(digest["week_start"], lang), end=_date(digest["week_end"], lang)
        ),
        f"{labels['new']}: {digest['new']}",
        f"{labels['resolved']}: {digest['resolved']}",
        f"{labels['open_at_end']}: {digest['open_at_end']}" + (f" ({split})" if split else ""),
        f"{labels['sla']}: {_percent(sla['share'], labels)}"
        + (f" ({sla['met']} {labels['of']} {sla['met'] + sla['breached']})" if sla["share"] is not None else ""),
        f"{labels['csat']}: {_percent(ratings['shares']['great'], labels)}"
        + (f" ({ratings['great']} {labels['of']} {ratings['total']})" if ratings["total"] else "")
        + (f"; {labels['excluded']}: {', '.join(ratings['excluded'])}" if ratings["excluded"] else ""),
        f"{labels['first_response']}: {_duration(responses['median'], labels)}"
        + (f" (p90 {_duration(responses['p90'], labels)})" if responses["p90"] is not None else ""),
    ]
    return "\n".join(lines)
