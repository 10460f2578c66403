// Copyright (c) 2026, support_hub developers. License: MIT.

frappe.listview_settings["Claim"] = {
	add_fields: ["status", "deadline", "decided_on"],
	onload(listview) {
		support_hub.queues.sort_queues_by(listview, "deadline");
	},
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
