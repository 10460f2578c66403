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
			// Preview writes nothing: who would get it now, and the message as the first of them would read it.
			frm.add_custom_button(__("Preview"), () => frm.events.show_preview(frm));
			// Send is the one click that plans the recipients as they are now and starts sending.
			frm.add_custom_button(__("Send"), () => frm.trigger("confirm_send")).addClass("btn-primary");
		}
	},

	show_preview(frm) {
		const method = "support_hub.support_hub.doctype.tag_broadcast.tag_broadcast.preview";
		return frappe.call({ method, args: { name: frm.doc.name } }).then(({ message }) => {
			const esc = frappe.utils.escape_html;
			const sample = message.sample
				? `<div class="sh-broadcast-sample border rounded p-3 mb-3">
					<div class="text-muted small">${__("Sample for {0} (ticket {1}, by {2})", [
						esc(message.sample.customer || message.sample.address || ""),
						esc(message.sample.ticket),
						esc(__(message.sample.channel)),
					])}</div>
					<div class="font-weight-bold my-2 sh-sample-subject">${esc(message.sample.subject)}</div>
					<div class="sh-sample-body">${message.sample.html}</div></div>`
				: `<p class="text-muted">${__("No customer has a ticket with this tag.")}</p>`;
			const rows = message.preview
				.map(
					(r) =>
						`<tr><td>${esc(r.customer || "")}</td><td>${esc(r.ticket)}</td><td>${esc(__(r.channel))}</td><td>${r.tickets}</td></tr>`
				)
				.join("");
			frm.fields_dict.recipients_preview.$wrapper.html(
				`${sample}<p>${__("{0} customers will get one message each; {1} tickets skipped.", [
					message.total,
					message.skipped,
				])}</p>
				<table class="table table-sm"><thead><tr><th>${__("Customer")}</th><th>${__("Ticket")}</th>
				<th>${__("Channel")}</th><th>${__("Tagged Tickets")}</th></tr></thead><tbody>${rows}</tbody></table>`
			);
			frm._broadcast_preview = message;
			return message;
		});
	},

	confirm_send(frm) {
		if (frm.is_dirty()) {
			frappe.msgprint(__("Save the broadcast first."));
			return;
		}
		frm.events.show_preview(frm).then(() => {
			const total = (frm._broadcast_preview || {}).total || 0;
			if (!total) return;
			frappe.confirm(__("Send to {0} customers now?", [total]), () =>
				frappe
					.call({
						method: "support_hub.support_hub.doctype.tag_broadcast.tag_broadcast.send",
						args: { name: frm.doc.name },
					})
					.then(() => frm.reload_doc())
			);
		});
	},
});
