// Copyright (c) 2026, support_hub developers. License: MIT.

// Claims still waiting for a decision; past their deadline they show as Overdue (and the claims lead has
// been told: support_hub.claims.escalation).
const UNDECIDED_CLAIM_STATUSES = ["New", "In Review", "Waiting for Customer"];
const DECIDED_CLAIM_STATUSES = ["Approved", "Rejected", "Compensated", "Closed"];

frappe.listview_settings["Claim"] = {
	add_fields: ["status", "deadline", "decided_on", "escalated_on"],
	onload(listview) {
		support_hub.queues.setup(listview, "deadline");
	},
	refresh(listview) {
		support_hub.queues.show_title(listview);
	},
	is_overdue(doc, now) {
		return UNDECIDED_CLAIM_STATUSES.includes(doc.status) && !!doc.deadline && doc.deadline < now;
	},
	get_indicator(doc) {
		const now = frappe.datetime.now_datetime();
		if (frappe.listview_settings["Claim"].is_overdue(doc, now)) {
			// Clicking it lists every overdue claim: undecided, deadline passed.
			return [__("Overdue"), "red", `status,not in,${DECIDED_CLAIM_STATUSES.join(",")}|deadline,<,${now}`];
		}
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
