"""When an SLA Policy's plan changes (holidays, business hours, time zone, targets, warning lead), every
open ticket on it is re-planned in a background job: new deadlines, status and checkpoints by
engine.sla_replan, an SLA Event per deadline that moved (who edited the policy, from → to), progress
published to the policy's form.

Set-based both ways, so a policy with a hundred thousand open tickets takes seconds: the tickets are
read 5,000 at a time in name order, their moments as integer microseconds of local wall-clock time (cheap
for the driver to parse); the engine works on POSIX timestamps; each batch is staged in a temporary table
and written by two statements over it — the SLA Events for the moved deadlines (from the values read,
staged beside the new ones), then an UPDATE of the tickets over the batch's name range joined to the
stage — committed with its transitions' SLA Events. The job writes its batches on two connections side
by side while its own reads and re-plans the next (support_hub.side_by_side), taking them in turns from
two far-apart runs of names.
benchmarks/bench_sla_replan.py measures it.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import frappe
from frappe import _
from frappe.utils import get_system_timezone, now_datetime

from support_hub.engine import sla_replan
from support_hub.side_by_side import run_on_own_connections
from support_hub.sla.events import notify_transitions, record_transitions, release_held
from support_hub.sla.policies import enabled_policies, forget_cached_policies
from support_hub.system_time import to_aware, to_naive

BATCH = 5000
# Connections writing the job's batches side by side: the writes are MariaDB's work, one core per
# connection; two halve a 100,000-ticket re-plan's writes on this 2-core machine, a third adds little.
WRITERS = 2
_EPOCH = datetime(1970, 1, 1)
_CHILD_PLAN = {
    "holidays": ("holiday_date",),
    "business_hours": ("weekday", "start_time", "end_time"),
    "targets": ("priority", "first_response_minutes", "resolution_minutes"),
}
_FIELD_PLAN = ("time_zone", "warning_minutes", "enabled")


def plan_changes(doc) -> list[str]:
    """Labels of what changed in a policy that moves its tickets' deadlines or status."""
    before = doc.get_doc_before_save()
    if before is None:
        return []
    changed = [f for f in _FIELD_PLAN if str(before.get(f) or "") != str(doc.get(f) or "")]
    for table, fields in _CHILD_PLAN.items():
        rows = lambda d: sorted(tuple(str(r.get(f) or "") for f in fields) for r in d.get(table))  # noqa: E731
        if rows(before) != rows(doc):
            changed.append(table)
    return [_(doc.meta.get_label(f)) for f in changed]


def on_policy_update(doc, method=None) -> None:
    """SLA Policy on_update: a change to its plan re-plans its open tickets after the commit."""
    changes = plan_changes(doc)
    if not changes or not doc.enabled:
        return
    forget_cached_policies()
    reason = _("SLA Policy {0} changed: {1}").format(doc.name, ", ".join(changes))
    frappe.enqueue("support_hub.sla.replan.replan_policy", queue="long", timeout=3600, policy=doc.name,
                   changed_by=frappe.session.user, reason=reason, enqueue_after_commit=True,
                   now=bool(frappe.flags.in_test))


class _WallClock:
    """Local wall-clock microseconds since 1970-01-01 (how the rows are read and written) <-> POSIX
    timestamps, with the zone's offset cached per quarter hour: far cheaper than a datetime per value."""

    def __init__(self, tz: str):
        self.tz = ZoneInfo(tz)
        self._from_local: dict[int, float] = {}
        self._to_local: dict[int, float] = {}

    def posix(self, local_us: int | None) -> float | None:
        if local_us is None:
            return None
        seconds = local_us / 1e6
        bucket = int(seconds // 900)
        offset = self._from_local.get(bucket)
        if offset is None:
            local = _EPOCH + timedelta(seconds=bucket * 900)
            offset = self._from_local[bucket] = local.replace(tzinfo=self.tz).utcoffset().total_seconds()
        return seconds - offset

    def local_us(self, ts: float | None) -> int | None:
        if ts is None:
            return None
        bucket = int(ts // 900)
        offset = self._to_local.get(bucket)
        if offset is None:
            offset = self._to_local[bucket] = datetime.fromtimestamp(bucket * 900, self.tz).utcoffset().total_seconds()
        return round((ts + offset) * 1e6)


_STAGE_COLUMNS = ("name", "fr", "res", "status", "warn", "breach", "next", "mfr", "mres", "old_fr", "old_res")
_US = "TIMESTAMPDIFF(MICROSECOND, '1970-01-01', {})"
_COLUMNS = ("first_response_due", "resolution_due", "first_responded_on", "sla_paused_since", "sla_warning_on",
            "sla_breach_on", "next_due")
# A batch's new values, staged once for the statements that use them (parsed once per statement as an inline
# table, they cost as much as the writes). Temporary: this connection's own, gone with it.
_STAGE = "`support_hub_replan_batch`"


def open_tickets(policy: str, clock: _WallClock, after: str, limit: int,
                 through: str | None = None) -> list[sla_replan.OpenTicket]:
    """`limit` of the policy's open tickets, in name order after the name `after` (and up to `through`,
    when given). The numbers of a row come packed in one string: the driver parses values in Python one
    by one, and ten per row cost it more than a split (measured: a third of the read)."""
    packed = ", ".join(f"ifnull({_US.format(c)}, '')" for c in ("coalesce(opened_on, creation)", *_COLUMNS))
    rows = frappe.db.sql(
        f"""select name, priority, sla_status,
            concat_ws(',', {packed}, sla_response_paused_minutes, sla_paused_minutes)
        from `tabTicket` where sla_policy = %(policy)s and resolved_on is null and name > %(after)s
            {'and name <= %(through)s' if through is not None else ''}
        order by name limit %(limit)s""",
        {"policy": policy, "after": after, "limit": limit, "through": through},
    )
    p = clock.posix

    def moment(value: str) -> float | None:
        return p(int(value)) if value else None

    tickets = []
    for name, priority, status, numbers in rows:
        opened, fr, res, responded, paused, warn, breach, next_due, response_paused, paused_minutes = (
            numbers.split(","))
        tickets.append(sla_replan.OpenTicket(
            name, priority or None, moment(opened), moment(fr), moment(res), moment(responded), moment(paused),
            float(response_paused or 0), float(paused_minutes or 0), status or None, moment(warn), moment(breach),
            moment(next_due)))
    return tickets


def part_ends(policy: str, open_count: int, parts: int) -> list[str | None]:
    """The last name of each of `parts` runs of the policy's open tickets of about equal size, in name order
    (None: to the end). Read in the transaction that counted them (one snapshot), so the ends ascend and
    the runs neither overlap nor leave a gap; tickets opened or resolved meanwhile only make them unequal."""
    ends: list[str | None] = []
    for k in range(1, parts):
        row = frappe.db.sql("""select name from `tabTicket` where sla_policy = %s and resolved_on is null
            order by name limit 1 offset %s""", (policy, max(open_count * k // parts - 1, 0)))
        if row and row[0][0] not in ends:
            ends.append(row[0][0])
    return [*ends, None]


def _stage_ddl(statement: str) -> None:
    """MariaDB's CREATE and DROP TEMPORARY TABLE leave the open transaction alone, but Frappe's sql()
    refuses any CREATE or DROP once the transaction has written (a test's, or an earlier batch's), so
    these two go to the cursor."""
    if not getattr(frappe.db, "_cursor", None):
        frappe.db.connect()
    frappe.db._cursor.execute(statement)


def _open_stage() -> None:
    _stage_ddl(f"drop temporary table if exists {_STAGE}")
    _stage_ddl(f"""create temporary table {_STAGE} (name varchar(140) not null primary key, fr bigint,
        res bigint, status varchar(20) not null, warn bigint, breach bigint, next bigint, mfr tinyint not null,
        mres tinyint not null, old_fr bigint, old_res bigint) engine=memory""")


def _close_stage() -> None:
    _stage_ddl(f"drop temporary table if exists {_STAGE}")


def _stage_batch(results: list[sla_replan.Replanned], before: dict[str, sla_replan.OpenTicket],
                 clock: _WallClock) -> None:
    """The batch's new values into the stage table, with the deadlines they replace (as read)."""
    escape, us = frappe.db.escape, clock.local_us

    def num(ts):
        value = us(ts)
        return "NULL" if value is None else str(value)

    statuses = {s.value: escape(s.value) for s in sla_replan.SlaStatus}
    rows = ",".join(
        f"({escape(r.name)},{num(r.first_response_due)},{num(r.resolution_due)},{statuses[r.status]},"
        f"{num(r.warning_on)},{num(r.breach_on)},{num(r.next_due)},{int(r.first_response_moved)},"
        f"{int(r.resolution_moved)},{num(before[r.name].first_response_due)},{num(before[r.name].resolution_due)})"
        for r in results
    )
    frappe.db.sql(f"delete from {_STAGE}")
    frappe.db.sql(f"insert into {_STAGE} ({', '.join(_STAGE_COLUMNS)}) values {rows}")


def _at(column: str) -> str:
    return f"timestampadd(microsecond, {column}, '1970-01-01')"


def write_batch(results: list[sla_replan.Replanned], before: dict[str, sla_replan.OpenTicket], clock: _WallClock, *,
                changed_by: str, reason: str, stamp: datetime, tag: str) -> None:
    """SLA Events for the moved deadlines, then the tickets' new SLA fields: two statements over the
    batch's staged values (the stage is opened by replan_policy)."""
    if not results:
        return
    _stage_batch(results, before, clock)
    # One statement for both deadlines, a ticket's two events one after the other (side by side in every index
    # of SLA Event): the inserts walk each index once per batch, not twice. Measured against the UPDATE below
    # as the control, about a twentieth less time inserting events.
    old, new = "if(k.fr, v.old_fr, v.old_res)", "if(k.fr, v.fr, v.res)"
    frappe.db.sql(
        f"""insert into `tabSLA Event` (name, creation, modified, owner, modified_by, docstatus, idx, ticket,
            event, target, occurred_on, changed_by, from_value, to_value, later_by_minutes, reason,
            alert_managers, dedupe_key)
        select concat(v.name, '-', %(tag)s, k.suffix), %(stamp)s, %(stamp)s, %(user)s, %(user)s, 0, 0, v.name,
            'Changed', k.target, %(stamp)s, %(user)s, date_format({_at(old)}, %(format)s),
            date_format({_at(new)}, %(format)s), coalesce(ceil(({new} - {old}) / 60000000), 0), %(reason)s, 0,
            concat(v.name, '|Changed|', k.target, '|', %(tag)s)
        from {_STAGE} v straight_join (select 1 as fr, 'First Response' as target, '-f' as suffix
            union all select 0, 'Resolution', '-r') k
        where if(k.fr, v.mfr, v.mres) = 1""",
        {"stamp": stamp, "user": changed_by, "reason": reason[:140], "tag": tag, "format": "%Y-%m-%d %H:%i:%s"},
    )
    # The tickets first, walked along their primary key over the batch's name range and probing the stage:
    # MariaDB updates them as it goes. With the stage first, an UPDATE ... JOIN cannot update on the fly
    # and collects every row in a temporary table before a second pass (twice the time, measured).
    # `before` holds the batch as read, in the database's name order (its collation, not Python's).
    first, last = next(iter(before)), next(reversed(before))
    frappe.db.sql(
        f"""update `tabTicket` t straight_join {_STAGE} v on v.name = t.name
        set t.first_response_due = {_at('v.fr')}, t.resolution_due = {_at('v.res')}, t.sla_status = v.status,
            t.sla_warning_on = {_at('v.warn')}, t.sla_breach_on = {_at('v.breach')}, t.next_due = {_at('v.next')},
            t.modified = %(stamp)s
        where t.name between %(first)s and %(last)s""",
        {"stamp": stamp, "first": first, "last": last},
    )


def replan_policy(policy: str, changed_by: str | None = None, reason: str | None = None, commit: bool | None = None,
                  now: datetime | None = None, batch_size: int = BATCH) -> dict[str, int]:
    """Re-plan every open ticket of `policy`; returns counts. The job commits per batch (outside tests)."""
    commit = (not frappe.flags.in_test) if commit is None else commit
    forget_cached_policies()
    engine_policy = enabled_policies().get(policy)
    if engine_policy is None:
        return {"tickets": 0, "changed": 0, "moved": 0}
    changed_by = changed_by or frappe.session.user
    reason = reason or _("SLA Policy {0} changed").format(policy)
    clock = _WallClock(get_system_timezone())
    now_local = now or now_datetime()
    stamp = now_datetime()
    # The re-plan's own row: the admins' record of it, and the name its held transitions carry (committed
    # before any of them, so a job killed later leaves it Running for events.retell_held to find).
    tag = frappe.get_doc({"doctype": "SLA Replan", "policy": policy, "status": "Running", "changed_by": changed_by,
                          "reason": reason, "started_on": stamp}).insert(ignore_permissions=True).name
    if commit:
        frappe.db.commit()
    now_ts = clock.posix(round((now_local - _EPOCH).total_seconds() * 1e6))
    open_count = frappe.db.sql("select count(*) from `tabTicket` where sla_policy = %s and resolved_on is null",
                               policy)[0][0]
    counts = {"tickets": 0, "changed": 0, "moved": 0}

    def planned_batches(parts: int):
        """Read and re-planned a batch at a time: the job's writers start on the first batch while this
        reads the next. The policy's tickets are cut into `parts` runs of names, read in turns: writers
        on far-apart names insert into different pages of the SLA Event indexes and update different
        pages of the tickets, where neighbouring batches made them wait on each other (a sixth of the
        writing, measured). Each batch comes with its tickets as read (the deadlines its SLA Events say
        were moved from) and how many tickets were checked up to its end."""
        ends = part_ends(policy, open_count, parts) if parts > 1 and open_count > batch_size else [None]
        runs = [["", end] for end in ends]
        for k in range(1, len(runs)):
            runs[k][0] = ends[k - 1]
        while runs:
            run = runs.pop(0)
            tickets = open_tickets(policy, clock, after=run[0], limit=batch_size, through=run[1])
            if not tickets:
                continue
            run[0] = tickets[-1].name
            runs.append(run)
            results = sla_replan.replan(engine_policy, tickets, now_ts)
            counts["tickets"] += len(tickets)
            counts["changed"] += len(results)
            counts["moved"] += sum(r.first_response_moved + r.resolution_moved for r in results)
            if results:
                yield results, {t.name: t for t in tickets}, counts["tickets"]

    # The Warning and Breached transitions are recorded with their batch, and their alerts and escalations
    # made once for the whole re-plan, so a chat or a manager hears of a mass breach in one summary (not
    # one per batch). A job killed before that leaves them held (SLA Event held_by, its SLA Replan
    # Running): the every-minute events.retell_held hands them over.
    fresh: list = []

    def write(planned: tuple[list[sla_replan.Replanned], dict[str, sla_replan.OpenTicket], int]) -> None:
        batch, before, checked = planned
        write_batch(batch, before, clock, changed_by=changed_by, reason=reason, stamp=stamp, tag=tag)
        # In the system zone, as the sweep and a save record them: the moment is part of the key that
        # makes one breach one SLA Event and one escalation, whichever path finds it.
        transitions = [replace(r.transition, due=to_aware(to_naive(r.transition.due)))
                       for r in batch if r.transition is not None]
        if transitions:
            record_transitions(transitions, held=fresh, held_by=tag)
        if commit:
            frappe.db.commit()  # the batch's tickets, their SLA Events and transitions together
        total = max(open_count, checked)
        frappe.publish_progress(round(100 * checked / total), title=_("Re-planning open tickets"),
                                doctype="SLA Policy", docname=policy,
                                description=_("{0} of {1} tickets").format(checked, total))

    if commit and open_count > batch_size:
        # The job: batches commit on their own, so they are written side by side on WRITERS connections
        # while this connection reads and re-plans the next ones.
        run_on_own_connections(planned_batches(WRITERS), write, WRITERS, prepare=_open_stage, finish=_close_stage)
        frappe.db.commit()  # this connection's snapshot predates the writers' commits: the listeners read anew
    else:
        _open_stage()
        try:
            for planned in planned_batches(1):
                write(planned)
        finally:
            _close_stage()
    notify_transitions(fresh)
    release_held(t.dedupe_key for t in fresh)
    frappe.db.set_value("SLA Replan", tag, {"status": "Done", "finished_on": now_datetime(),
                                            "tickets_checked": counts["tickets"], "tickets_changed": counts["changed"],
                                            "deadlines_moved": counts["moved"]})
    frappe.get_doc("SLA Policy", policy).add_comment(
        "Info", _("Open tickets re-planned after a change by {0}: {1} checked, {2} changed, {3} deadlines moved ({4})")
        .format(frappe.utils.get_fullname(changed_by), counts["tickets"], counts["changed"], counts["moved"], reason))
    frappe.publish_realtime("list_update", {"doctype": "Ticket"}, after_commit=True)
    if commit:
        frappe.db.commit()
    return counts
