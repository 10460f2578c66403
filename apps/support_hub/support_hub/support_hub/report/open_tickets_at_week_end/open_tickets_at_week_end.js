// Copyright (c) 2026, support_hub developers. License: MIT.

frappe.query_reports["Open Tickets at Week End"] = {
	filters: [
		{
			fieldname: "from_date",
			label: __("From Date"),
			fieldtype: "Date",
			reqd: 1,
			// the Monday seven weeks back: this week and the seven before it
			default: frappe.datetime.add_days(
				frappe.datetime.get_today(),
				-(((frappe.datetime.str_to_obj(frappe.datetime.get_today()).getDay() + 6) % 7) + 49)
			),
		},
		{
			fieldname: "to_date",
			label: __("To Date"),
			fieldtype: "Date",
			reqd: 1,
			default: frappe.datetime.get_today(),
		},
		{
			fieldname: "team",
			label: __("Team"),
			fieldtype: "Link",
			options: "Support Team",
		},
		{
			fieldname: "channel",
			label: __("Channel"),
			fieldtype: "Select",
			options: ["", "Email", "Telegram", "Web", "Phone", "Internal"],
		},
	],
};
