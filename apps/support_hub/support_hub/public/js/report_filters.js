// Filters the support reports share, so each report script only adds its own.
frappe.provide("support_hub.report_filters");

// The last eight ISO weeks: the Monday seven weeks back, up to today.
support_hub.report_filters.date_range = function () {
	const today = frappe.datetime.get_today();
	const days_since_monday = (frappe.datetime.str_to_obj(today).getDay() + 6) % 7;
	return [
		{
			fieldname: "from_date",
			label: __("From Date"),
			fieldtype: "Date",
			reqd: 1,
			default: frappe.datetime.add_days(today, -(days_since_monday + 49)),
		},
		{ fieldname: "to_date", label: __("To Date"), fieldtype: "Date", reqd: 1, default: today },
	];
};

support_hub.report_filters.link = function (fieldname, doctype, label) {
	return { fieldname, label: __(label || doctype), fieldtype: "Link", options: doctype };
};
