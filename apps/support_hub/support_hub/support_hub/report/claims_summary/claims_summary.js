// Copyright (c) 2026, support_hub developers. License: MIT.

frappe.query_reports["Claims Summary"] = {
	filters: [
		{
			fieldname: "from_date",
			label: __("From Date"),
			fieldtype: "Date",
			default: moment().startOf("month").subtract(11, "months").format("YYYY-MM-DD"),
			reqd: 1,
		},
		{
			fieldname: "to_date",
			label: __("To Date"),
			fieldtype: "Date",
			default: frappe.datetime.get_today(),
			reqd: 1,
		},
		{
			fieldname: "category",
			label: __("Category"),
			fieldtype: "Link",
			options: "Claim Category",
		},
	],
	formatter(value, row, column, data, default_formatter) {
		value = default_formatter(value, row, column, data);
		if (column.fieldname === "category" && data && !data.category) {
			value = `<span class="text-muted">${__("No Category")}</span>`;
		}
		return value;
	},
};
