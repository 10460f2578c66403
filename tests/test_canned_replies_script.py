"""The desk's canned-reply script (public/js/canned_replies.js), run in node with a stand-in desk: on a
Ticket the e-mail composer's Email Template field searches the ticket's team's templates and its Add Template
button fills one in through the server (other doctypes keep Frappe's own behaviour); the Canned Reply text
goes into the reply box where the cursor is."""

import json
import shutil
import subprocess
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parent.parent / "apps/support_hub/support_hub/public/js/canned_replies.js"

HARNESS = """
const calls = [];
const groups = [];
let frappe_template_setups = 0;
global.__ = (text) => text;
global.$ = (x) => x;
class Field {
    constructor(value) { this.value = value; this.df = {}; this.wrapper = {}; }
    get_value() { return this.value; }
    set_value(v) { this.value = v; }
}
global.frappe = {
    provide: (path) => path.split(".").reduce((o, k) => (o[k] = o[k] || {}), global),
    call: (options) => { calls.push(options); return Promise.resolve({ message: { subject: "S-42", message: "<p>Hi Anna</p>", text: "Hi Anna" } }); },
    utils: { add_select_group_button: (wrapper, actions) => groups.push(actions) },
    ui: { form: { on: () => {} } },
    views: {
        CommunicationComposer: class {
            constructor(opts) { Object.assign(this, opts); this.dialog = { fields_dict: {
                email_template: new Field("Refund"), content: new Field("old text"), subject: new Field(""),
                clear_and_add_template: new Field(null) } }; this.setup_email_template(); }
            setup_email_template() { frappe_template_setups += 1; }
        },
    },
};
require(process.argv[1]);
const ticket = new frappe.views.CommunicationComposer({ frm: { doctype: "Ticket", doc: { name: "TCK-00042" }, is_new: () => false } });
const other = new frappe.views.CommunicationComposer({ frm: { doctype: "Sales Order", doc: { name: "SO-1" }, is_new: () => false } });
const query = ticket.dialog.fields_dict.email_template.get_query();
groups[0][0].action();
// the reply box: text goes in at the cursor
const box = { value: "Hello. Bye.", selectionStart: 7, selectionEnd: 7, focus() {} };
const wrapper = { find: () => Object.assign([box], { length: 1 }) };
support_hub.canned_replies.fill({ doc: { name: "TCK-00042" }, get_field: () => ({ $wrapper: wrapper }) }, { text: "Hi Anna" });
setTimeout(() => console.log(JSON.stringify({
    query, calls, frappe_template_setups, other_query: other.dialog.fields_dict.email_template.get_query || null,
    content: ticket.dialog.fields_dict.content.value, subject: ticket.dialog.fields_dict.subject.value, box: box.value,
})), 0);
"""


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_the_ticket_composer_and_the_reply_box_use_the_servers_canned_replies():
    result = subprocess.run(["node", "-e", HARNESS, str(SCRIPT)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout)
    assert seen["query"] == {"query": "support_hub.api.canned_replies.template_query",
                             "filters": {"ticket": "TCK-00042"}}
    assert seen["calls"] == [{"method": "support_hub.api.canned_replies.render",
                              "args": {"ticket": "TCK-00042", "template": "Refund"}}]
    assert seen["content"] == "<p>Hi Anna</p><br>old text" and seen["subject"] == "S-42"
    assert seen["frappe_template_setups"] == 1  # only the Sales Order composer ran Frappe's own set-up
    assert seen["other_query"] is None
    assert seen["box"] == "Hello. Hi AnnaBye."  # at the cursor (after "Hello. ")
