// Copyright (c) 2026, support_hub developers. License: MIT.

frappe.query_reports["SLA Compliance"] = {
	filters: [
		...support_hub.report_filters.date_range(),
		{
			fieldname: "group_by",
			label: __("Group By"),
			fieldtype: "Select",
			options: [
				{ value: "Week", label: __("Week") },
				{ value: "Team", label: __("Team") },
				{ value: "Agent", label: __("Agent") },
				{ value: "Ticket Type", label: __("Ticket Type") },
			],
			default: "Week",
			reqd: 1,
		},
		support_hub.report_filters.link("team", "Support Team", "Team"),
		support_hub.report_filters.link("ticket_type", "Ticket Type"),
	],
};
