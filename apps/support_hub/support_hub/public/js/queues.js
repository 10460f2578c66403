// Queues are worked in deadline order. A queue (a Support workspace shortcut, a number card) opens a
// list with its filters in frappe.route_options, and a shortcut cannot carry a sort order; so a list
// that arrives with route filters is sorted by its deadline field, soonest first. Opened plainly, the
// list keeps the user's own sort.
frappe.provide("support_hub.queues");

support_hub.queues.sort_queues_by = function (listview, fieldname) {
	const apply_route_filters = listview.before_refresh.bind(listview);
	listview.before_refresh = function () {
		if (frappe.route_options && Object.keys(frappe.route_options).length) {
			listview.sort_by = fieldname;
			listview.sort_order = "asc";
			if (listview.sort_selector) listview.sort_selector.set_value(fieldname, "asc");
		}
		return apply_route_filters();
	};
};

// The queues an agent works, as the Support workspace's shortcuts open them (same filters): each gets
// its own title on the list and a link in the list sidebar to switch to it.
support_hub.queues.definitions = {
	Ticket: () => {
		const open = ["Ticket", "status", "not in", ["Resolved", "Closed"]];
		return [
			{ label: __("My Tickets"), filters: [["Ticket", "_assign", "like", `%${frappe.session.user}%`], open] },
			{ label: __("Unassigned"), filters: [["Ticket", "_assign", "is", "not set"], open] },
			{
				label: __("Overdue"),
				filters: [
					["Ticket", "sla_status", "=", "Breached"],
					["Ticket", "next_due", "<", frappe.datetime.system_datetime()],
					["Ticket", "status", "not in", ["Resolved", "Closed", "Waiting for Customer", "Postponed"]],
				],
			},
			{ label: __("Waiting for Customer"), filters: [["Ticket", "status", "=", "Waiting for Customer"]] },
			{ label: __("All Tickets"), filters: [open] },
		];
	},
	Claim: () => [
		{
			label: __("Claims"),
			filters: [["Claim", "status", "not in", ["Approved", "Rejected", "Compensated", "Closed"]]],
		},
	],
};

// A filter as compared: field, operator and value; a time limit (Overdue's "due before now") is the
// same queue whenever it was set.
function queue_filter_key(filter) {
	const [, fieldname, operator, value] = filter;
	const shown = /^\d{4}-\d{2}-\d{2}[ T]/.test(String(value)) ? "<now>" : JSON.stringify(value);
	return `${fieldname} ${operator} ${shown}`;
}

// The queue the list shows: the one with the most filters that are all in place (a person may add
// their own filters to narrow it).
support_hub.queues.current = function (listview) {
	const make = support_hub.queues.definitions[listview.doctype];
	if (!make) return null;
	const applied = new Set((listview.filter_area ? listview.filter_area.get() : []).map(queue_filter_key));
	let best = null;
	for (const queue of make()) {
		const keys = queue.filters.map(queue_filter_key);
		if (keys.every((k) => applied.has(k)) && (!best || keys.length > best.filters.length)) best = queue;
	}
	return best;
};

support_hub.queues.show_title = function (listview) {
	const queue = support_hub.queues.current(listview);
	listview.page.set_title(queue ? queue.label : __(listview.doctype));
	if (listview.page.sidebar) {
		listview.page.sidebar.find(".support-hub-queue").each(function () {
			$(this).toggleClass("selected", !!queue && $(this).attr("data-queue") === queue.label);
		});
	}
};

support_hub.queues.open = function (listview, queue, fieldname) {
	listview.sort_by = fieldname;
	listview.sort_order = "asc";
	if (listview.sort_selector) listview.sort_selector.set_value(fieldname, "asc");
	listview.filter_area.clear(false).then(() => listview.filter_area.add(queue.filters));
};

// Ticket and Claim list onload: queues sorted by their deadline, titled, and switchable from the sidebar.
support_hub.queues.setup = function (listview, fieldname) {
	support_hub.queues.sort_queues_by(listview, fieldname);
	const make = support_hub.queues.definitions[listview.doctype];
	const sidebar = listview.page.sidebar && listview.page.sidebar.find(".list-sidebar");
	if (make && sidebar && sidebar.length && !sidebar.find(".support-hub-queues").length) {
		const section = $(`<div class="sidebar-section support-hub-queues">
			<div class="sidebar-label">${__("Queues")}</div></div>`);
		for (const queue of make()) {
			$(`<a class="list-link support-hub-queue ellipsis" href="#"></a>`)
				.attr("data-queue", queue.label)
				.text(queue.label)
				.css({ display: "block", padding: "4px 8px" })
				.on("click", (event) => {
					event.preventDefault();
					// Built now, so "due before now" and "mine" are as of the click.
					support_hub.queues.open(
						listview,
						make().find((q) => q.label === queue.label),
						fieldname
					);
				})
				.appendTo(section);
		}
		sidebar.prepend(section);
	}
	support_hub.queues.show_title(listview);
};
