// Copyright (c) 2026, support_hub developers. License: MIT.

frappe.ui.form.on("Routing Rule", {
	refresh(frm) {
		frm.fields_dict.test_result.$wrapper.empty();
		if (frm.is_new()) return;
		frm.add_custom_button(__("Test"), () => frm.trigger("run_test"));
	},
	run_test(frm) {
		if (frm.is_dirty()) {
			frappe.msgprint(__("Save the rule first: the test uses the saved keywords."));
			return;
		}
		frappe
			.call("support_hub.support_hub.doctype.routing_rule.routing_rule.test_rule", {
				rule: frm.doc.name,
				text: frm.doc.test_text || "",
			})
			.then(({ message }) => {
				const esc = frappe.utils.escape_html;
				// Each matched word with its reason: a form of the keyword, or a word of its family.
				const reasons = (message.words || []).map((line) => `<li>${esc(line)}</li>`).join("");
				const html = message.matched
					? `<div class="alert alert-success">${__("Matches")}: ${esc(message.why)}` +
						(reasons ? `<ul class="mb-0 mt-2">${reasons}</ul>` : "") +
						`</div>`
					: `<div class="alert alert-warning">${__("Does not match")}</div>`;
				frm.fields_dict.test_result.$wrapper.html(html);
			});
	},
});
