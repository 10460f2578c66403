// Copyright (c) 2026, support_hub developers. License: MIT.

frappe.query_reports["Response Times"] = {
	filters: [
		...support_hub.report_filters.date_range(),
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
		support_hub.report_filters.link("team", "Support Team", "Team"),
		support_hub.report_filters.link("ticket_type", "Ticket Type"),
	],
};
