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
		if (frm.doc.order_link && frm.perm[0] && frm.perm[0].write) {
			frm.add_custom_button(__("Pick Order Lines"), () => frm.events.pick_order_lines(frm));
		}
		const may_decide = frm.perm[1] && frm.perm[1].write;
		if (!frm.is_new() && may_decide && frm.fields_dict.credit_note && ["Approved", "Compensated"].includes(frm.doc.status)) {
			frm.add_custom_button(__("Create ERP Documents"), () =>
				frappe
					.xcall("support_hub.claims.erp_documents.create_documents", { claim: frm.doc.name })
					.then(() => frm.reload_doc())
			, __("Actions"));
		}
		if (frm.is_new() || !may_decide || frm.doc.status === "Closed") return;
		frm.add_custom_button(__("Postpone"), () => frm.events.postpone(frm), __("Actions"));
		frm.add_custom_button(__("Reassign"), () => frm.events.reassign(frm), __("Actions"));
	},

	pick_order_lines(frm) {
		// The order's lines with what is left to claim; rates and sums are the server's, from the order.
		frappe
			.xcall("support_hub.claims.order_lines.lines_to_claim", {
				order: frm.doc.order_link,
				claim: frm.is_new() ? null : frm.doc.name,
			})
			.then((r) => {
				if (!r.lines || !r.lines.length) return;
				const chosen = {};
				(frm.doc.items || []).forEach((row) => {
					if (row.order_item) chosen[row.order_item] = row;
				});
				const fields = [];
				r.lines.forEach((line) => {
					const key = line.order_item;
					const label = `${line.item_name} · ${line.rate_formatted}`;
					fields.push(
						{ fieldtype: "Section Break", label: label, collapsible: 0 },
						{
							fieldname: `qty_${key}`,
							fieldtype: "Float",
							label: __("Quantity (of {0} left to claim)", [line.open_qty]),
							default: chosen[key] ? chosen[key].quantity : 0,
						},
						{ fieldtype: "Column Break" },
						{
							fieldname: `category_${key}`,
							fieldtype: "Select",
							label: __("What Happened"),
							options: [""].concat(r.categories).map((c) => ({ value: c, label: c ? __(c) : "" })),
							default: chosen[key] ? chosen[key].category : "",
						}
					);
				});
				const dialog = new frappe.ui.Dialog({
					title: __("Pick Order Lines"),
					fields: fields,
					primary_action_label: __("Use These Lines"),
					primary_action(values) {
						frm.clear_table("items");
						r.lines.forEach((line) => {
							const qty = values[`qty_${line.order_item}`];
							if (!qty) return;
							frm.add_child("items", {
								order_item: line.order_item,
								item: line.item_code || line.item_name,
								quantity: qty,
								category: values[`category_${line.order_item}`],
								rate: line.rate,
								amount: qty * line.rate,
							});
						});
						frm.refresh_field("items");
						dialog.hide();
					},
				});
				dialog.show();
			});
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
