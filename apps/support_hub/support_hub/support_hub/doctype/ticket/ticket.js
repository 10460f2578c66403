// Copyright (c) 2026, support_hub developers. License: MIT.

frappe.ui.form.on("Ticket", {
	refresh(frm) {
		support_hub.sla.show_on_form(frm);
		// Without ERPNext (or another customer doctype) the contact is the customer.
		const has_customer = !!(frappe.boot.support_hub && frappe.boot.support_hub.has_customer);
		frm.toggle_display(["customer_type", "customer"], has_customer);
		if (!frm.is_new()) {
			frm.trigger("render_customer_history");
		}
	},

	render_customer_history(frm) {
		const wrapper = frm.get_field("customer_history").$wrapper;
		frappe
			.call("support_hub.api.ticket.customer_history", { ticket: frm.doc.name })
			.then(({ message: rows }) => {
				if (!rows || !rows.length) {
					wrapper.html(`<p class="text-muted">${__("No earlier tickets.")}</p>`);
					return;
				}
				const esc = frappe.utils.escape_html;
				const body = rows
					.map(
						(r) => `<tr>
							<td><a href="/app/ticket/${encodeURIComponent(r.name)}">${esc(r.name)}</a></td>
							<td>${esc(r.subject || "")}</td>
							<td>${esc(__(r.status))}</td>
							<td>${r.sla_status ? support_hub.sla.timer_html(r) : ""}</td>
							<td>${esc(frappe.datetime.str_to_user(r.opened_on) || "")}</td>
						</tr>`
					)
					.join("");
				wrapper.html(`<table class="table table-sm table-hover">
					<thead><tr><th>${__("Ticket")}</th><th>${__("Subject")}</th><th>${__("Status")}</th>
					<th>${__("SLA")}</th><th>${__("Opened On")}</th></tr></thead><tbody>${body}</tbody></table>`);
			});
	},
});

frappe.ui.form.on("Ticket", {
	refresh(frm) {
		if (frm.is_new() || frm.doc.channel !== "Telegram" || !frm.doc.telegram_chat_id) return;
		frm.add_custom_button(__("Reply in Telegram"), () => {
			frappe.prompt(
				[{ fieldname: "message", fieldtype: "Small Text", label: __("Reply"), reqd: 1 }],
				({ message }) =>
					frappe
						.call("support_hub.api.telegram.reply", { ticket: frm.doc.name, message })
						.then(() => {
							frappe.show_alert({ message: __("Sent to the customer in Telegram"), indicator: "green" });
							frm.reload_doc();
						}),
				__("Reply in Telegram")
			);
		});
	},
});
