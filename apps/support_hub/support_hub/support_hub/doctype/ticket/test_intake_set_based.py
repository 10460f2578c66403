# Copyright (c) 2026, support_hub developers. License: MIT.
"""The intake drain's set-based path (bulk_intake) writes what the per-ticket path writes: two tickets of
the same shape from two new senders, one worked by intake.process as a document at a time, the other by
the drain's chunk, leave the same rows in every table (up to names, stamps and the senders' addresses)
and the same e-mail. Where something listens to those rows, the drain does not take the path."""

import email
import json

import frappe
from frappe.utils.background_jobs import get_redis_conn

from support_hub.automation import bulk_intake, intake
from support_hub.automation.actor import acting_as_automation
from support_hub.testing import IntakeCase, handed_over

VOLATILE = {"name", "creation", "modified", "parent", "communication_date", "message_id", "communication", "message",
            "idx"}


def _same(value, ticket: str, sender: str, contact: str):
    if isinstance(value, str):
        return value.replace(ticket, "<ticket>").replace(sender, "<sender>").replace(contact, "<contact>")
    return value


def written(ticket: str) -> dict:
    """Every row the intake wrote for `ticket`, as comparable values."""
    row = frappe.db.get_value("Ticket", ticket, ["contact", "raised_by", "_user_tags", "_assign", "_comments",
                                                 "intake_done", "modified_by"], as_dict=True)
    sender, contact = row.raised_by.split("@")[0], row.contact

    def rows(doctype, filters, order="creation"):
        found = frappe.get_all(doctype, filters=filters, fields=["*"], order_by=order)
        return [{k: _same(v, ticket, sender, contact) for k, v in r.items() if k not in VOLATILE and v not in (None, "")}
                for r in found]

    communications = frappe.get_all("Communication", filters={"reference_doctype": "Ticket", "reference_name": ticket},
                                    pluck="name")
    queued = frappe.get_all("Email Queue", filters={"communication": ["in", communications]}, pluck="name")
    mails = []
    for message in frappe.get_all("Email Queue", filters={"name": ["in", queued]}, pluck="message"):
        parsed = email.message_from_string(message)
        html = [part.get_payload(decode=True).decode() for part in parsed.walk() if part.get_content_type() == "text/html"]
        mails.append({"headers": sorted(k for k in parsed.keys()), "subject": _same(str(parsed["Subject"]), ticket, sender, contact),
                      "to": _same(parsed["To"], ticket, sender, contact), "reply_to": parsed["Reply-To"], "html": [_same(h, ticket, sender, contact) for h in html]})
    comments = json.loads(row._comments or "[]")
    return {
        "ticket": {"contact": bool(contact), "_user_tags": row._user_tags, "_assign": row._assign,
                   "_comments": [(c["comment"].replace(ticket, "<ticket>"), c["by"]) for c in comments],
                   "intake_done": row.intake_done, "modified_by": row.modified_by},
        "Contact": rows("Contact", {"name": contact}),
        "Contact Email": rows("Contact Email", {"parent": contact}),
        "Communication": rows("Communication", {"name": ["in", communications]}),
        "Communication Link": sorted(rows("Communication Link", {"parent": ["in", communications]}), key=repr),
        "Email Queue": rows("Email Queue", {"name": ["in", queued]}),
        "Email Queue Recipient": rows("Email Queue Recipient", {"parent": ["in", queued]}),
        "mail": mails,
        "Support Automation Log": sorted((r["automation"], r.get("rule"), r["action"], r["reason"], r["dedupe_key"].split("|")[1])
                                         for r in rows("Support Automation Log", {"ticket": ticket})),
        "ToDo": rows("ToDo", {"reference_type": "Ticket", "reference_name": ticket}),
        "Comment": rows("Comment", {"reference_doctype": "Ticket", "reference_name": ticket}),
        "Tag Link": rows("Tag Link", {"document_type": "Ticket", "document_name": ticket}),
    }


class TestIntakeSetBased(IntakeCase):
    RULE = {"rule_name": "Set-based intake rule", "keywords": "zorbsetbased", "add_tags": "set-based-intake",
            "set_priority": "Today"}
    REPLY = {"reply_name": "Set-based intake reply",
             "template": "Ticket {{ doc.name }} & «{{ doc.subject }}» is with us.\nWe answer {{ due_human }}."}

    def arrive(self, senders: list[str]) -> list[str]:
        names = handed_over([{"subject": "zorbsetbased: <b>payroll</b> & co", "description": "<p>Nothing arrived</p>",
                              "raised_by": sender} for sender in senders])
        self.tickets.extend(names)
        return names

    def setUp(self):
        # Frappe keeps the mail accounts it found for the request (a worker's job); a test process lives on,
        # and another test's account, deleted since, would be found again
        for cached in ("outgoing_email_account", "incoming_email_account"):
            if hasattr(frappe.local, cached):
                delattr(frappe.local, cached)

    def test_the_chunk_writes_what_the_documents_write(self):
        self.assertIsNone(bulk_intake.not_covered())
        tag = frappe.generate_hash(length=6)
        started = frappe.utils.now_datetime()
        one_by_one, together = self.arrive([f"one-{tag}@x.example", f"two-{tag}@x.example"])
        pending = intake._keys()[0]
        args = json.loads(get_redis_conn().hget(pending, one_by_one))
        get_redis_conn().hdel(pending, one_by_one)
        self.assertTrue(intake.process(one_by_one, **args))  # the per-ticket path, documents
        frappe.db.commit()
        waiting = {together: get_redis_conn().hget(pending, together).decode()}
        with acting_as_automation():  # as the drain runs it
            self.assertEqual(bulk_intake.run_chunk([together], waiting), {together})  # the drain's set-based path
        frappe.db.commit()
        self.assertEqual(intake.process_pending(), 0)  # and the drain finds it done
        self.assertFalse(frappe.get_all("Error Log", filters={"method": "Ticket intake: a chunk went ticket by ticket",
                                                              "creation": [">=", started]}, limit=1))
        expected, got = written(one_by_one), written(together)
        for part in expected:
            self.assertEqual(got[part], expected[part], part)
        self.assertTrue(expected["mail"] and expected["ToDo"] and expected["Tag Link"] and expected["Contact"])

    def test_a_webhook_on_a_written_doctype_keeps_the_drain_on_documents(self):
        hook = frappe.get_doc({"doctype": "Webhook", "__newname": "sh-test-todo-hook", "webhook_doctype": "ToDo", "webhook_docevent": "after_insert",
                               "request_url": "http://127.0.0.1:9/todo", "enabled": 1, "request_structure": "Form URL-Encoded",
                               "webhook_data": [{"fieldname": "name", "key": "todo"}]}).insert(ignore_permissions=True)
        try:
            self.assertIn("Webhook", bulk_intake.not_covered() or "")
        finally:
            frappe.delete_doc("Webhook", hook.name, force=True, ignore_permissions=True)
            frappe.cache.delete_value("webhooks")  # Frappe's cached list keeps a deleted webhook running
        self.assertIsNone(bulk_intake.not_covered())

    def test_an_account_that_makes_contacts_makes_the_missing_one_and_stays_set_based(self):
        from frappe.email.doctype.email_account.email_account import EmailAccount

        account = EmailAccount.find_outgoing(match_by_doctype="Ticket")
        address = account.email_id
        was = frappe.db.get_value("Email Account", account.name, "create_contact")
        frappe.db.set_value("Email Account", account.name, "create_contact", 1)
        for contact in frappe.get_all("Contact Email", filters={"email_id": address}, pluck="parent"):
            frappe.delete_doc("Contact", contact, force=True, ignore_permissions=True)
        frappe.db.commit()
        try:
            (ticket,) = self.arrive([f"three-{frappe.generate_hash(length=6)}@x.example"])
            pending = intake._keys()[0]
            waiting = {ticket: get_redis_conn().hget(pending, ticket).decode()}
            with acting_as_automation():
                self.assertEqual(bulk_intake.run_chunk([ticket], waiting), {ticket})  # no fall-back to documents
            frappe.db.commit()
            made = frappe.get_all("Contact Email", filters={"email_id": address}, pluck="parent")
            self.assertEqual(len(made), 1)  # as Communication.set_timeline_links makes it, once
            message = frappe.get_all("Communication", filters={"reference_name": ticket}, pluck="name")
            linked = frappe.get_all("Communication Link", filters={"parent": ["in", message], "link_doctype": "Contact"},
                                    pluck="link_name")
            self.assertIn(made[0], linked)
        finally:
            frappe.db.set_value("Email Account", account.name, "create_contact", was)
            get_redis_conn().hdel(intake._keys()[0], *self.tickets)
            frappe.db.commit()


class TestSetBasedTeams(IntakeCase):
    """A chunk shares a team between its tickets as the per-ticket path shares it between drains: round robin
    goes on from the agent the team assigned last, least open counts the chunk's own new ToDos."""

    TEAM = "Set-based rotation team"
    AGENTS = [f"sh-set-based-agent{i}@example.com" for i in range(3)]
    RULE = {"rule_name": "Set-based team rule", "keywords": "zorbrotation", "assign_to_user": None,
            "assign_to_team": TEAM, "team_strategy": "Round Robin"}
    REPLY = {"reply_name": "Set-based team reply", "template": "Ticket {{ doc.name }} is with us."}

    @classmethod
    def setUpClass(cls):
        from support_hub.testing import ensure_user

        for agent in cls.AGENTS:
            ensure_user(agent, "Support Agent")
        if frappe.db.exists("Support Team", cls.TEAM):
            frappe.delete_doc("Support Team", cls.TEAM, force=True, ignore_permissions=True)
        frappe.get_doc({"doctype": "Support Team", "team_name": cls.TEAM,
                        "members": [{"user": a, "active": 1} for a in cls.AGENTS]}).insert(ignore_permissions=True)
        frappe.db.commit()
        super().setUpClass()

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        frappe.delete_doc("Support Team", cls.TEAM, force=True, ignore_permissions=True)
        frappe.db.commit()

    def arrive(self, count: int) -> list[str]:
        names = handed_over([{"subject": f"zorbrotation {i}", "raised_by": f"rot-{frappe.generate_hash(length=8)}@x.example"}
                             for i in range(count)])
        self.tickets.extend(names)
        return names

    def assertSetBased(self, since) -> None:
        self.assertFalse(frappe.get_all("Error Log", filters={"method": "Ticket intake: a chunk went ticket by ticket",
                                                              "creation": [">=", since]}, limit=1))

    def assignees(self, names) -> list[str]:
        frappe.db.rollback()
        owner = dict(frappe.db.sql("select reference_name, allocated_to from tabToDo where reference_type = 'Ticket' "
                                   "and reference_name in %(n)s", {"n": names}))
        return [owner.get(name) for name in names]

    def test_round_robin_goes_on_from_the_last_agent_across_the_chunk(self):
        frappe.db.set_value("Support Team", self.TEAM, "last_assigned", self.AGENTS[1])
        frappe.db.commit()
        since = frappe.utils.now_datetime()
        names = self.arrive(5)
        self.assertEqual(intake.process_pending(), 5)
        self.assertSetBased(since)
        a = self.AGENTS
        self.assertEqual(self.assignees(sorted(names)), [a[2], a[0], a[1], a[2], a[0]])
        self.assertEqual(frappe.db.get_value("Support Team", self.TEAM, "last_assigned"), a[0])

    def test_least_open_counts_the_chunks_own_assignments(self):
        frappe.db.set_value("Routing Rule", self.RULE["rule_name"], "team_strategy", "Least Open")
        frappe.db.commit()
        try:
            open_before = dict(frappe.db.sql(
                "select allocated_to, count(*) from tabToDo where status = 'Open' and reference_type = 'Ticket' "
                "and allocated_to in %(a)s group by allocated_to", {"a": self.AGENTS}))
            since = frappe.utils.now_datetime()
            names = self.arrive(6)
            self.assertEqual(intake.process_pending(), 6)
            self.assertSetBased(since)
            got = self.assignees(sorted(names))
            counts = {a: open_before.get(a, 0) for a in self.AGENTS}
            expected = []
            for _name in names:  # engine.pick_least_open ticket after ticket, as the per-ticket path would
                chosen = min(self.AGENTS, key=lambda a: (counts[a], self.AGENTS.index(a)))
                expected.append(chosen)
                counts[chosen] += 1
            self.assertEqual(got, expected)
        finally:
            frappe.db.set_value("Routing Rule", self.RULE["rule_name"], "team_strategy", "Round Robin")
            frappe.db.commit()
