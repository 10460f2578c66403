import json
import math
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from support_hub.engine.stats import (
    DONE_SINCE,
    csat,
    median,
    open_at_end_of_week,
    percentile,
    render_digest_text,
    response_time_distribution,
    sla_compliance,
    tag_counts_over_time,
    week_bounds,
    week_start,
    weekly_digest,
)

MSK = ZoneInfo("Europe/Moscow")
BERLIN = ZoneInfo("Europe/Berlin")

numbers = st.lists(st.integers(-(10**6), 10**6), min_size=1, max_size=60)
percents = st.floats(0, 100, allow_nan=False)


# --- median and percentile ----------------------------------------------------------------------


def test_median_known_values():
    assert median([3, 1, 2]) == 2
    assert median([4, 1, 3, 2]) == 2.5
    assert median([5]) == 5
    assert median([]) is None
    assert median([None, 7, None]) == 7  # no reply yet is no value, not zero


@pytest.mark.parametrize(
    "p, expected",
    # The nearest-rank example from the literature: 15, 20, 35, 40, 50.
    [(0, 15), (5, 15), (30, 20), (40, 20), (50, 35), (90, 50), (100, 50)],
)
def test_percentile_nearest_rank_known_values(p, expected):
    assert percentile([50, 15, 40, 35, 20], p) == expected


def test_percentile_p90_of_one_to_ten_and_float_traps():
    values = list(range(1, 11))
    assert percentile(values, 90) == 9
    assert percentile(values, 70) == 7  # 0.7 * 10 in floats is 7.000000000000001
    assert percentile(values, 90.5) == 10
    assert percentile([1, 2, 3, 4], 50) == 2  # not the median's 2.5: always a real value
    assert percentile([], 90) is None


def test_percentile_rejects_p_outside_0_100():
    with pytest.raises(ValueError):
        percentile([1], 101)
    with pytest.raises(ValueError):
        percentile([1], -1)


@given(numbers, percents)
def test_percentile_is_one_of_the_values_between_min_and_max(values, p):
    result = percentile(values, p)
    assert min(values) <= result <= max(values)
    assert result in values


@given(numbers, percents, percents)
def test_percentile_monotonic_in_p(values, p, q):
    low, high = sorted((p, q))
    assert percentile(values, low) <= percentile(values, high)


@given(numbers, percents)
def test_at_least_p_percent_at_or_below(values, p):
    result = percentile(values, p)
    assert sum(v <= result for v in values) * 100 >= p * len(values)


@given(numbers, st.integers(-(10**6), 10**6))
def test_median_of_shifted_list_shifts(values, shift):
    assert math.isclose(median([v + shift for v in values]), median(values) + shift)


@given(numbers)
def test_median_between_min_and_max_and_order_free(values):
    assert min(values) <= median(values) <= max(values)
    assert median(values) == median(list(reversed(values)))


# --- SLA and CSAT -------------------------------------------------------------------------------

SLA_ROWS = [
    {"team": "L1", "sla_status": "Met"},
    {"team": "L1", "sla_status": "Met"},
    {"team": "L1", "sla_status": "Breached"},
    {"team": "L2", "sla_status": "Breached"},
    {"team": "L2", "sla_status": "On Track"},
    {"team": "L2", "sla_status": "Paused"},
    {"team": "L3", "sla_status": "Warning"},
]


def test_sla_compliance_overall_and_by_team():
    assert sla_compliance(SLA_ROWS) == {"met": 2, "breached": 2, "share": 0.5}
    by_team = sla_compliance(SLA_ROWS, key="team")
    assert by_team["L1"] == {"met": 2, "breached": 1, "share": pytest.approx(2 / 3)}
    assert by_team["L2"] == {"met": 0, "breached": 1, "share": 0.0}
    assert by_team["L3"] == {"met": 0, "breached": 0, "share": None}


def test_sla_compliance_by_any_function_and_outcome():
    by_first_letter = sla_compliance(SLA_ROWS, key=lambda row: row["team"][:1])
    assert by_first_letter == {"L": {"met": 2, "breached": 2, "share": 0.5}}
    late = sla_compliance([{"late": False}, {"late": True}], outcome=lambda row: not row["late"])
    assert late == {"met": 1, "breached": 1, "share": 0.5}


@dataclass
class RatedTicket:  # rows may be objects, not only mappings
    name: str
    rating: str | None


def test_csat_counts_shares_and_listed_exclusions():
    rows = [
        RatedTicket("TCK-00001", "great"),
        RatedTicket("TCK-00002", "great"),
        RatedTicket("TCK-00003", "ok"),
        RatedTicket("TCK-00004", "bad"),
        RatedTicket("TCK-00005", "bad"),  # about the price, not support: excluded by the manager
        RatedTicket("TCK-00006", None),
        RatedTicket("TCK-00007", "5"),
    ]
    result = csat(rows, {"TCK-00005", "TCK-00006"})
    assert (result["great"], result["ok"], result["bad"], result["total"]) == (2, 1, 1, 4)
    assert result["shares"] == {"great": 0.5, "ok": 0.25, "bad": 0.25}
    assert result["excluded"] == ["TCK-00005"]  # only ratings that were there to leave out
    assert result["unrecognised"] == ["TCK-00007"]


def test_csat_empty():
    assert csat([])["shares"] == {"great": None, "ok": None, "bad": None}


# --- weeks and buckets --------------------------------------------------------------------------


def test_week_start_is_the_iso_monday_in_the_zone():
    assert week_start(date(2026, 5, 24)) == date(2026, 5, 18)  # Sunday -> Monday before
    assert week_start(date(2026, 5, 18)) == date(2026, 5, 18)
    # Sunday 22:30 UTC is already Monday in Moscow.
    sunday_night = datetime(2026, 5, 24, 22, 30, tzinfo=timezone.utc)
    assert week_start(sunday_night, MSK) == date(2026, 5, 25)
    assert week_start(sunday_night, "UTC") == date(2026, 5, 18)
    assert week_start(datetime(2026, 5, 24, 23, 59), MSK) == date(2026, 5, 18)  # naive = local


@given(st.datetimes(min_value=datetime(2000, 1, 3), max_value=datetime(2099, 12, 1), timezones=st.just(timezone.utc)))
def test_week_start_agrees_with_isocalendar(moment):
    monday = week_start(moment, MSK)
    local = moment.astimezone(MSK).date()
    assert monday.weekday() == 0 and 0 <= (local - monday).days < 7
    assert monday.isocalendar()[:2] == local.isocalendar()[:2]


def test_week_bounds_across_dst_change():
    start, end = week_bounds(date(2026, 3, 23), BERLIN)  # clocks go forward on Sunday 29 March
    assert start.utcoffset() == timedelta(hours=1) and end.utcoffset() == timedelta(hours=2)
    # Same-zone subtraction is wall-clock time in Python; the real week is an hour short.
    assert end.astimezone(timezone.utc) - start.astimezone(timezone.utc) == timedelta(days=7, hours=-1)


# --- open at the end of the week ----------------------------------------------------------------

WEEK_END = datetime(2026, 5, 25)  # Monday 00:00, exclusive


def ticket(opened, resolved=None, status="Open", **extra):
    return {"opened_on": opened, "resolved_on": resolved, "status": status, **extra}


def test_open_at_end_of_week_by_status():
    tickets = [
        ticket(datetime(2026, 5, 20), status="Open"),
        ticket(datetime(2026, 5, 10), status="In Progress"),
        ticket(datetime(2026, 5, 24, 23, 59), status="Waiting for Customer"),
        ticket(datetime(2026, 5, 19), datetime(2026, 5, 22), "Resolved"),  # done within the week
        ticket(datetime(2026, 5, 19), datetime(2026, 5, 25, 9), "Closed"),  # done Monday morning
        ticket(datetime(2026, 5, 19), WEEK_END, "Closed"),  # done exactly at the end: was open
        ticket(WEEK_END, status="Open"),  # opened at the end: not yet
        ticket(datetime(2026, 5, 26), status="Open"),
        ticket(None, status="Open"),
    ]
    assert open_at_end_of_week(tickets, WEEK_END) == {
        DONE_SINCE: 2,
        "In Progress": 1,
        "Open": 1,
        "Waiting for Customer": 1,
    }


def test_open_at_end_mixes_naive_local_and_aware_rows():
    tickets = [
        ticket(datetime(2026, 5, 24, 20, 0, tzinfo=timezone.utc)),  # Sunday 23:00 Moscow: open
        ticket(datetime(2026, 5, 24, 21, 30, tzinfo=timezone.utc)),  # Monday 00:30 Moscow: not yet
        ticket(datetime(2026, 5, 24, 12)),  # naive, read as Moscow time
    ]
    assert open_at_end_of_week(tickets, WEEK_END, tz=MSK) == {"Open": 2}


BASE = datetime(2026, 5, 1)
history = st.lists(
    st.tuples(st.integers(0, 500), st.one_of(st.none(), st.integers(0, 300))),
    max_size=40,
)


@given(history, st.integers(0, 800))
def test_open_at_end_equals_opened_minus_closed(events, cut):
    # Each ticket: opened at hour `o`, done `d` hours later (or never).
    tickets = [
        ticket(BASE + timedelta(hours=o), None if d is None else BASE + timedelta(hours=o + d), "In Progress")
        for o, d in events
    ]
    moment = BASE + timedelta(hours=cut)
    opened_before = sum(t["opened_on"] < moment for t in tickets)
    done_before = sum(t["resolved_on"] is not None and t["resolved_on"] < moment for t in tickets)
    assert sum(open_at_end_of_week(tickets, moment).values()) == opened_before - done_before


# --- tags ---------------------------------------------------------------------------------------


def test_tag_counts_over_time_fills_gaps_and_counts_tickets_once():
    links = [
        {"document_name": "TCK-1", "tag": "1С", "creation": datetime(2026, 5, 4, 10)},
        {"document_name": "TCK-1", "tag": "1С", "creation": datetime(2026, 5, 5, 10)},  # retagged
        {"document_name": "TCK-2", "tag": "1С", "creation": datetime(2026, 5, 6, 10)},
        {"document_name": "TCK-2", "tag": "billing", "creation": datetime(2026, 5, 6, 10)},
        {"document_name": "TCK-3", "tag": "billing", "creation": datetime(2026, 5, 20, 10)},
        {"document_name": "TCK-4", "tag": "other", "creation": datetime(2026, 5, 20, 10)},
    ]
    assert tag_counts_over_time(links, ["1С", "billing"]) == {
        date(2026, 5, 4): {"1С": 2, "billing": 1},
        date(2026, 5, 11): {"1С": 0, "billing": 0},
        date(2026, 5, 18): {"1С": 0, "billing": 1},
    }
    by_day = tag_counts_over_time(links, ["billing"], bucket="day")
    assert len(by_day) == 15 and by_day[date(2026, 5, 6)] == {"billing": 1}
    assert tag_counts_over_time([], ["billing"]) == {}
    with pytest.raises(ValueError):
        tag_counts_over_time(links, ["billing"], bucket="month")


# --- response times -----------------------------------------------------------------------------


def test_response_time_distribution_by_team():
    opened = datetime(2026, 5, 18, 10)
    rows = [ticket(opened, team="L1", first_responded_on=opened + timedelta(minutes=m)) for m in range(1, 11)]
    rows += [
        ticket(opened, team="L2", first_responded_on=opened + timedelta(minutes=30)),
        ticket(opened, team="L2", first_responded_on=None),  # not answered yet: not counted
        ticket(opened, team=None, first_responded_on=opened + timedelta(minutes=5)),
    ]
    assert response_time_distribution(rows, "team") == {
        "": {"median": 5.0, "p90": 5.0, "count": 1},
        "L1": {"median": 5.5, "p90": 9.0, "count": 10},
        "L2": {"median": 30.0, "p90": 30.0, "count": 1},
    }


# --- the weekly digest --------------------------------------------------------------------------


def week_tickets():
    mon = datetime(2026, 5, 18, 10)  # naive Moscow time, as Frappe stores it
    return [
        # opened this week, answered in 20 min, resolved within SLA, rated great
        dict(
            ticket(
                mon,
                mon + timedelta(hours=5),
                "Resolved",
                name="TCK-00101",
                sla_status="Met",
                first_responded_on=mon + timedelta(minutes=20),
                rating="great",
                rated_on=mon + timedelta(hours=6),
                rating_excluded=0,
            )
        ),
        # opened this week, answered in 2 h 10 min, resolved late, rated bad — excluded by the manager
        dict(
            ticket(
                mon,
                mon + timedelta(days=2),
                "Closed",
                name="TCK-00102",
                sla_status="Breached",
                first_responded_on=mon + timedelta(minutes=130),
                rating="bad",
                rated_on=mon + timedelta(days=2, hours=1),
                rating_excluded=1,
            )
        ),
        # opened this week, still open, answered in 40 min
        dict(
            ticket(
                mon + timedelta(days=3),
                None,
                "Waiting for Customer",
                name="TCK-00103",
                sla_status="Paused",
                first_responded_on=mon + timedelta(days=3, minutes=40),
            )
        ),
        # opened last week, resolved this week, rated ok
        dict(
            ticket(
                mon - timedelta(days=4),
                mon + timedelta(days=1),
                "Resolved",
                name="TCK-00090",
                sla_status="Met",
                first_responded_on=mon - timedelta(days=4) + timedelta(minutes=5),
                rating="ok",
                rated_on=mon + timedelta(days=1, hours=2),
            )
        ),
        # opened last week, still open, not answered yet
        dict(ticket(mon - timedelta(days=2), None, "Open", name="TCK-00095", sla_status="Breached")),
        # opened next week: not in this digest
        dict(ticket(mon + timedelta(days=7), None, "Open", name="TCK-00110")),
    ]


def test_weekly_digest_headline_numbers():
    digest = weekly_digest(week_tickets(), date(2026, 5, 20), MSK)
    assert digest["week_start"] == "2026-05-18" and digest["week_end"] == "2026-05-24"
    assert digest["iso_week"] == "2026-W21"
    assert digest["new"] == 3
    assert digest["resolved"] == 3
    assert digest["open_at_end"] == 2
    assert digest["open_by_status"] == {"Open": 1, "Waiting for Customer": 1}
    assert digest["sla"] == {"met": 2, "breached": 1, "share": pytest.approx(2 / 3)}
    assert digest["csat"]["total"] == 2 and digest["csat"]["excluded"] == ["TCK-00102"]
    assert digest["csat_great_share"] == 0.5
    assert digest["median_first_response_minutes"] == 40
    assert digest["first_response"] == {"median": 40, "p90": 130, "count": 3}
    json.dumps(digest)  # storable and sendable as it is


def test_weekly_digest_of_an_empty_week():
    digest = weekly_digest([], datetime(2026, 5, 20, 12, tzinfo=MSK), "Europe/Moscow")
    assert (digest["new"], digest["resolved"], digest["open_at_end"]) == (0, 0, 0)
    assert digest["sla_met_share"] is None and digest["csat_great_share"] is None
    text = render_digest_text(digest, "ru")
    assert "SLA выполнен: —" in text and "Медиана первого ответа: —" in text


def test_render_digest_russian():
    text = render_digest_text(weekly_digest(week_tickets(), date(2026, 5, 18), MSK), "ru")
    assert text.splitlines() == [
        "Поддержка, неделя 2026-W21 (18.05.2026 – 24.05.2026)",
        "Новые обращения: 3",
        "Решено: 3",
        "Открыто на конец недели: 2 (Открыт 1, Ждём клиента 1)",
        "SLA выполнен: 67% (2 из 3)",
        "Оценка «отлично»: 50% (1 из 2); исключены из статистики: TCK-00102",
        "Медиана первого ответа: 40 мин (p90 2 ч 10 мин)",
    ]


def test_render_digest_english_and_fallback():
    digest = weekly_digest(week_tickets(), date(2026, 5, 18), MSK)
    text = render_digest_text(digest, "en")
    assert text.splitlines()[0] == "Support, week 2026-W21 (2026-05-18 – 2026-05-24)"
    assert "Open at the end of the week: 2 (Open 1, Waiting for Customer 1)" in text
    assert "Median first response: 40 min (p90 2 h 10 min)" in text
    assert render_digest_text(digest, "de") == text


def test_render_long_durations_in_days():
    digest = weekly_digest([], date(2026, 5, 18), MSK)
    digest["first_response"] = {"median": 3 * 1440 + 125, "p90": None, "count": 1}
    assert render_digest_text(digest, "en").endswith("Median first response: 3 d 2 h")
