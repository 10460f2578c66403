"""When an SLA Policy's plan changes (holidays, business hours, time zone, targets, warning lead), every
open ticket on it is re-planned in a background job: new deadlines, status and checkpoints by
engine.sla_replan, an SLA Event per deadline that moved (who edited the policy, from → to), progress
published to the policy's form.

Set-based both ways, so a policy with a hundred thousand open tickets takes seconds: one SELECT reads
the tickets with their moments as integer microseconds of local wall-clock time (cheap for the
driver to parse), the engine works on POSIX timestamps, and each batch is written by three
statements over one inline table of the new values — SLA Events for moved first-response deadlines,
for moved resolution deadlines (old values read from the ticket row in the same statement), then an
UPDATE ... JOIN of the tickets. benchmarks/bench_sla_replan.py measures it.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import frappe
from frappe import _
from frappe.utils import get_system_timezone, now_datetime

from support_hub.engine import sla_replan
from support_hub.sla.events import notify_transitions, record_transitions
from support_hub.sla.policies import enabled_policies, forget_cached_policies

BATCH = 5000
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


_INLINE_COLUMNS = ("name", "fr", "res", "status", "warn", "breach", "next", "mfr", "mres")
_US = "TIMESTAMPDIFF(MICROSECOND, '1970-01-01', {})"
_COLUMNS = ("first_response_due", "resolution_due", "first_responded_on", "sla_paused_since", "sla_warning_on",
            "sla_breach_on", "next_due")


def open_tickets(policy: str, clock: _WallClock) -> list[sla_replan.OpenTicket]:
    rows = frappe.db.sql(
        f"""select name, priority, {_US.format('coalesce(opened_on, creation)')},
            {', '.join(_US.format(c) for c in _COLUMNS)},
            sla_response_paused_minutes, sla_paused_minutes, sla_status
        from `tabTicket` where sla_policy = %s and resolved_on is null""",
        (policy,),
    )
    p = clock.posix
    return [
        sla_replan.OpenTicket(r[0], r[1] or None, p(r[2]), p(r[3]), p(r[4]), p(r[5]), p(r[6]), float(r[10] or 0),
                              float(r[11] or 0), r[12] or None, p(r[7]), p(r[8]), p(r[9]))
        for r in rows
    ]


def _inline_table(results: list[sla_replan.Replanned], clock: _WallClock) -> str:
    """The batch's new values as a derived table v(name, fr, res, status, warn, breach, next, mfr, mres)."""
    escape, us = frappe.db.escape, clock.local_us

    def num(ts):
        value = us(ts)
        return "NULL" if value is None else str(value)

    statuses = {s.value: escape(s.value) for s in sla_replan.SlaStatus}
    rows = [
        (escape(r.name), num(r.first_response_due), num(r.resolution_due), statuses[r.status], num(r.warning_on),
         num(r.breach_on), num(r.next_due), str(int(r.first_response_moved)), str(int(r.resolution_moved)))
        for r in results
    ]
    head = "select " + ", ".join(f"{value} as {column}" for value, column in zip(rows[0], _INLINE_COLUMNS))
    rest = (" union all values " + ",".join("(" + ",".join(row) + ")" for row in rows[1:])) if rows[1:] else ""
    return f"({head}{rest})"


def _at(column: str) -> str:
    return f"timestampadd(microsecond, {column}, '1970-01-01')"


def write_batch(results: list[sla_replan.Replanned], clock: _WallClock, *, changed_by: str, reason: str,
                stamp: datetime, tag: str) -> None:
    """SLA Events for the moved deadlines, then the tickets' new SLA fields: three statements."""
    if not results:
        return
    table = _inline_table(results, clock)
    for target, flag, new, old in (("First Response", "mfr", "fr", "first_response_due"),
                                   ("Resolution", "mres", "res", "resolution_due")):
        frappe.db.sql(
            f"""insert into `tabSLA Event` (name, creation, modified, owner, modified_by, docstatus, idx, ticket,
                event, target, occurred_on, changed_by, from_value, to_value, later_by_minutes, reason,
                alert_managers, dedupe_key)
            select concat(v.name, %(suffix)s), %(stamp)s, %(stamp)s, %(user)s, %(user)s, 0, 0, v.name,
                'Changed', %(target)s, %(stamp)s, %(user)s, date_format(t.{old}, %(format)s), date_format({_at('v.' + new)}, %(format)s),
                ceil(timestampdiff(second, t.{old}, {_at('v.' + new)}) / 60), %(reason)s, 0,
                concat(v.name, '|Changed|', %(target)s, '|', %(tag)s)
            from {table} v join `tabTicket` t on t.name = v.name
            where v.{flag} = 1""",
            {"suffix": f"-{tag}-{'f' if flag == 'mfr' else 'r'}", "stamp": stamp, "user": changed_by,
             "target": target, "reason": reason[:140], "tag": tag, "format": "%Y-%m-%d %H:%i:%s"},
        )
    frappe.db.sql(
        f"""update `tabTicket` t join {table} v on t.name = v.name
        set t.first_response_due = {_at('v.fr')}, t.resolution_due = {_at('v.res')}, t.sla_status = v.status,
            t.sla_warning_on = {_at('v.warn')}, t.sla_breach_on = {_at('v.breach')}, t.next_due = {_at('v.next')},
            t.modified = %(stamp)s""",
        {"stamp": stamp},
    )


def replan_policy(policy: str, changed_by: str | None = None, reason: str | None = None, commit: bool | None = None,
                  now: datetime | None = None) -> dict[str, int]:
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
    tag = frappe.generate_hash(length=8)
    tickets = open_tickets(policy, clock)
    results = sla_replan.replan(engine_policy, tickets, clock.posix(round((now_local - _EPOCH).total_seconds() * 1e6)))
    moved = 0
    total = len(results)
    # The Warning and Breached transitions are recorded with their batch, and their alerts and escalations
    # made once for the whole re-plan, so a chat or a manager hears of a mass breach in one summary (not
    # one per batch). A job killed before that keeps the SLA Events but loses those alerts.
    fresh: list = []
    for start in range(0, total, BATCH):
        batch = results[start : start + BATCH]
        write_batch(batch, clock, changed_by=changed_by, reason=reason, stamp=stamp, tag=tag)
        moved += sum(r.first_response_moved + r.resolution_moved for r in batch)
        transitions = [r.transition for r in batch if r.transition is not None]
        if transitions:
            record_transitions(transitions, held=fresh)
        if commit:
            frappe.db.commit()
        frappe.publish_progress(round(100 * min(start + BATCH, total) / total), title=_("Re-planning open tickets"),
                                doctype="SLA Policy", docname=policy,
                                description=_("{0} of {1} tickets").format(min(start + BATCH, total), total))
    notify_transitions(fresh)
    counts = {"tickets": len(tickets), "changed": total, "moved": moved}
    frappe.get_doc("SLA Policy", policy).add_comment(
        "Info", _("Open tickets re-planned after a change by {0}: {1} checked, {2} changed, {3} deadlines moved ({4})")
        .format(frappe.utils.get_fullname(changed_by), counts["tickets"], counts["changed"], counts["moved"], reason))
    frappe.publish_realtime("list_update", {"doctype": "Ticket"}, after_commit=True)
    if commit:
        frappe.db.commit()
    return counts
