// Copyright (c) 2026, support_hub developers. License: MIT.

frappe.query_reports["Customer Satisfaction"] = {
	filters: [
		...support_hub.report_filters.date_range(),
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
		support_hub.report_filters.link("team", "Support Team", "Team"),
	],
};
