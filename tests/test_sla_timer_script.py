"""The Ticket form's SLA timer script, run in node with a stand-in desk: it asks the server's working-time
summary (the method tests/http/test_sla_timer.py calls as an agent) and shows that figure, never a
wall-clock difference of its own."""

import json
import shutil
import subprocess
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parent.parent / "apps/support_hub/support_hub/public/js/sla_timer.js"

# A minimal desk: frappe.call answers with the given summary; the headline is captured.
HARNESS = """
const summary = JSON.parse(process.argv[1]);
const calls = [];
const shown = [];
global.__ = (text, args) => (args || []).reduce((out, value, i) => out.replace(`{${i}}`, value), text);
global.frappe = {
    provide: (path) => path.split(".").reduce((o, k) => (o[k] = o[k] || {}), global),
    call: (options) => { calls.push(options); return Promise.resolve({ message: summary }); },
    utils: { escape_html: (s) => String(s) },
    datetime: { str_to_user: (s) => s },
};
global.setInterval = () => 1;
global.clearInterval = () => {};
require(process.argv[2]);
const frm = {
    doc: { name: "TCK-00001", sla_status: summary.status, first_response_due: "2030-01-01 10:00:00" },
    is_new: () => false,
    dashboard: { set_headline_alert: (html) => shown.push(html), clear_headline: () => shown.push("") },
};
support_hub.sla.show_on_form(frm);
setTimeout(() => console.log(JSON.stringify({ calls, shown })), 0);
"""


def form_shows(summary: dict) -> tuple[list, str]:
    result = subprocess.run(["node", "-e", HARNESS, json.dumps(summary), str(SCRIPT)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    return out["calls"], out["shown"][-1]


pytestmark = pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")


def test_the_form_shows_the_working_time_the_server_reads():
    calls, html = form_shows({"status": "On Track", "target": "First Response", "due": "2030-01-01 10:00:00",
                              "working_minutes_left": 75, "paused": False})
    assert [(c["method"], c["args"]) for c in calls] == [("support_hub.api.ticket.sla_summary", {"ticket": "TCK-00001"})]
    assert "On Track · 1h 15m of working time left" in html
    assert "First Response due 2030-01-01 10:00:00" in html


def test_paused_says_so_and_breached_says_by_how_much():
    _calls, html = form_shows({"status": "Paused", "target": "Resolution", "due": "2030-01-01 10:00:00",
                               "working_minutes_left": 600, "paused": True})
    assert "Paused · 10h 0m of working time left, not counting" in html
    _calls, html = form_shows({"status": "Breached", "target": "First Response", "due": "2030-01-01 10:00:00",
                               "working_minutes_left": -42.4, "paused": False})
    assert "Breached · 42m of working time overdue" in html and "red" in html
    _calls, html = form_shows({"status": "Met", "paused": False})
    assert "Met" in html and "working time" not in html
