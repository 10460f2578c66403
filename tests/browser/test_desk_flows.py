"""The daily desk paths, each as the role that walks it, in headless Chromium. Every step fails on an
error dialog, a 403/5xx answer or a form left "Not Saved"; results are read back over REST."""

from __future__ import annotations

import json
import time
import uuid

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select

from served import body_text


def new_ticket(admin, assign_to: str | None = None, **values) -> str:
    values.setdefault("subject", f"Parcel damaged {uuid.uuid4().hex[:6]}")
    values.setdefault("channel", "Email")
    values.setdefault("raised_by", f"shopper-{uuid.uuid4().hex[:8]}@shop.example")
    values.setdefault("description", "The box came crushed and two jars are broken.")
    ticket = admin.insert("Ticket", **values)["name"]
    if assign_to:
        response = admin.call("frappe.desk.form.assign_to.add", doctype="Ticket", name=ticket, assign_to=[assign_to])
        assert response.status_code == 200, response.text[:500]
    return ticket


def click_text(desk, text: str, scope: str = "") -> None:
    # Waited for: a workspace draws its shortcuts a moment after the page has settled.
    element = WebDriverWait(desk.driver, 20).until(lambda d: d.find_element(
        By.XPATH, f"{scope}//*[self::button or self::a or self::span][normalize-space()='{text}']"))
    desk.js("arguments[0].scrollIntoView({block: 'center'})", element)
    element.click()


def test_agent_works_a_ticket_from_the_queue(site, admin, desk):
    agent, _ = site.new_user("Support Agent", prefix="desk-agent")
    ticket = new_ticket(admin, assign_to=agent)
    desk.login(agent)
    desk.open("support")  # the workspace with the queues
    desk.assert_clean()
    click_text(desk, "My Tickets")
    desk.settle()
    desk.open_from_list(ticket, what="the ticket in My Tickets:")

    note = f"Asked the warehouse about it {uuid.uuid4().hex[:6]}"
    box = desk.wait_for_css(".comment-box .ql-editor")
    desk.js("arguments[0].scrollIntoView({block: 'center'})", box)
    box.click()
    box.send_keys(note)
    button = desk.wait_for_css(".comment-box .btn-comment.btn-primary")  # shown once there is text
    button.click()
    desk.settle()
    desk.wait_until(f"return document.querySelector('.form-timeline, .new-timeline').innerText.includes({json.dumps(note)})",
                    what="the comment on the timeline")

    desk.select("status", "Waiting for Customer")
    desk.save()
    desk.assert_clean()

    saved = admin.doc("Ticket", ticket)
    assert saved["status"] == "Waiting for Customer"
    comments = admin.rows("Comment", {"reference_doctype": "Ticket", "reference_name": ticket, "comment_type": "Comment"},
                          fields=["content", "owner"])
    assert any(note in c["content"] and c["owner"] == agent for c in comments), comments


def test_agent_answers_by_new_email_and_the_mail_goes_out(site, admin, desk):
    agent, _ = site.new_user("Support Agent", prefix="desk-mail")
    customer = f"mail-{uuid.uuid4().hex[:8]}@shop.example"
    ticket = new_ticket(admin, assign_to=agent, raised_by=customer)
    desk.login(agent)
    desk.open(f"ticket/{ticket}")
    desk.assert_clean()
    click_text(desk, "New Email")
    desk.wait_for_css(".modal.show .frappe-control[data-fieldname='content'] .ql-editor")
    desk.settle()
    desk.assert_clean()
    recipients = desk.js("return cur_dialog.get_value('recipients')")
    assert customer in (recipients or ""), recipients  # the composer addresses the ticket's customer
    answer = f"We are sending new jars today {uuid.uuid4().hex[:6]}"
    editor = desk.driver.find_element(By.CSS_SELECTOR, ".modal.show .frappe-control[data-fieldname='content'] .ql-editor")
    editor.click()
    editor.send_keys(answer)
    desk.driver.find_element(By.CSS_SELECTOR, ".modal.show .btn-primary").click()
    desk.wait_until("return !document.querySelector('.modal.show')", what="the composer to close")
    desk.settle()
    desk.assert_clean()

    sent = admin.rows("Communication", {"reference_doctype": "Ticket", "reference_name": ticket,
                                        "sent_or_received": "Sent", "communication_type": "Communication"},
                      fields=["name", "sender", "content"])
    assert any(answer in (c["content"] or "") for c in sent), sent
    site.flush_mail()
    mails = site.wait_for(lambda: [m for m in site.mails_to(customer) if answer in body_text(m)], timeout=30,
                          what="the agent's e-mail in the mail sink")
    assert mails


def test_agent_creates_a_claim_from_a_ticket(site, admin, desk):
    agent, _ = site.new_user("Support Agent", prefix="desk-claim")
    ticket = new_ticket(admin, assign_to=agent)
    desk.login(agent)
    desk.open(f"ticket/{ticket}")
    click_text(desk, "Create")
    click_text(desk, "Create Claim", scope="//*[contains(@class, 'dropdown-menu') and contains(@class, 'show')]")
    desk.settle()
    if desk.js("return !!document.querySelector('.modal.show .btn-primary')"):  # the order prompt, when orders exist
        desk.driver.find_element(By.CSS_SELECTOR, ".modal.show .btn-primary").click()
        desk.settle()
    desk.wait_until("return window.cur_frm && cur_frm.doctype === 'Claim' && cur_frm.doc.__islocal", what="a new claim")
    desk.assert_clean()
    for field in ("category", "amount_claimed", "description"):
        assert desk.is_editable(field), f"{field} is read-only for the agent"
    assert desk.js("return cur_frm.doc.ticket") == ticket
    category = admin.rows("Claim Category", fields=["name"], limit=1)[0]["name"]
    desk.choose_link("category", category)
    desk.type_into("amount_claimed", "340")
    desk.type_into("description", "Two jars of honey arrived broken.")
    desk.save()
    desk.assert_clean()

    claim = desk.js("return cur_frm.docname")
    stored = admin.doc("Claim", claim)
    assert (stored["ticket"], stored["category"], stored["amount_claimed"]) == (ticket, category, 340)
    assert stored["status"] == "New"


def test_claims_officer_works_a_claim(site, admin, desk):
    officer, _ = site.new_user("Claims Officer", prefix="desk-officer")
    category = admin.rows("Claim Category", fields=["name"], limit=1)[0]["name"]
    claim = admin.insert("Claim", category=category, amount_claimed=500, description="Missing milk",
                         ticket=new_ticket(admin))["name"]
    desk.login(officer)
    desk.open(f"claim?name={claim}")  # the claims queue, searched by the claim's ID
    desk.open_from_list(claim, what="the claim")
    desk.select("status", "In Review")
    desk.save()
    desk.assert_clean()
    desk.select("resolution", "Refund")
    desk.type_into("amount_approved", "450")
    desk.select("status", "Approved")
    desk.save()
    desk.assert_clean()
    stored = admin.doc("Claim", claim)
    assert (stored["status"], stored["resolution"], stored["amount_approved"]) == ("Approved", "Refund", 450)


def test_manager_creates_an_sla_policy_with_hours_and_a_holiday(site, admin, desk):
    manager, _ = site.new_user("Support Manager", prefix="desk-manager")
    name = f"Weekend shop {uuid.uuid4().hex[:6]}"
    desk.login(manager)
    desk.open("sla-policy/new")
    desk.wait_until("return window.cur_frm && cur_frm.doctype === 'SLA Policy'", what="a new SLA Policy")
    desk.assert_clean()
    desk.type_into("policy_name", name)
    assert desk.js("return cur_frm.doc.time_zone") == desk.js("return frappe.boot.time_zone.system")  # preset

    def type_until_kept(table: str, fieldname: str, value: str) -> None:
        """Types a value into the open row form and waits until the row in the document holds it.
        On a busy machine the freshly opened row form can refresh its controls from the (still empty) row
        after the keys went in, and the field is blank again (the CI run's screenshot); a person then types
        it once more."""
        selector = f".grid-row-open .form-in-grid .frappe-control[data-fieldname='{fieldname}'] input"
        kept = (f"const rows = cur_frm.doc.{table} || []; "
                f"return !!(rows.length && rows[rows.length - 1][arguments[0]])")
        for attempt in range(3):
            control = desk.wait_for_css(selector)
            # Focused, not clicked: the row form slides open, and a click lands on whatever is
            # passing under that point at the moment.
            desk.js("arguments[0].scrollIntoView({block: 'center'}); arguments[0].focus();", control)
            control.send_keys(Keys.CONTROL, "a")
            control.send_keys(value)
            control.send_keys(Keys.TAB)  # on to the next field (closes a date or time picker)
            try:
                # The control writes the row a moment after its change event (later on a busy machine).
                desk.wait_until(kept, fieldname, timeout=10 if attempt < 2 else 30,
                                what=f"{fieldname} in the {table} row")
                return
            except AssertionError:
                if attempt == 2:
                    raise

    def fill_row(table: str, values: dict) -> None:
        """The table's last row (added with "Add Row" unless the form started with an empty one),
        filled in its row form as a person does when the grid is too narrow."""
        rows = desk.js(f"return cur_frm.doc.{table} || []")
        grid = f"return cur_frm.fields_dict['{table}'].grid.wrapper[0]"
        # A select's default (a target's unit) does not make the row filled in.
        if not rows or any(rows[-1].get(k) for k in values if not k.endswith("_unit")):
            button = desk.wait_until(
                "return Array.from(cur_frm.fields_dict[arguments[0]].grid.wrapper[0].querySelectorAll('.grid-add-row'))"
                ".find(b => b.offsetParent !== null) || null", table, what=f"Add Row of {table}")
            desk.js("arguments[0].scrollIntoView({block: 'center'})", button)
            time.sleep(0.3)
            button.click()
            desk.wait_until(f"return (cur_frm.doc.{table} || []).length === {len(rows) + 1}", what=f"a new {table} row")
        opener = desk.js(grid + ".querySelectorAll('.grid-body .grid-row .btn-open-row')")[-1]
        desk.js("arguments[0].scrollIntoView({block: 'center'})", opener)
        time.sleep(0.3)
        desk.js("arguments[0].click()", opener)  # the pencil at the row's end
        form = ".grid-row-open .form-in-grid"  # the row's form, not the row's own inline inputs
        for fieldname, value in values.items():
            control = desk.wait_for_css(f"{form} .frappe-control[data-fieldname='{fieldname}'] input, "
                                        f"{form} .frappe-control[data-fieldname='{fieldname}'] select")
            if control.tag_name == "select":
                Select(control).select_by_value(value)
            else:
                type_until_kept(table, fieldname, value)
            time.sleep(0.3)
        desk.driver.find_element(By.CSS_SELECTOR, f".grid-row-open .grid-collapse-row").click()
        time.sleep(0.3)

    # Targets as a manager thinks of them (hours, working days); the policy keeps working minutes.
    fill_row("targets", {"first_response_amount": "1", "first_response_unit": "Hours",
                         "resolution_amount": "8", "resolution_unit": "Hours"})
    fill_row("business_hours", {"weekday": "Saturday", "start_time": "10:00:00", "end_time": "16:00:00"})
    holidays = desk.wait_until("return cur_frm.fields_dict.holidays_section.head[0]", what="the Holidays section")
    desk.js("arguments[0].scrollIntoView({block: 'center'})", holidays)
    holidays.click()  # a collapsed section: open it as a person would
    fill_row("holidays", {"holiday_date": "01-01-2027", "description": "New Year"})
    desk.save()
    desk.assert_clean()

    stored = admin.doc("SLA Policy", desk.js("return cur_frm.docname"))
    assert stored["policy_name"] == name
    assert [(h["weekday"], h["start_time"], h["end_time"]) for h in stored["business_hours"]] == [
        ("Saturday", "10:00:00", "16:00:00")]
    assert [h["holiday_date"] for h in stored["holidays"]] == ["2027-01-01"]
    assert [(t["first_response_minutes"], t["resolution_minutes"]) for t in stored["targets"]] == [(60, 480)]
