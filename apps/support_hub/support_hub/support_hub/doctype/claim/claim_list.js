// Copyright (c) 2026, support_hub developers. License: MIT.

frappe.listview_settings["Claim"] = {
	add_fields: ["status", "deadline", "decided_on"],
	get_indicator(doc) {
		const colors = {
			New: "blue",
			"In Review": "orange",
			"Waiting for Customer": "yellow",
			Approved: "green",
			Rejected: "red",
			Compensated: "green",
			Closed: "gray",
		};
		return [__(doc.status), colors[doc.status] || "gray", "status,=," + doc.status];
	},
};
