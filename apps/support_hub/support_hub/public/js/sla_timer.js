// The SLA timer shown on the Ticket form and in the Ticket list: colour by SLA status, time left
// (or overdue) until the deadline that burns next.
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

support_hub.sla.humanize = function (minutes) {
	minutes = Math.abs(Math.round(minutes));
	const days = Math.floor(minutes / 1440);
	const hours = Math.floor((minutes % 1440) / 60);
	const mins = minutes % 60;
	if (days) return __("{0}d {1}h", [days, hours]);
	if (hours) return __("{0}h {1}m", [hours, mins]);
	return __("{0}m", [mins]);
};

support_hub.sla.timer_text = function (doc) {
	const status = doc.sla_status;
	if (!status) return "";
	let text = __(status);
	const watched = support_hub.sla.watched_due(doc);
	if (watched && !["Paused", "Met"].includes(status)) {
		const minutes = moment(watched.due).diff(moment(frappe.datetime.now_datetime()), "minutes");
		const left = support_hub.sla.humanize(minutes);
		text += " · " + (minutes >= 0 ? __("{0} left", [left]) : __("{0} overdue", [left]));
	}
	return text;
};

support_hub.sla.timer_html = function (doc) {
	const text = support_hub.sla.timer_text(doc);
	if (!text) return "";
	const color = support_hub.sla.COLORS[doc.sla_status] || "gray";
	return `<span class="indicator-pill ${color} sla-timer">${frappe.utils.escape_html(text)}</span>`;
};

support_hub.sla.show_on_form = function (frm) {
	clearInterval(frm._sla_timer);
	const draw = () => {
		const html = support_hub.sla.timer_html(frm.doc);
		if (!html) {
			frm.dashboard.clear_headline();
			return;
		}
		const watched = support_hub.sla.watched_due(frm.doc);
		const due = watched
			? ` <span class="text-muted">${__("{0} due {1}", [
					watched.label,
					frappe.datetime.str_to_user(watched.due),
			  ])}</span>`
			: "";
		frm.dashboard.set_headline_alert(`<div class="flex align-center gap-2">${html}${due}</div>`);
	};
	draw();
	frm._sla_timer = setInterval(draw, 60 * 1000);
};
