# Copyright (c) 2026, support_hub developers. License: MIT.

import os
import signal
import subprocess
import sys
import time

import frappe
from frappe.desk.doctype.tag.tag import add_tag
from frappe.tests.utils import FrappeTestCase

from support_hub.broadcasts import sending
from support_hub.support_hub.doctype.tag_broadcast.tag_broadcast import plan, send
from support_hub.testing import AGENT, MANAGER, make_ticket, setup_support_world


def broadcast(tag, **values):
    return frappe.get_doc({"doctype": "Tag Broadcast", "tag": tag, "channel_mode": "Email",
                           "template": "Hello {{ customer_name }}, the feature you asked for in {{ doc.name }} is live.",
                           **values}).insert(ignore_permissions=True)


def messages_on(tickets) -> dict[str, int]:
    rows = frappe.get_all("Communication", filters={"reference_doctype": "Ticket", "reference_name": ["in", tickets],
                                                     "content": ["like", "%feature you asked for%"]},
                          fields=["reference_name", "count(*) as n"], group_by="reference_name")
    return {r.reference_name: r.n for r in rows}


class TestTagBroadcast(FrappeTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        setup_support_world()

    def tearDown(self):
        frappe.set_user("Administrator")

    def tag_tickets(self, tag, senders):
        tickets = []
        for sender in senders:
            ticket = make_ticket(raised_by=sender, subject=f"Wish from {sender}")
            add_tag(tag, "Ticket", ticket.name)
            tickets.append(ticket.name)
        return tickets

    def test_one_message_per_customer_then_the_tag_goes(self):
        tickets = self.tag_tickets("wish: dark theme", ["a@x.example", "a@x.example", "b@x.example"])
        doc = broadcast("wish: dark theme", set_status="Solution Proposed")
        result = plan(doc.name)
        self.assertEqual(result["total"], 2)  # a@ has two tagged tickets but gets one message
        frappe.set_user(MANAGER)
        send(doc.name)
        frappe.set_user("Administrator")
        # In tests the queued job runs at once (as a worker would run it): the broadcast is done.
        self.assertEqual(frappe.db.get_value("Tag Broadcast", doc.name, "status"), "Done")
        self.assertEqual(sum(messages_on(tickets).values()), 2)
        for ticket in tickets:
            self.assertNotIn("wish: dark theme", frappe.get_doc("Ticket", ticket).get_tags())
            self.assertEqual(frappe.db.get_value("Ticket", ticket, "status"), "Solution Proposed")
        self.assertEqual(frappe.db.get_value("Tag Broadcast", doc.name, "sent_count"), 2)

    def test_only_a_manager_may_send(self):
        self.tag_tickets("wish: export", ["c@x.example"])
        doc = broadcast("wish: export")
        plan(doc.name)
        frappe.set_user(AGENT)
        with self.assertRaises(frappe.PermissionError):
            send(doc.name)
        with self.assertRaises(frappe.PermissionError):
            plan(doc.name)

    def test_broken_template_is_refused(self):
        self.tag_tickets("wish: api", ["d@x.example"])
        with self.assertRaises(frappe.ValidationError) as caught:
            broadcast("wish: api", template="Hello {{ customer_name ")
        self.assertIn("does not render", str(caught.exception))


class TestTagBroadcastCrash(FrappeTestCase):
    """A worker killed mid-broadcast, then resumed: every customer gets exactly one message.

    The worker is a separate process sending from committed data, so this test commits its fixtures
    and removes them at the end."""

    TAG = "wish: crash-test"
    CUSTOMERS = 12

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        setup_support_world()
        cls.tickets = []
        for i in range(cls.CUSTOMERS):
            ticket = make_ticket(raised_by=f"crash{i}@x.example", subject=f"Crash test {i}")
            add_tag(cls.TAG, "Ticket", ticket.name)
            cls.tickets.append(ticket.name)
        cls.broadcast = broadcast(cls.TAG)
        plan(cls.broadcast.name)
        frappe.db.set_value("Tag Broadcast", cls.broadcast.name, "status", "Sending")
        frappe.db.commit()

    @classmethod
    def tearDownClass(cls):
        frappe.db.rollback()
        names = cls.tickets
        queued = frappe.get_all("Email Queue", filters={"reference_name": ["in", names]}, pluck="name")
        if queued:
            frappe.db.delete("Email Queue Recipient", {"parent": ["in", queued]})
        for doctype, field in (("Communication", "reference_name"), ("Email Queue", "reference_name"),
                               ("Tag Link", "document_name"), ("Comment", "reference_name"), ("ToDo", "reference_name"),
                               ("Support Automation Log", "ticket"), ("SLA Event", "ticket"), ("Ticket", "name")):
            frappe.db.delete(doctype, {field: ["in", names]})
        frappe.db.delete("Tag Broadcast Recipient", {"broadcast": cls.broadcast.name})
        frappe.db.delete("Comment", {"reference_name": cls.broadcast.name})
        frappe.db.delete("Tag Broadcast", {"name": cls.broadcast.name})
        frappe.db.commit()
        super().tearDownClass()

    def sent_so_far(self) -> int:
        frappe.db.rollback()  # a fresh snapshot: see what the worker committed
        return frappe.db.count("Tag Broadcast Recipient", {"broadcast": self.broadcast.name, "state": "Sent"})

    def test_killed_worker_resumes_without_double_sends(self):
        code = (
            "import frappe, sys; frappe.init(site=sys.argv[1], sites_path=sys.argv[2]); frappe.connect();"
            "from support_hub.broadcasts.sending import run; run(sys.argv[3], pause=0.3)"
        )
        worker = subprocess.Popen(
            [sys.executable, "-c", code, frappe.local.site, os.path.abspath(frappe.local.sites_path), self.broadcast.name],
            cwd=os.path.abspath(frappe.local.sites_path), start_new_session=True,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 60
        while self.sent_so_far() < 3 and time.monotonic() < deadline and worker.poll() is None:
            time.sleep(0.1)
        os.killpg(worker.pid, signal.SIGKILL)  # mid-run, without warning
        worker.wait()
        partial = self.sent_so_far()
        self.assertGreaterEqual(partial, 3)
        self.assertLess(partial, self.CUSTOMERS)  # it really was interrupted

        counts = sending.run(self.broadcast.name)  # what resume_stalled's job does
        self.assertEqual(counts.get("Sent"), self.CUSTOMERS)
        self.assertEqual(messages_on(self.tickets), {t: 1 for t in self.tickets})
        linked = frappe.get_all("Tag Broadcast Recipient", filters={"broadcast": self.broadcast.name}, pluck="communication")
        self.assertEqual(len(set(linked)), self.CUSTOMERS)  # each recipient points at its own single message
        self.assertEqual(frappe.db.get_value("Tag Broadcast", self.broadcast.name, "status"), "Done")
