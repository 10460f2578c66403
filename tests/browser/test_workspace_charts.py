"""The Support workspace's charts are readable at 1440×900 (no axis label or legend cut to "..."), and
Tag Trends opens with data under its default filters (tags are on tickets of this site)."""

from __future__ import annotations

import time
import uuid

LABELS = """
return Array.from(document.querySelectorAll('.widget.dashboard-widget-box svg text'))
  .map(t => (t.textContent || '').trim()).filter(Boolean);
"""


def test_charts_readable_and_tag_trends_has_data(site, admin, desk):
    manager, _ = site.new_user("Support Manager", prefix="desk-charts")
    ticket = admin.insert("Ticket", subject=f"Dark mode please {uuid.uuid4().hex[:6]}", channel="Internal",
                          raised_by=f"charts-{uuid.uuid4().hex[:6]}@customer.example")["name"]
    admin.call("frappe.desk.doctype.tag.tag.add_tag", tag=f"feature-{uuid.uuid4().hex[:6]}", dt="Ticket", dn=ticket)
    desk.login(manager)
    desk.open("support")
    desk.wait_until("return Array.from(document.querySelectorAll('.widget.dashboard-widget-box'))"
                    ".filter(w => w.querySelector('svg text')).length >= 4",
                    what="the four charts", timeout=60)
    for chart in desk.js("return Array.from(document.querySelectorAll('.widget.dashboard-widget-box'))"):
        desk.js("arguments[0].scrollIntoView({block: 'center'})", chart)
        time.sleep(0.3)
    labels = desk.js(LABELS)
    print("chart labels:", labels)
    assert labels, "the charts have labels"
    cut = [t for t in labels if t.endswith("...") or t.endswith("…")]
    assert not cut, cut
    desk.assert_clean()

    desk.open("query-report/Tag Trends")
    desk.wait_until("return window.frappe.query_report && frappe.query_report.data && frappe.query_report.data.length > 0"
                    " && (frappe.query_report.columns || []).length > 1",
                    what="Tag Trends with data under its default filters", timeout=60)
    desk.assert_clean()
