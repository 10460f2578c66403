// Copyright (c) 2026, support_hub developers. License: MIT.

frappe.ui.form.on("Claim", {
	onload(frm) {
		// Which doctype "Order" links to comes from Support Hub Settings; none: a plain order number.
		if (frm.is_new() && !frm.doc.order_doctype && !frm.doc.order_reference) {
			frappe.xcall("support_hub.claims.ticket_link.claim_order_doctype").then((doctype) => {
				if (doctype) frm.set_value("order_doctype", doctype);
			});
		}
	},

	refresh(frm) {
		// Without ERPNext (or another customer doctype) the contact is the customer, as on the Ticket.
		const has_customer = !!(frappe.boot.support_hub && frappe.boot.support_hub.has_customer);
		frm.toggle_display(["customer_type", "customer"], has_customer || !!frm.doc.customer);
		frm.set_query("responsible", () => ({ filters: { enabled: 1, user_type: "System User" } }));
		const may_decide = frm.perm[1] && frm.perm[1].write;
		if (frm.is_new() || !may_decide || frm.doc.status === "Closed") return;
		frm.add_custom_button(__("Postpone"), () => frm.events.postpone(frm), __("Actions"));
		frm.add_custom_button(__("Reassign"), () => frm.events.reassign(frm), __("Actions"));
	},

	postpone(frm) {
		frappe.prompt(
			{
				fieldname: "postponed_until",
				fieldtype: "Datetime",
				label: __("Postponed Until"),
				reqd: 1,
				default: frm.doc.postponed_until,
				description: __("No reminders until then"),
			},
			(values) => {
				frm.set_value("postponed_until", values.postponed_until);
				frm.save();
			},
			__("Postpone Claim"),
			__("Postpone")
		);
	},

	reassign(frm) {
		frappe.prompt(
			{
				fieldname: "responsible",
				fieldtype: "Link",
				options: "User",
				label: __("Responsible"),
				reqd: 1,
				default: frm.doc.responsible,
				get_query: () => ({ filters: { enabled: 1, user_type: "System User" } }),
			},
			(values) => {
				frm.set_value("responsible", values.responsible);
				frm.save();
			},
			__("Reassign Claim"),
			__("Reassign")
		);
	},
});
