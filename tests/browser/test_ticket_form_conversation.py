"""The Ticket form, conversation first, as an agent sees it at 1440×900: the customer's messages,
replies and internal notes come first with a reply box that answers on the ticket's channel; the
description is the first message and no longer an editable field; type, topic, priority, team and
SLA sit in a compact header; the customer panel is in sight without scrolling; no section is left
half empty. The agent then answers by e-mail and adds an internal note from the reply box, and both
are read back as Administrator (the e-mail from the mail sink).

With SUPPORT_HUB_DOCS_SCREENSHOTS=1 the screenshots go to docs/ for the README (ticket-form.png,
ticket-form-ru.png, queue.png); otherwise to the screenshots folder."""

from __future__ import annotations

import json
import os
import time
import uuid
from pathlib import Path

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from desk import SCREENSHOTS, Desk
from served import body_text
from test_desk_flows import click_text, new_ticket

DOCS = Path(__file__).resolve().parents[2] / "docs"


def picture(desk, name: str) -> None:
    folder = DOCS if os.environ.get("SUPPORT_HUB_DOCS_SCREENSHOTS") == "1" else SCREENSHOTS
    folder.mkdir(parents=True, exist_ok=True)
    desk.js("window.scrollTo(0, 0)")
    time.sleep(0.5)
    desk.driver.save_screenshot(str(folder / name))


@pytest.fixture(scope="module")
def conversation_world(site, admin):
    tag = uuid.uuid4().hex[:6]
    agent, _ = site.new_user("Support Agent", prefix="desk-conv")
    email = f"anna-{tag}@shop.example"
    contact = admin.insert("Contact", first_name="Anna", last_name=f"Petrova {tag}", email_ids=[
        {"email_id": email, "is_primary": 1}], phone_nos=[{"phone": "+7 912 345-67-89", "is_primary_phone": 1}])["name"]
    earlier = new_ticket(admin, subject="Wrong size of the winter boots", raised_by=email, contact=contact,
                         description="I ordered size 38 and got 40.")
    ticket = new_ticket(admin, assign_to=agent, raised_by=email, contact=contact,
                        subject="The parcel arrived damaged",
                        description="<p>Hello! The box came crushed and two jars of honey are broken. "
                                    "Order 4512. Can you send new ones?</p>")
    for subject in ("Courier did not call before delivery", "Invoice for order 4498 is missing"):
        new_ticket(admin, assign_to=agent, subject=subject)  # the rest of the agent's queue
    # A note, as the conversation would have it.
    response = admin.call("support_hub.api.ticket.reply", ticket=ticket, note=1,
                          message="Checked with the warehouse: the courier dropped the box.")
    assert response.status_code == 200, response.text[:500]
    return {"agent": agent, "ticket": ticket, "earlier": earlier, "email": email, "contact": contact}


LAYOUT = """
const rect = (el) => { const r = el.getBoundingClientRect(); return {top: r.top, bottom: r.bottom, left: r.left,
                                                                     right: r.right, height: r.height}; };
const field = (name) => { const f = cur_frm.fields_dict[name]; return f && f.wrapper ? rect(f.wrapper) : null; };
const out = {};
for (const name of ['subject', 'status', 'priority', 'ticket_type', 'topic', 'team', 'sla_policy', 'channel',
                    'conversation', 'customer_history', 'contact', 'raised_by', 'description'])
  out[name] = field(name);
out.first_message = rect(document.querySelector('.sh-thread .sh-msg'));
out.first_text = document.querySelector('.sh-thread .sh-msg').innerText;
out.reply_box = rect(document.querySelector('.sh-reply-text'));
out.panel_card = rect(cur_frm.fields_dict.customer_history.wrapper.querySelector('a.h5'));
out.panel_text = cur_frm.fields_dict.customer_history.wrapper.innerText;
out.description_visible = !!(cur_frm.fields_dict.description.wrapper.offsetParent);
out.description_editable = cur_frm.get_field('description').disp_status === 'Write';
// A section on screen whose column shows nothing is half empty.
out.half_empty = [];
for (const section of cur_frm.layout.sections) {
  const el = section.wrapper && section.wrapper[0];
  if (!el || el.offsetParent === null || el.classList.contains('hide-control')) continue;
  const body = el.querySelector('.section-body');
  if (!body || body.offsetParent === null) continue;  // folded: nothing shown
  for (const column of body.querySelectorAll(':scope > .form-column')) {
    const shown = Array.from(column.querySelectorAll('.frappe-control')).filter(c => c.offsetParent !== null && c.getBoundingClientRect().height > 0);
    if (!shown.length) out.half_empty.push(section.df ? (section.df.fieldname || section.df.label) : '?');
  }
}
out.viewport = {width: window.innerWidth, height: window.innerHeight};
return out;
"""


def wait_for_conversation(desk, ticket: str) -> None:
    desk.wait_until("return window.cur_frm && cur_frm.docname === arguments[0] && "
                    "!!document.querySelector('.sh-thread .sh-msg') && "
                    "!!cur_frm.fields_dict.customer_history.wrapper.querySelector('a.h5')", ticket,
                    what="the conversation and the customer panel")
    time.sleep(0.5)


def test_the_conversation_comes_first_and_the_customer_is_in_sight(site, admin, desk, conversation_world):
    world = conversation_world
    desk.login(world["agent"])
    desk.open(f"ticket/{world['ticket']}")
    wait_for_conversation(desk, world["ticket"])
    desk.assert_clean()
    layout = desk.js(LAYOUT)
    print("layout at", layout["viewport"], json.dumps({k: v for k, v in layout.items() if isinstance(v, dict)}))
    assert layout["viewport"]["height"] <= 900
    # The description is the conversation's first message, not an editable field.
    assert "two jars of honey" in layout["first_text"], layout["first_text"]
    assert not layout["description_visible"] and not layout["description_editable"]
    # Data fields in a compact header above the conversation, at most three rows of fields deep.
    header = [layout[f] for f in ("priority", "ticket_type", "topic", "team", "sla_policy", "status")]
    assert all(h and h["height"] > 0 for h in header), header
    assert max(h["bottom"] for h in header) <= layout["conversation"]["top"] + 1
    assert max(h["bottom"] for h in header) - min(h["top"] for h in header) < 220, header
    # Conversation and reply box first, in sight without scrolling.
    assert layout["first_message"]["top"] < 450, layout["first_message"]
    assert layout["reply_box"]["bottom"] <= 900, layout["reply_box"]
    # The customer panel beside it, in sight without scrolling.
    assert layout["customer_history"]["left"] > layout["conversation"]["right"] - 1
    assert layout["panel_card"]["bottom"] < 900, layout["panel_card"]
    assert "Anna" in layout["panel_text"] and world["earlier"] in layout["panel_text"], layout["panel_text"]
    assert layout["half_empty"] == [], layout["half_empty"]
    picture(desk, "ticket-form.png")


def test_agent_answers_by_email_and_adds_a_note_from_the_reply_box(site, admin, desk, conversation_world):
    world = conversation_world
    desk.login(world["agent"])
    desk.open(f"ticket/{world['ticket']}")
    wait_for_conversation(desk, world["ticket"])
    modes = desk.js("return Array.from(document.querySelectorAll('.sh-reply-mode option')).map(o => o.value + '|' + o.innerText)")
    assert modes == ["reply|Reply by e-mail", "note|Internal note"], modes

    answer = f"We are sending two new jars today {uuid.uuid4().hex[:6]}"
    box = desk.driver.find_element(By.CSS_SELECTOR, ".sh-reply-text")
    box.click()
    box.send_keys(answer)
    click_text(desk, "Send")
    desk.wait_until("return Array.from(document.querySelectorAll('.sh-thread .sh-msg.out')).some(m => m.innerText.includes(arguments[0]))",
                    answer, what="the reply in the conversation")
    desk.settle()
    desk.assert_clean()

    note = f"Refund the courier fee too {uuid.uuid4().hex[:6]}"
    Select(desk.driver.find_element(By.CSS_SELECTOR, ".sh-reply-mode")).select_by_value("note")
    box = desk.driver.find_element(By.CSS_SELECTOR, ".sh-reply-text")
    box.click()
    box.send_keys(note)
    click_text(desk, "Send")
    desk.wait_until("return Array.from(document.querySelectorAll('.sh-thread .sh-msg.note')).some(m => m.innerText.includes(arguments[0]))",
                    note, what="the note in the conversation")
    desk.settle()
    desk.assert_clean()
    kinds = desk.js("return Array.from(document.querySelectorAll('.sh-thread .sh-msg')).map(m => m.dataset.direction)")
    assert kinds[0] == "in" and kinds[-2:] == ["out", "note"], kinds  # oldest first, the description leading

    sent = admin.rows("Communication", {"reference_doctype": "Ticket", "reference_name": world["ticket"],
                                        "sent_or_received": "Sent", "communication_type": "Communication"},
                      fields=["content", "sender", "recipients"])
    assert any(answer in (c["content"] or "") and world["email"] in (c["recipients"] or "") for c in sent), sent
    notes = admin.rows("Comment", {"reference_doctype": "Ticket", "reference_name": world["ticket"],
                                   "comment_type": "Comment"}, fields=["content", "comment_email"])
    assert any(note in n["content"] and n["comment_email"] == world["agent"] for n in notes), notes
    site.flush_mail()
    assert site.wait_for(lambda: [m for m in site.mails_to(world["email"]) if answer in body_text(m)], timeout=30,
                         what="the reply in the mail sink")
    stored = admin.doc("Ticket", world["ticket"])
    assert stored["first_responded_on"], "the e-mail reply is the first response"


def test_the_form_in_russian_and_a_queue(site, admin, conversation_world):
    world = conversation_world
    response = admin.update("User", world["agent"], language="ru")
    assert response.status_code == 200, response.text[:300]
    desk = Desk.start(site, lang="ru")
    try:
        desk.login(world["agent"])
        desk.open(f"ticket/{world['ticket']}")
        wait_for_conversation(desk, world["ticket"])
        desk.assert_clean()
        layout = desk.js(LAYOUT)
        assert layout["half_empty"] == [] and layout["panel_card"]["bottom"] < 900, layout
        head = desk.js("return document.querySelector('.sh-reply-mode').innerText")
        assert "Внутренняя заметка" in head, head
        picture(desk, "ticket-form-ru.png")
    finally:
        desk.quit()
        admin.update("User", world["agent"], language="en")
    desk = Desk.start(site)
    try:
        desk.login(world["agent"])
        desk.open("support")
        click_text(desk, "My Tickets")
        desk.settle()
        desk.wait_until("return !!document.querySelector(`a[data-name='${arguments[0]}']`)", world["ticket"],
                        what="the ticket in My Tickets")
        desk.assert_clean()
        picture(desk, "queue.png")
    finally:
        desk.quit()
