// The customer panel on the Ticket form: customer card, latest ERP orders and earlier tickets.
// Everything shown is escaped: it comes from customers and other systems.
frappe.provide("support_hub.customer_panel");

const esc = (value) => frappe.utils.escape_html(value == null ? "" : String(value));
const slug = (doctype) => frappe.router.slug(doctype);

support_hub.customer_panel.card = function (customer) {
	if (!customer) return `<p class="text-muted">${__("No customer linked yet.")}</p>`;
	const facts = [
		["customer_group", __("Group")],
		["account_manager", __("Account Manager")],
		["support_owner", __("Support Owner")],
	]
		.filter(([key]) => customer[key])
		.map(([key, label]) => `<span class="text-muted">${label}:</span> ${esc(customer[key])}`)
		.join(" · ");
	const contacts = (customer.contacts || [])
		.map((c) => `${esc(c.full_name || c.name)} ${esc(c.email_id || c.mobile_no || c.phone || "")}`)
		.join("<br>");
	return `<div class="mb-3">
		<a class="h5" href="/app/${slug(customer.doctype)}/${encodeURIComponent(customer.name)}">${esc(customer.title)}</a>
		<div>${facts}</div><div class="small mt-1">${contacts}</div></div>`;
};

// No customer: the contact who wrote, so the agent still sees who it is and how to reach them.
support_hub.customer_panel.contact = function (contact) {
	if (!contact) return `<p class="text-muted">${__("No customer linked yet.")}</p>`;
	const reach = [
		[contact.email_id, __("Email")],
		[contact.phone, __("Phone")],
		[contact.telegram, __("Telegram")],
	]
		.filter(([value]) => value)
		.map(([value, label]) => `<span class="text-muted">${label}:</span> ${esc(value)}`)
		.join(" · ");
	return `<div class="mb-3">
		<a class="h5" href="/app/contact/${encodeURIComponent(contact.name)}">${esc(contact.full_name)}</a>
		<div>${reach}</div></div>`;
};

support_hub.customer_panel.orders = function (orders) {
	if (!orders || !orders.doctype) return "";
	if (orders.restricted) return `<p class="text-muted">${__("You may not see this customer's orders.")}</p>`;
	if (!orders.rows.length) return `<p class="text-muted">${__("No orders.")}</p>`;
	const pct = (v) => (v == null ? "" : `${Math.round(v)}%`);
	const rows = orders.rows
		.map(
			(o) => `<tr>
			<td><a href="/app/${slug(orders.doctype)}/${encodeURIComponent(o.name)}">${esc(o.name)}</a></td>
			<td>${esc(frappe.datetime.str_to_user(o.date) || "")}</td><td>${esc(__(o.status || ""))}</td>
			<td>${pct(o.delivered)}</td><td>${pct(o.billed)}</td>
			<td class="text-right">${o.amount == null ? "" : format_currency(o.amount)}</td>
			<td>${orders.doctype === "Sales Order" ? `<a href="#" class="sh-order-open" data-order="${esc(o.name)}">${__("Details")}</a>` : ""}
				${o.name === orders.linked ? `<span class="indicator-pill blue">${__("This ticket")}</span>` : ""}</td></tr>`
		)
		.join("");
	return `<h6>${__("Latest Orders")}</h6><table class="table table-sm table-hover sh-latest-orders"><thead><tr>
		<th>${__("Order")}</th><th>${__("Date")}</th><th>${__("Status")}</th><th>${__("Delivered")}</th>
		<th>${__("Billed")}</th><th class="text-right">${__("Total")}</th><th></th></tr></thead><tbody>${rows}</tbody></table>
		<div class="sh-order-detail-slot"></div>`;
};

support_hub.customer_panel.tickets = function (tickets) {
	if (!tickets || !tickets.length) return `<p class="text-muted">${__("No earlier tickets.")}</p>`;
	const rating = { bad: "👎", ok: "😐", great: "👍" };
	const rows = tickets
		.map(
			(r) => `<tr>
			<td><a href="/app/ticket/${encodeURIComponent(r.name)}">${esc(r.name)}</a></td>
			<td>${esc(r.subject)}</td><td>${esc(__(r.status))}</td>
			<td>${r.sla_status ? support_hub.sla.timer_html(r) : ""}</td>
			<td>${rating[r.rating] || ""}</td>
			<td>${esc(frappe.datetime.str_to_user(r.opened_on) || "")}</td></tr>`
		)
		.join("");
	return `<h6>${__("Earlier Tickets")}</h6><table class="table table-sm table-hover sh-earlier-tickets"><thead><tr>
		<th>${__("Ticket")}</th><th>${__("Subject")}</th><th>${__("Status")}</th><th>${__("SLA")}</th>
		<th>${__("Rating")}</th><th>${__("Opened On")}</th></tr></thead><tbody>${rows}</tbody></table>`;
};

support_hub.customer_panel.render = function (data) {
	return (
		(data.customer
			? support_hub.customer_panel.card(data.customer)
			: support_hub.customer_panel.contact(data.contact)) +
		support_hub.order_detail.render(data.order_detail) +
		support_hub.customer_panel.orders(data.orders) +
		support_hub.customer_panel.tickets(data.tickets)
	);
};
