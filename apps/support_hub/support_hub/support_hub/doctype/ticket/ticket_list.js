// Copyright (c) 2026, support_hub developers. License: MIT.

const TICKET_STATUS_COLORS = {
	Open: "red",
	"In Progress": "orange",
	"Waiting for Customer": "yellow",
	Postponed: "gray",
	"In Development": "purple",
	"Solution Proposed": "blue",
	Resolved: "green",
	Closed: "darkgrey",
};

frappe.listview_settings["Ticket"] = {
	add_fields: ["status", "sla_status", "first_response_due", "resolution_due", "first_responded_on", "resolved_on"],
	get_indicator(doc) {
		return [__(doc.status), TICKET_STATUS_COLORS[doc.status] || "gray", "status,=," + doc.status];
	},
	formatters: {
		sla_status(value, df, doc) {
			return support_hub.sla.timer_html(doc);
		},
	},
	refresh(listview) {
		support_hub.queues.show_title(listview);
	},
	onload(listview) {
		support_hub.queues.setup(listview, "next_due");
		// Keep the timers honest while the list stays open.
		setInterval(() => listview.refresh(), 60 * 1000);
	},
};
