// Copyright (c) 2026, support_hub developers. License: MIT.

frappe.query_reports["Response Times"] = {
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
				{ value: "Team", label: __("Team") },
				{ value: "Agent", label: __("Agent") },
				{ value: "Ticket Type", label: __("Ticket Type") },
				{ value: "Priority", label: __("Priority") },
				{ value: "Channel", label: __("Channel") },
			],
			default: "Team",
			reqd: 1,
		},
		{
			fieldname: "team",
			label: __("Team"),
			fieldtype: "Link",
			options: "Support Team",
		},
		{
			fieldname: "ticket_type",
			label: __("Ticket Type"),
			fieldtype: "Link",
			options: "Ticket Type",
		},
	],
};
