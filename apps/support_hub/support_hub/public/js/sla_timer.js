// The SLA timer. On the Ticket form it shows what the server's engine reads in the policy's working
// time (support_hub.api.ticket.sla_summary): working time left, or by how much a deadline was missed;
// "paused" while the ticket waits on the customer or is postponed, and then it does not count.
// In the Ticket list there is no working-time figure per row: it shows the SLA status and when the
// watched deadline falls due, which the browser can state without the policy's calendar.
frappe.provide("support_hub.sla");

support_hub.sla.COLORS = {
	"On Track": "green",
	Warning: "orange",
	Breached: "red",
	Paused: "gray",
	Met: "blue",
};

support_hub.sla.watched_due = function (doc) {
	if (!doc.first_responded_on && doc.first_response_due) {
		return { label: __("First Response"), due: doc.first_response_due };
	}
	if (!doc.resolved_on && doc.resolution_due) {
		return { label: __("Resolution"), due: doc.resolution_due };
	}
	return null;
};

// Working minutes as hours and minutes: a working day is not 24 hours, so no "days" here.
support_hub.sla.humanize = function (minutes) {
	minutes = Math.abs(Math.round(minutes));
	const hours = Math.floor(minutes / 60);
	const mins = minutes % 60;
	if (hours) return __("{0}h {1}m", [hours, mins]);
	return __("{0}m", [mins]);
};

support_hub.sla.pill = function (status, text) {
	const color = support_hub.sla.COLORS[status] || "gray";
	return `<span class="indicator-pill ${color} sla-timer">${frappe.utils.escape_html(text)}</span>`;
};

// The form's text from an sla_summary answer.
support_hub.sla.summary_text = function (summary) {
	if (!summary || !summary.status) return "";
	let text = __(summary.status);
	const left = summary.working_minutes_left;
	if (left === null || left === undefined) return text;
	const amount = support_hub.sla.humanize(left);
	if (summary.paused && left >= 0) {
		text += " · " + __("{0} of working time left, not counting", [amount]);
	} else if (left >= 0) {
		text += " · " + __("{0} of working time left", [amount]);
	} else {
		text += " · " + __("{0} of working time overdue", [amount]);
	}
	return text;
};

support_hub.sla.summary_html = function (summary) {
	const text = support_hub.sla.summary_text(summary);
	return text ? support_hub.sla.pill(summary.status, text) : "";
};

// The list's pill: the stored status and when the watched deadline is due.
support_hub.sla.timer_html = function (doc) {
	const status = doc.sla_status;
	if (!status) return "";
	let text = __(status);
	const watched = support_hub.sla.watched_due(doc);
	if (watched && !["Paused", "Met"].includes(status)) {
		text += " · " + __("due {0}", [frappe.datetime.str_to_user(watched.due)]);
	}
	return support_hub.sla.pill(status, text);
};

support_hub.sla.show_on_form = function (frm) {
	clearInterval(frm._sla_timer);
	if (frm.is_new() || !frm.doc.sla_status) {
		frm.dashboard.clear_headline();
		return;
	}
	const name = frm.doc.name;
	const draw = () =>
		frappe
			.call({ method: "support_hub.api.ticket.sla_summary", args: { ticket: name }, type: "GET" })
			.then(({ message }) => {
				if (frm.doc.name !== name) return; // the form moved on to another ticket meanwhile
				const html = support_hub.sla.summary_html(message);
				if (!html) {
					frm.dashboard.clear_headline();
					return;
				}
				const due = message.due
					? ` <span class="text-muted">${__("{0} due {1}", [
							message.target,
							frappe.datetime.str_to_user(message.due),
					  ])}</span>`
					: "";
				frm.dashboard.set_headline_alert(`<div class="flex align-center gap-2">${html}${due}</div>`);
			});
	draw();
	// Paused clocks do not count; running ones are read again each minute.
	frm._sla_timer = setInterval(() => {
		if (frm.doc.name === name && !frm.doc.sla_paused_since) draw();
	}, 60 * 1000);
};
