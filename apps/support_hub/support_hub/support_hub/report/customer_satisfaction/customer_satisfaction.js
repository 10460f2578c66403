// Copyright (c) 2026, support_hub developers. License: MIT.

frappe.query_reports["Customer Satisfaction"] = {
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
			fieldname: "group_by",
			label: __("Group By"),
			fieldtype: "Select",
			options: [
				{ value: "Agent", label: __("Agent") },
				{ value: "Team", label: __("Team") },
				{ value: "Week", label: __("Week") },
			],
			default: "Agent",
			reqd: 1,
		},
		{
			fieldname: "team",
			label: __("Team"),
			fieldtype: "Link",
			options: "Support Team",
		},
	],
};
