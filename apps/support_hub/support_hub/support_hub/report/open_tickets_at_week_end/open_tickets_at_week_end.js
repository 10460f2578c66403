// Copyright (c) 2026, support_hub developers. License: MIT.

frappe.query_reports["Open Tickets at Week End"] = {
	filters: [
		...support_hub.report_filters.date_range(),
		support_hub.report_filters.link("team", "Support Team", "Team"),
		{
			fieldname: "channel",
			label: __("Channel"),
			fieldtype: "Select",
			options: ["", "Email", "Telegram", "Web", "Phone", "Internal"],
		},
	],
};
