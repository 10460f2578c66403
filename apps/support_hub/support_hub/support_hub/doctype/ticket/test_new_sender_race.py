# Copyright (c) 2026, support_hub developers. License: MIT.
"""Two tickets from one new sender, drained by two workers at once: both jobs look for the sender's
contact, neither finds it, both make it. The one that loses the insert must not fail the ticket (the
bench's worker pool did: "Ticket intake failed … Duplicate entry 'anna-…' for key 'PRIMARY'"), nor make a
second contact: it is tried again and links the contact the other job made. The same for a tag new to
the site that two workers' tickets get at once (a burst benchmark: "Duplicate entry 'bench-burst'")."""

import frappe
import pymysql
from frappe.tests.utils import FrappeTestCase

from support_hub.automation import intake
from support_hub.engine.identity import EMAIL
from support_hub.testing import make_ticket, setup_support_world


def other_worker():
    """The other worker: its own connection, for its own committed transaction."""
    conf = frappe.conf
    return pymysql.connect(host=conf.db_host or "127.0.0.1", port=int(conf.db_port or 3306),
                           user=conf.db_name, password=conf.db_password, database=conf.db_name)


def other_job_makes_tag(tag: str) -> None:
    connection = other_worker()
    try:
        with connection.cursor() as cursor:
            now = frappe.utils.now()
            cursor.execute("insert into tabTag (name, creation, modified, owner, modified_by) "
                           "values (%s, %s, %s, 'Administrator', 'Administrator')", (tag, now, now))
        connection.commit()
    finally:
        connection.close()


def other_job_makes_contact(name: str, address: str) -> None:
    connection = other_worker()
    try:
        with connection.cursor() as cursor:
            now = frappe.utils.now()
            cursor.execute("insert into tabContact (name, first_name, email_id, creation, modified, owner, modified_by) "
                           "values (%s, %s, %s, %s, %s, 'Administrator', 'Administrator')", (name, name, address, now, now))
            cursor.execute("insert into `tabContact Email` (name, parent, parenttype, parentfield, email_id, is_primary, "
                           "idx, creation, modified) values (%s, %s, 'Contact', 'email_ids', %s, 1, 1, %s, %s)",
                           (frappe.generate_hash(length=10), name, address, now, now))
        connection.commit()
    finally:
        connection.close()


class TestNewSenderRace(FrappeTestCase):
    def setUp(self):
        setup_support_world()
        self.local = f"race-{frappe.generate_hash(length=8)}"
        self.address = f"{self.local}@customer.example"
        self.ticket = make_ticket(subject="Where is my order?", channel="Internal", raised_by=None).name
        # as committed by the web request from a new sender, its intake still to do
        frappe.db.set_value("Ticket", self.ticket, {"raised_by": self.address, "channel": "Email", "intake_done": 0})
        frappe.db.commit()

    def tearDown(self):
        frappe.db.rollback()
        frappe.db.delete("Ticket", {"name": self.ticket})
        for contact in frappe.get_all("Contact Email", filters={"email_id": self.address}, pluck="parent"):
            frappe.db.delete("Contact Email", {"parent": contact})
            frappe.db.delete("Contact", {"name": contact})
        frappe.db.delete("Support Automation Log", {"ticket": self.ticket})
        frappe.db.commit()

    def test_the_job_that_loses_the_insert_tries_again_and_links_the_other_ones_contact(self):
        self.assertFalse(frappe.db.exists("Contact", self.local))  # this job's snapshot: no such contact
        other_job_makes_contact(self.local, self.address)

        outcome = intake.process(self.ticket, new_contact=(EMAIL, self.address, None))
        self.assertIsNone(outcome)  # left pending, nothing recorded as a failure
        frappe.db.commit()  # the drain's next turn: a fresh snapshot
        self.assertFalse(frappe.db.exists("Support Automation Log", {"ticket": self.ticket, "action": "failed"}))
        self.assertFalse(frappe.db.exists("Error Log", {"method": f"Ticket intake failed: {self.ticket}"}))

        self.assertTrue(intake.process(self.ticket, new_contact=(EMAIL, self.address, None)))
        frappe.db.commit()
        self.assertEqual(frappe.db.get_value("Ticket", self.ticket, ["contact", "intake_done"]), (self.local, 1))
        self.assertEqual(frappe.get_all("Contact Email", filters={"email_id": self.address}, pluck="parent"),
                         [self.local])

    def test_the_job_that_loses_a_new_tags_insert_tries_again_and_tags_the_ticket(self):
        from support_hub.automation import routing
        from support_hub.engine.routing import RoutingDecision

        tag = f"race-{frappe.generate_hash(length=8)}"
        self.addCleanup(lambda: (frappe.db.rollback(), frappe.db.delete("Tag Link", {"tag": tag}),
                                 frappe.db.delete("Tag", {"name": tag}), frappe.db.commit()))
        decision = routing.decision_as_dict(RoutingDecision(rule=None, add_tags=(tag,)))
        self.assertFalse(frappe.db.exists("Tag", tag))  # this job's snapshot: no such tag
        other_job_makes_tag(tag)

        self.assertIsNone(intake.process(self.ticket, decision=decision))  # left pending, no failure
        frappe.db.commit()  # the drain's next turn: a fresh snapshot
        self.assertFalse(frappe.db.exists("Support Automation Log", {"ticket": self.ticket, "action": "failed"}))
        self.assertTrue(intake.process(self.ticket, decision=decision))
        frappe.db.commit()
        self.assertIn(tag, frappe.db.get_value("Ticket", self.ticket, "_user_tags") or "")
        self.assertTrue(frappe.db.exists("Tag Link", {"document_type": "Ticket", "document_name": self.ticket,
                                                      "tag": tag}))
