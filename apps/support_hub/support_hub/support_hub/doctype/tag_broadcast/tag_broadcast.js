// Copyright (c) 2026, support_hub developers. License: MIT.

frappe.ui.form.on("Tag Broadcast", {
	setup(frm) {
		frappe.realtime.on("support_hub_broadcast_progress", (data) => {
			if (data.broadcast !== frm.doc.name) return;
			frm.dashboard.show_progress(__("Sending"), (100 * data.sent) / Math.max(data.total, 1),
				__("{0} of {1} customers", [data.sent, data.total]));
			if (data.sent >= data.total) frm.reload_doc();
		});
	},
	refresh(frm) {
		if (frm.is_new()) return;
		const total = frm.doc.total_recipients || 0;
		if (frm.doc.status === "Sending" || frm.doc.status === "Done") {
			const done = (frm.doc.sent_count || 0) + (frm.doc.failed_count || 0);
			frm.dashboard.show_progress(__("Sending"), (100 * done) / Math.max(total, 1),
				__("{0} of {1} customers", [done, total]));
		}
		if (["Draft", "Planned"].includes(frm.doc.status)) {
			frm.add_custom_button(__("Preview Recipients"), () => {
				frm.call({ method: "support_hub.support_hub.doctype.tag_broadcast.tag_broadcast.plan",
					args: { name: frm.doc.name } }).then(({ message }) => {
					const esc = frappe.utils.escape_html;
					const rows = message.preview.map((r) =>
						`<tr><td>${esc(r.customer || "")}</td><td>${esc(r.ticket)}</td><td>${esc(r.channel)}</td><td>${r.tickets}</td></tr>`
					).join("");
					frm.fields_dict.recipients_preview.$wrapper.html(
						`<p>${__("{0} customers will get one message each; {1} tickets skipped.", [message.total, message.skipped])}</p>
						<table class="table table-sm"><thead><tr><th>${__("Customer")}</th><th>${__("Ticket")}</th>
						<th>${__("Channel")}</th><th>${__("Tagged Tickets")}</th></tr></thead><tbody>${rows}</tbody></table>`);
					frm.reload_doc();
				});
			});
		}
		if (frm.doc.status === "Planned" && total) {
			frm.add_custom_button(__("Send"), () => {
				frappe.confirm(__("Send to {0} customers now?", [total]), () =>
					frm.call({ method: "support_hub.support_hub.doctype.tag_broadcast.tag_broadcast.send",
						args: { name: frm.doc.name } }).then(() => frm.reload_doc()));
			}).addClass("btn-primary");
		}
	},
});
