"""The Support workspace's queues, as the people who work them: each shortcut opens the Ticket (or
Claim) list with the queue's tickets, soonest deadline first, and the list shows the customer.

Tickets get a ticket type of their own with a round-the-clock policy whose targets differ by priority,
so their deadlines are known and differ from their creation order; on the opened queue the agent adds
a filter for that type (as a person narrows a long list), and the rows must be exactly the queue's
tickets in next_due order, read back as Administrator."""

from __future__ import annotations

import time
import uuid

import pytest

from test_desk_flows import new_ticket

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
OPEN = ("Resolved", "Closed")
NOT_WORKABLE = ("Resolved", "Closed", "Waiting for Customer", "Postponed")
UNDECIDED_CLAIMS = ("New", "In Review", "Waiting for Customer")


@pytest.fixture(scope="module")
def queue_world(site, admin):
    tag = uuid.uuid4().hex[:8]
    ticket_type = f"Queues {tag}"
    admin.insert("Ticket Type", type_name=ticket_type)
    hours = [{"weekday": day, "start_time": "00:00:00", "end_time": "23:59:59"} for day in WEEKDAYS]
    admin.insert("SLA Policy", policy_name=f"Queues {tag}", enabled=1, ticket_type=ticket_type, time_zone="UTC",
                 warning_minutes=0, business_hours=hours, targets=[
                     {"priority": "Urgent", "first_response_minutes": 1, "resolution_minutes": 600},
                     {"priority": "Today", "first_response_minutes": 30, "resolution_minutes": 600},
                     {"priority": "Within two days", "first_response_minutes": 90, "resolution_minutes": 600}])
    agent, _ = site.new_user("Support Agent", prefix="desk-queues")
    other, _ = site.new_user("Support Agent", prefix="desk-queues-other")

    def make(priority, assign_to=None, status=None):
        name = new_ticket(admin, assign_to=assign_to, ticket_type=ticket_type, priority=priority, channel="Internal",
                          subject=f"Queue {priority} {uuid.uuid4().hex[:6]}")
        return name, status

    # Made in an order unlike their deadlines: Urgent is due in 1 minute, Today in 30, two days in 90.
    made = [
        make("Within two days", assign_to=agent), make("Urgent", assign_to=agent), make("Today", assign_to=agent),
        make("Today", assign_to=other),
        make("Within two days"), make("Urgent"), make("Today"),
        make("Today", status="Waiting for Customer"), make("Urgent", status="Waiting for Customer"),
        make("Urgent", status="Postponed"),
    ]
    last_made = time.monotonic()
    for name, status in made:
        # As an agent meets it: after its intake (an edit in the same instant can meet the intake job's
        # new contact half-seen: Frappe's locking read sees it, the link check's snapshot not yet).
        site.wait_for(lambda: admin.doc("Ticket", name).get("intake_done"), timeout=60, what="intake")
        if status:
            values = {"status": status}
            if status == "Postponed":  # until tomorrow: the reopen sweep leaves it alone meanwhile
                values["postponed_until"] = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(time.time() + 86400))
            response = admin.update("Ticket", name, **values)
            assert response.status_code == 200, response.text[:500]
    made = [name for name, _status in made]
    # Let the one-minute deadlines pass (the intakes' wait counts), then save each ticket: its SLA clock
    # marks the late ones Breached.
    time.sleep(max(0.0, 65 - (time.monotonic() - last_made)))
    for name in made:
        assert admin.update("Ticket", name, description=f"Checked {uuid.uuid4().hex[:6]}").status_code == 200
    tickets = admin.rows("Ticket", {"ticket_type": ticket_type}, limit=0,
                         fields=["name", "status", "_assign", "sla_status", "next_due", "customer"])
    assert len(tickets) == len(made)
    assert any(t["sla_status"] == "Breached" and t["status"] not in NOT_WORKABLE for t in tickets), tickets
    return {"type": ticket_type, "agent": agent, "tickets": tickets, "made": made}


def in_deadline_order(rows):
    # MariaDB sorts an empty next_due first in ascending order; ties keep no particular order, so none here.
    return [r["name"] for r in sorted(rows, key=lambda r: (r["next_due"] is not None, r["next_due"] or ""))]


SHOWN = ("return Array.from(cur_list.$result[0].querySelectorAll('.list-row-checkbox[data-name]'))"
         ".map(e => e.dataset.name)")


def open_queue(desk, label: str, doctype: str, narrow: list, expected: list[str]) -> list[str]:
    """Click the queue on the Support workspace, narrow it with the filter bar; the rows it then shows."""
    desk.open("support")
    shortcut = desk.wait_until(
        "return Array.from(document.querySelectorAll('.shortcut-widget-box'))"
        ".find(e => e.querySelector('.widget-title').innerText.trim() === arguments[0])",
        label, what=f"the {label} shortcut")
    desk.assert_clean()
    desk.js("arguments[0].scrollIntoView({block: 'center'})", shortcut)
    shortcut.click()
    desk.settle()
    desk.wait_until(f"return window.cur_list && cur_list.doctype === '{doctype}' && frappe.get_route()[0] === 'List'",
                    what=f"the {label} list")
    desk.settle()
    shown = narrowed(desk, narrow, expected)
    desk.assert_clean()
    return shown


def narrowed(desk, narrow: list, expected: list[str]) -> list[str]:
    """A person narrows the queue to their test's tickets with the filter bar (the queue's own filters
    stay); the rows shown once they are the expected ones, or after 20 s."""
    desk.js("return cur_list.filter_area.add(arguments[0])", narrow)
    deadline = time.monotonic() + 20  # the list refreshes a moment after a filter is added
    while time.monotonic() < deadline:
        desk.settle()
        shown = desk.js(SHOWN)
        if shown == expected:
            break
        time.sleep(0.5)
    return shown


def page_title(desk) -> str:
    return desk.js("return cur_list.page.$title_area.find('.title-text').text().trim()")


def sorted_by(desk) -> tuple[str, str]:
    return tuple(desk.js("return [cur_list.sort_selector.sort_by, cur_list.sort_selector.sort_order]"))


def test_agent_works_each_queue_in_deadline_order(site, desk, queue_world):
    agent, tickets = queue_world["agent"], queue_world["tickets"]
    narrow = [["Ticket", "ticket_type", "=", queue_world["type"]]]
    queues = {
        "My Tickets": [t for t in tickets if agent in (t["_assign"] or "") and t["status"] not in OPEN],
        "Unassigned": [t for t in tickets if not (t["_assign"] or "").strip("[]") and t["status"] not in OPEN],
        "Overdue": [t for t in tickets if t["sla_status"] == "Breached" and t["status"] not in NOT_WORKABLE
                    and t["next_due"]],  # every pending deadline of these is a one-minute one, long past
        "Waiting for Customer": [t for t in tickets if t["status"] == "Waiting for Customer"],
    }
    assert all(queues.values()), queues
    desk.login(agent)
    for label, expected in queues.items():
        shown = open_queue(desk, label, "Ticket", narrow, in_deadline_order(expected))
        assert sorted_by(desk) == ("next_due", "asc"), label
        assert shown == in_deadline_order(expected), (label, shown, expected)
        assert page_title(desk) == label  # each queue has its own title, with the agent's filter added too
    # The list shows who the customer is.
    assert desk.js("return cur_list.columns.some(c => c.df && c.df.fieldname === 'customer')")
    # Opened plainly (not as a queue), the list keeps the user's own sort.
    desk.js("cur_list.sort_selector.set_value('creation', 'desc'); cur_list.on_sort_change('creation', 'desc')")
    desk.settle()
    desk.open("ticket")
    assert sorted_by(desk) == ("creation", "desc")

    # Switched from the list sidebar: the queue's filters (as the workspace opens it), title and sort.
    for label in ("Waiting for Customer", "Overdue"):
        link = desk.wait_until("return Array.from(document.querySelectorAll('.support-hub-queue'))"
                               ".find(a => a.dataset.queue === arguments[0] && a.offsetParent !== null) || null",
                               label, what=f"{label} in the list sidebar")
        link.click()
        desk.wait_until("return cur_list.page.$title_area.find('.title-text').text().trim() === arguments[0]",
                        label, what=f"the {label} title")
        desk.settle()
        desk.assert_clean()
        applied = desk.js("return cur_list.filter_area.get().map(f => f[1] + ' ' + f[2])")
        assert sorted_by(desk) == ("next_due", "asc"), label
        if label == "Overdue":
            assert {"sla_status =", "next_due <", "status not in"} == set(applied), applied
        else:
            assert applied == ["status ="], applied
    expected = in_deadline_order(queues["Overdue"])
    shown = narrowed(desk, narrow, expected)
    assert shown == expected, (shown, expected, desk.js("return cur_list.filter_area.get()"))
    assert page_title(desk) == "Overdue"


def test_claims_officer_works_claims_in_deadline_order(site, admin, desk, queue_world):
    officer, _ = site.new_user("Claims Officer", prefix="desk-queues-officer")
    category = admin.rows("Claim Category", fields=["name"], limit=1)[0]["name"]
    claims = [admin.insert("Claim", category=category, amount_claimed=100 * (i + 1), ticket=ticket)["name"]
              for i, ticket in enumerate(queue_world["made"][:3])]
    decided = claims[1]
    assert admin.update("Claim", decided, status="In Review").status_code == 200
    response = admin.update("Claim", decided, status="Rejected", resolution="Rejected", amount_approved=0)
    assert response.status_code == 200, response.text[:500]
    rows = admin.rows("Claim", {"name": ["in", claims]}, fields=["name", "status", "deadline"])
    undecided = [r for r in rows if r["status"] in UNDECIDED_CLAIMS]
    expected = [r["name"] for r in sorted(undecided, key=lambda r: (r["deadline"] is not None, r["deadline"] or ""))]
    assert len(expected) == 2, rows
    desk.login(officer)
    shown = open_queue(desk, "Claims", "Claim", [["Claim", "ticket", "in", queue_world["made"][:3]]], expected)
    assert sorted_by(desk) == ("deadline", "asc")
    assert shown == expected
