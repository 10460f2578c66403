// Copyright (c) 2026, support_hub developers. License: MIT.

frappe.ui.form.on("SLA Policy", {
	setup(frm) {
		frappe.call("frappe.core.doctype.user.user.get_timezones").then(({ message }) => {
			frm.set_df_property("time_zone", "options", message.timezones);
		});
	},
	onload(frm) {
		// A new policy starts in the system's time zone; the manager changes it for a desk elsewhere.
		if (frm.is_new() && !frm.doc.time_zone && frappe.boot.time_zone) {
			frm.set_value("time_zone", frappe.boot.time_zone.system);
		}
	},
	refresh(frm) {
		if (!frm.is_new() && frappe.boot.support_hub && frappe.boot.support_hub.has_holiday_list) {
			frm.add_custom_button(__("Import Holiday List"), () => {
				frappe.prompt(
					[{ fieldname: "holiday_list", fieldtype: "Link", options: "Holiday List", reqd: 1, label: __("Holiday List") }],
					({ holiday_list }) =>
						frappe
							.call("support_hub.support_hub.doctype.sla_policy.sla_policy.import_holiday_list", {
								policy: frm.doc.name,
								holiday_list,
							})
							.then(() => frm.reload_doc()),
					__("Import Holiday List")
				);
			});
		}
	},
});
