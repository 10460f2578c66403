# Copyright (c) 2026, support_hub developers. License: MIT.
"""Editing an SLA Policy re-plans its open tickets (support_hub.sla.replan), on real tickets."""

from unittest.mock import patch

import frappe
from frappe.tests.utils import FrappeTestCase
from frappe.utils import get_datetime

from support_hub.sla import events, replan
from support_hub.testing import MANAGER, ensure_policy, make_ticket, msk, setup_support_world

POLICY = "Test Replan"


class TestPolicyReplan(FrappeTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        setup_support_world()
        if not frappe.db.exists("Ticket Type", "Replan"):
            frappe.get_doc({"doctype": "Ticket Type", "type_name": "Replan"}).insert(ignore_permissions=True)

    def setUp(self):
        ensure_policy(POLICY, "Replan", 60, 480)
        with self.freeze_time(msk(2026, 3, 5, 17, 0)):  # Thursday 17:00: resolution due Friday 16:00
            self.open = make_ticket(ticket_type="Replan")
            self.closed = make_ticket(ticket_type="Replan")
            self.closed.status = "Closed"
            self.closed.save()
            self.closed.reload()
        self.assertEqual(get_datetime(self.open.resolution_due), msk(2026, 3, 6, 16, 0))

    def tearDown(self):
        frappe.set_user("Administrator")

    def add_holiday(self, day):
        frappe.set_user(MANAGER)
        policy = frappe.get_doc("SLA Policy", POLICY)
        policy.append("holidays", {"holiday_date": day, "description": "Office closed"})
        policy.save()
        frappe.set_user("Administrator")

    def test_a_holiday_added_re_plans_an_open_ticket_and_leaves_a_closed_one(self):
        closed_before = frappe.db.get_value("Ticket", self.closed.name, ["resolution_due", "first_response_due",
                                                                         "modified", "sla_status"], as_dict=True)
        with self.freeze_time(msk(2026, 3, 5, 17, 10)):
            self.add_holiday("2026-03-06")  # Friday off: the job runs at once in tests
        stored = frappe.get_doc("Ticket", self.open.name)
        self.assertEqual(get_datetime(stored.resolution_due), msk(2026, 3, 9, 16, 0))  # Monday 16:00
        self.assertEqual(get_datetime(stored.first_response_due), msk(2026, 3, 5, 18, 0))  # before the holiday
        self.assertEqual(stored.sla_status, "On Track")
        self.assertEqual(get_datetime(stored.next_due), msk(2026, 3, 5, 18, 0))

        events = frappe.get_all("SLA Event", filters={"ticket": self.open.name, "event": "Changed"},
                                fields=["target", "changed_by", "from_value", "to_value", "later_by_minutes", "reason"])
        self.assertEqual(len(events), 1, events)
        event = events[0]
        self.assertEqual((event.target, event.changed_by), ("Resolution", MANAGER))
        self.assertEqual(get_datetime(event.from_value), msk(2026, 3, 6, 16, 0))
        self.assertEqual(get_datetime(event.to_value), msk(2026, 3, 9, 16, 0))
        self.assertEqual(event.later_by_minutes, 3 * 24 * 60)
        self.assertIn(POLICY, event.reason)
        self.assertIn("Holidays", event.reason)

        closed_after = frappe.db.get_value("Ticket", self.closed.name, ["resolution_due", "first_response_due",
                                                                        "modified", "sla_status"], as_dict=True)
        self.assertEqual(closed_after, closed_before)
        self.assertFalse(frappe.db.exists("SLA Event", {"ticket": self.closed.name, "event": "Changed"}))
        comments = frappe.get_all("Comment", filters={"reference_doctype": "SLA Policy", "reference_name": POLICY,
                                                      "comment_type": "Info"}, pluck="content")
        self.assertTrue(any("re-planned" in c for c in comments), comments)
        (run,) = frappe.get_all("SLA Replan", filters={"policy": POLICY, "status": "Done"},
                                fields=["changed_by", "tickets_checked", "tickets_changed", "deadlines_moved", "reason"],
                                order_by="creation desc", limit=1)
        self.assertEqual((run.changed_by, run.tickets_changed, run.deadlines_moved), (MANAGER, 1, 1))
        self.assertGreaterEqual(run.tickets_checked, 1)
        self.assertIn("Holidays", run.reason)

    def test_a_shorter_target_breaches_a_ticket_now_with_one_breach_event(self):
        with self.freeze_time(msk(2026, 3, 5, 17, 40)):
            policy = frappe.get_doc("SLA Policy", POLICY)
            policy.targets[0].first_response_minutes = 30
            policy.save()
            again = replan.replan_policy(POLICY)  # a second run finds nothing left to change
        self.assertFalse(frappe.db.exists("SLA Event", {"ticket": self.open.name, "held_by": ["is", "set"]}))
        stored = frappe.get_doc("Ticket", self.open.name)
        self.assertEqual(get_datetime(stored.first_response_due), msk(2026, 3, 5, 17, 30))
        self.assertEqual(stored.sla_status, "Breached")
        self.assertIsNone(stored.sla_breach_on)
        breaches = frappe.get_all("SLA Event", filters={"ticket": self.open.name, "event": "Breached"},
                                  fields=["target", "dedupe_key"])
        self.assertEqual([b.target for b in breaches], ["First Response"])
        # Keyed with the moment in the system zone, as the sweep keys the same breach: one event either way.
        due = msk(2026, 3, 5, 17, 30)
        self.assertEqual(breaches[0].dedupe_key, f"{self.open.name}|Breached|First Response|{due:%Y-%m-%dT%H:%M:%S}")
        self.assertEqual(again["changed"], 0)

    def test_a_re_plan_stopped_before_its_alerts_has_them_told_by_the_minute_job(self):
        with self.freeze_time(msk(2026, 3, 5, 17, 40)):
            policy = frappe.get_doc("SLA Policy", POLICY)
            policy.targets[0].first_response_minutes = 30
            with patch.object(replan, "on_policy_update"):
                policy.save()
            # The worker dies after the batches' commits, before the alerts and escalations go out.
            with patch.object(replan, "notify_transitions", side_effect=RuntimeError("worker killed")):
                with self.assertRaises(RuntimeError):
                    replan.replan_policy(POLICY)
        (breach,) = frappe.get_all("SLA Event", filters={"ticket": self.open.name, "event": "Breached"},
                                   fields=["name", "held_by", "dedupe_key"])
        self.assertTrue(breach.held_by)
        self.assertEqual(frappe.db.get_value("SLA Replan", breach.held_by, ["policy", "status"]), (POLICY, "Running"))
        with patch.object(events, "notify_transitions") as told:
            events.retell_held(now=msk(2026, 3, 5, 17, 45))  # too soon: a running re-plan holds them this long
            self.assertFalse([t for call in told.call_args_list for t in call.args[0] if t.ticket == self.open.name])
            events.retell_held(now=msk(2026, 3, 5, 17, 55))
        retold = [t for call in told.call_args_list for t in call.args[0] if t.ticket == self.open.name]
        self.assertEqual([(t.status.value, t.target.value, t.dedupe_key) for t in retold],
                         [("Breached", "First Response", breach.dedupe_key)])  # the key of the first telling
        self.assertIsNone(frappe.db.get_value("SLA Event", breach.name, "held_by"))
        self.assertEqual(frappe.db.get_value("SLA Replan", breach.held_by, "status"), "Interrupted")
        with patch.object(events, "notify_transitions") as told:
            events.retell_held(now=msk(2026, 3, 5, 17, 56))  # told once: the re-plan is no longer Running
        self.assertFalse([t for call in told.call_args_list for t in call.args[0] if t.ticket == self.open.name])

    def test_an_edit_that_does_not_touch_the_plan_re_plans_nothing(self):
        with self.freeze_time(msk(2026, 3, 5, 17, 10)):
            policy = frappe.get_doc("SLA Policy", POLICY)
            policy.ticket_type = "Replan"  # unchanged plan; only a save
            policy.save()
        self.assertFalse(frappe.db.exists("SLA Event", {"ticket": self.open.name, "event": "Changed"}))


class TestPolicyReplanJob(FrappeTestCase):
    """The job as a worker runs it: batches written and committed on their own connections, side by side.
    What it commits is removed in tearDown."""

    POLICY = "Test Replan Job"
    TYPE = "Replan Job"

    def setUp(self):
        setup_support_world()
        if not frappe.db.exists("Ticket Type", self.TYPE):
            frappe.get_doc({"doctype": "Ticket Type", "type_name": self.TYPE}).insert(ignore_permissions=True)
        ensure_policy(self.POLICY, self.TYPE, 60, 480)
        with self.freeze_time(msk(2026, 3, 5, 17, 0)):  # Thursday 17:00: resolution due Friday 16:00
            self.tickets = [make_ticket(ticket_type=self.TYPE).name for _ in range(5)]
        frappe.db.commit()  # the writers' connections see committed tickets only

    def tearDown(self):
        frappe.db.rollback()
        frappe.db.delete("SLA Event", {"ticket": ["in", self.tickets]})
        frappe.db.delete("Support Automation Log", {"ticket": ["in", self.tickets]})
        frappe.db.delete("Communication", {"reference_doctype": "Ticket", "reference_name": ["in", self.tickets]})
        frappe.db.delete("Comment", {"reference_doctype": "Ticket", "reference_name": ["in", self.tickets]})
        frappe.db.delete("Comment", {"reference_doctype": "SLA Policy", "reference_name": self.POLICY})
        frappe.db.delete("SLA Replan", {"policy": self.POLICY})
        for name in self.tickets:
            frappe.delete_doc("Ticket", name, force=True, ignore_permissions=True)
        frappe.delete_doc("SLA Policy", self.POLICY, force=True, ignore_permissions=True)
        frappe.db.commit()

    def test_the_job_writes_its_batches_side_by_side_and_commits_each(self):
        policy = frappe.get_doc("SLA Policy", self.POLICY)
        policy.append("holidays", {"holiday_date": "2026-03-06", "description": "Office closed"})
        with patch.object(replan, "on_policy_update"):  # the job is run below, as a worker runs it
            policy.save(ignore_permissions=True)
        frappe.db.commit()
        with patch.object(replan, "run_on_own_connections", wraps=replan.run_on_own_connections) as side_by_side:
            counts = replan.replan_policy(self.POLICY, changed_by=MANAGER, commit=True, now=msk(2026, 3, 5, 17, 10),
                                          batch_size=2)
        self.assertEqual(side_by_side.call_count, 1)  # three batches of at most two, on two connections
        self.assertEqual((counts["tickets"], counts["changed"], counts["moved"]), (5, 5, 5))
        frappe.db.rollback()  # a fresh snapshot: what the writers committed
        due = frappe.get_all("Ticket", filters={"name": ["in", self.tickets]}, pluck="resolution_due")
        self.assertEqual([get_datetime(d) for d in due], [msk(2026, 3, 9, 16, 0)] * 5)  # Monday 16:00
        events = frappe.get_all("SLA Event", filters={"ticket": ["in", self.tickets], "event": "Changed"},
                                fields=["ticket", "target", "changed_by"])
        self.assertEqual(sorted(e.ticket for e in events), sorted(self.tickets))
        self.assertEqual({(e.target, e.changed_by) for e in events}, {("Resolution", MANAGER)})

    def test_the_runs_it_reads_in_turns_cover_each_open_ticket_once(self):
        for parts in (2, 3, 4, 7):
            ends = replan.part_ends(self.POLICY, len(self.tickets), parts)
            self.assertEqual(ends[-1], None)
            clock = replan._WallClock("Europe/Moscow")
            read, after = [], ""
            for end in ends:
                run = replan.open_tickets(self.POLICY, clock, after=after, limit=100, through=end)
                read += [t.name for t in run]
                after = end
            self.assertEqual(sorted(read), sorted(self.tickets), parts)  # each once, none left out
