// Copyright (c) 2026, support_hub developers. License: MIT.

frappe.ui.form.on("Ticket", {
	setup(frm) {
		// "New Email" and replies address the customer who raised the ticket.
		frm.email_field = "raised_by";
		// The Order field offers the ticket customer's recent orders (newest first, cancelled ones last).
		frm.set_query("order", () => ({
			query: "support_hub.crm.orders.order_query",
			filters: { customer: frm.doc.customer || "" },
		}));
	},

	onload(frm) {
		const order_doctype = frappe.boot.support_hub && frappe.boot.support_hub.order_doctype;
		if (order_doctype && frm.doc.order_doctype !== order_doctype && !frm.doc.order) {
			frm.doc.order_doctype = order_doctype; // set quietly: the form stays unchanged
		}
	},

	refresh(frm) {
		support_hub.sla.show_on_form(frm);
		// Without ERPNext (or another customer doctype) the contact is the customer.
		const has_customer = !!(frappe.boot.support_hub && frappe.boot.support_hub.has_customer);
		frm.toggle_display(["customer_type", "customer"], has_customer);
		frm.toggle_display("order", !!(frappe.boot.support_hub && frappe.boot.support_hub.order_doctype));
		if (!frm.is_new()) {
			// The conversation first (the reply box answers by Telegram or e-mail), the customer beside it.
			support_hub.conversation.render(frm);
			frm.trigger("render_customer_history");
		}
		if (!frm.is_new() && frappe.model.can_create("Claim")) {
			frm.add_custom_button(__("Create Claim"), () => frm.trigger("create_claim"), __("Create"));
		}
	},

	create_claim(frm) {
		const open_claim = (order) =>
			frappe.model.open_mapped_doc({
				method: "support_hub.claims.ticket_link.make_claim",
				frm,
				args: order ? { order } : null,
			});
		frappe.xcall("support_hub.claims.ticket_link.order_choices", { ticket: frm.doc.name }).then(({ orders }) => {
			if (!orders || !orders.length) {
				open_claim(null);
				return;
			}
			frappe.prompt(
				{
					fieldname: "order",
					fieldtype: "Select",
					label: __("Order"),
					options: ["", ...orders],
					description: __("Leave empty if the claim is not about one of these orders"),
				},
				(values) => open_claim(values.order),
				__("Create Claim"),
				__("Create")
			);
		});
	},

	render_customer_history(frm) {
		const wrapper = frm.get_field("customer_history").$wrapper;
		frappe
			.call("support_hub.api.ticket.customer_panel", { ticket: frm.doc.name })
			.then(({ message }) => {
				wrapper.html(support_hub.customer_panel.render(message || {}));
				support_hub.order_detail.bind(wrapper);
			});
	},
});
