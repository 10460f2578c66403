// Copyright (c) 2026, support_hub developers. License: MIT.

frappe.query_reports["Tag Trends"] = {
	filters: [
		...support_hub.report_filters.date_range(),
		{
			fieldname: "view",
			label: __("View"),
			fieldtype: "Select",
			options: [
				{ value: "Over Time", label: __("Over Time") },
				{ value: "Per Tag", label: __("Per Tag") },
			],
			default: "Over Time",
			reqd: 1,
		},
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
			depends_on: "eval:doc.view != 'Per Tag'",
		},
		{
			fieldname: "tags",
			label: __("Tags"),
			fieldtype: "MultiSelectList",
			get_data: function (txt) {
				return frappe.db.get_link_options("Tag", txt);
			},
		},
		{
			fieldname: "tag_prefix",
			label: __("Tag Prefix"),
			fieldtype: "Data",
			default: "wish",
			description: __("Used when no tags are picked: every tag starting with it"),
		},
		support_hub.report_filters.link("team", "Support Team", "Team"),
	],
};
