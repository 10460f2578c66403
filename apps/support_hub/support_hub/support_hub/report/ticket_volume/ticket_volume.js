// Copyright (c) 2026, support_hub developers. License: MIT.

frappe.query_reports["Ticket Volume"] = {
	filters: [
		...support_hub.report_filters.date_range(),
		{
			fieldname: "period",
			label: __("Period"),
			fieldtype: "Select",
			options: [
				{ value: "Week", label: __("Week") },
				{ value: "Day", label: __("Day") },
			],
			default: "Week",
			reqd: 1,
		},
		{
			fieldname: "group_by",
			label: __("Group By"),
			fieldtype: "Select",
			options: [
				{ value: "", label: "" },
				{ value: "Channel", label: __("Channel") },
				{ value: "Topic", label: __("Topic") },
				{ value: "Team", label: __("Team") },
				{ value: "Ticket Type", label: __("Ticket Type") },
			],
		},
		support_hub.report_filters.link("team", "Support Team", "Team"),
		{
			fieldname: "channel",
			label: __("Channel"),
			fieldtype: "Select",
			options: ["", "Email", "Telegram", "Web", "Phone", "Internal"],
		},
	],
};
