"""A Support Manager previews a Tag Broadcast in the desk: the rendered sample for one real recipient
appears and the status stays Draft; Send is one click confirmed once, and the broadcast goes out."""

from __future__ import annotations

import uuid

from selenium.webdriver.common.by import By

from test_desk_flows import click_text
from test_tag_broadcast_preview_api import tagged_world


def test_manager_previews_then_sends_a_broadcast(site, admin, desk):
    manager, _ = site.new_user("Support Manager", prefix="desk-broadcast")
    tag = f"recall-{uuid.uuid4().hex[:6]}"
    tagged_world(admin, tag, customers=1)
    name = admin.insert("Tag Broadcast", tag=tag, channel_mode="Email", subject="About {{ doc.name }}",
                        template="Your ticket {{ doc.name }} is part of the honey recall.")["name"]
    desk.login(manager)
    desk.open(f"tag-broadcast/{name}")
    desk.wait_until("return window.cur_frm && cur_frm.docname === arguments[0]", name, what="the broadcast form")
    click_text(desk, "Preview")
    desk.settle()
    desk.wait_until("return !!document.querySelector('.sh-broadcast-sample .sh-sample-body')", what="the sample")
    body = desk.js("return document.querySelector('.sh-broadcast-sample').innerText")
    assert "is part of the honey recall" in body and "TCK-" in body, body
    desk.assert_clean()
    assert desk.js("return cur_frm.doc.status") == "Draft"
    assert admin.doc("Tag Broadcast", name)["status"] == "Draft"

    click_text(desk, "Send")
    desk.wait_for_css(".modal.show .btn-primary")
    desk.driver.find_element(By.CSS_SELECTOR, ".modal.show .btn-primary").click()  # "Send to 1 customers now?"
    desk.settle()
    desk.assert_clean()
    site.wait_for(lambda: admin.doc("Tag Broadcast", name)["status"] == "Done", timeout=90, what="the broadcast done")
    assert admin.doc("Tag Broadcast", name)["sent_count"] == 1
