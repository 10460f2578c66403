"""The Claim list's indicator (claim_list.js, run in node with a stand-in desk): an undecided claim past its
deadline shows as Overdue, red, and its filter lists every such claim; a decided one keeps its status."""

import json
import shutil
import subprocess
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parent.parent / "apps/support_hub/support_hub/support_hub/doctype/claim/claim_list.js"
NOW = "2026-05-18 12:00:00"

HARNESS = """
global.__ = (text) => text;
global.frappe = { listview_settings: {}, datetime: { now_datetime: () => process.argv[3] } };
require(process.argv[2]);
const docs = JSON.parse(process.argv[1]);
console.log(JSON.stringify(docs.map((d) => frappe.listview_settings["Claim"].get_indicator(d))));
"""


def indicators(docs: list[dict]) -> list:
    result = subprocess.run(["node", "-e", HARNESS, json.dumps(docs), str(SCRIPT), NOW], capture_output=True,
                            text=True)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_undecided_claims_past_their_deadline_show_overdue():
    shown = indicators([
        {"status": "In Review", "deadline": "2026-05-18 11:59:00"},
        {"status": "New", "deadline": "2026-05-17 18:00:00"},
        {"status": "Waiting for Customer", "deadline": "2026-05-18 11:00:00"},
        {"status": "In Review", "deadline": "2026-05-18 12:30:00"},
        {"status": "Approved", "deadline": "2026-05-10 18:00:00"},
        {"status": "Closed", "deadline": "2026-05-10 18:00:00"},
    ])
    assert [s[:2] for s in shown] == [["Overdue", "red"]] * 3 + [["In Review", "orange"], ["Approved", "green"],
                                                               ["Closed", "gray"]]
    assert shown[0][2] == f"status,not in,Approved,Rejected,Compensated,Closed|deadline,<,{NOW}"
