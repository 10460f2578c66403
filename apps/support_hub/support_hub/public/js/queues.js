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
