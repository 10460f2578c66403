// The goods and the money of one order on the ticket's panel (support_hub.crm.order_detail): lines with
// ordered / delivered / returned (a shortfall in red, a return apart from it), delivery notes and returns,
// invoices and credit notes with what is outstanding, payments and refunds; each opens its ERP form.
frappe.provide("support_hub.order_detail");

(function () {
	const esc = (value) => frappe.utils.escape_html(value == null ? "" : String(value));
	const form = (doctype, name) =>
		`<a href="/app/${frappe.router.slug(doctype)}/${encodeURIComponent(name)}">${esc(name)}</a>`;
	const date = (value) => esc(frappe.datetime.str_to_user(value) || "");
	const money = (value, currency) => (value == null ? "" : format_currency(value, currency));
	const qty = (value) => (value ? esc(+parseFloat(value).toFixed(3)) : "0");

	function lines(detail) {
		const rows = detail.lines
			.map((l) => {
				const missing =
					l.state === "short"
						? `<span class="text-danger font-weight-bold sh-line-short">${__("{0} missing", [qty(l.missing)])}</span>`
						: l.state === "pending"
							? `<span class="text-muted">${__("not delivered yet")}</span>`
							: `<span class="text-success">✓</span>`;
				const returned = l.returned
					? `<span class="text-muted sh-line-returned">↩ ${__("{0} returned", [qty(l.returned)])}</span>`
					: "";
				return `<tr class="${l.state === "short" ? "table-danger" : ""}">
					<td>${form("Item", l.item_code)} ${esc(l.item_name || "")}</td>
					<td class="text-right">${qty(l.ordered)} ${esc(l.uom || "")}</td>
					<td class="text-right">${qty(l.delivered)}</td>
					<td>${missing}</td><td>${returned}</td>
					<td class="text-right">${money(l.amount, detail.header.currency)}</td></tr>`;
			})
			.join("");
		return `<table class="table table-sm sh-order-lines"><thead><tr><th>${__("Item")}</th>
			<th class="text-right">${__("Ordered")}</th><th class="text-right">${__("Delivered")}</th>
			<th>${__("Shortfall")}</th><th>${__("Returned")}</th><th class="text-right">${__("Amount")}</th>
			</tr></thead><tbody>${rows}</tbody></table>`;
	}

	function documents(title, rows, cells) {
		if (!rows.length) return "";
		return `<div class="small mb-2"><span class="text-muted">${title}:</span> ${rows.map(cells).join("; ")}</div>`;
	}

	function status(doc) {
		return doc.docstatus === 0 ? __("Draft") : __(doc.status || "");
	}

	support_hub.order_detail.render = function (detail) {
		if (!detail) return "";
		const h = detail.header;
		const m = detail.money;
		const cur = h.currency;
		const deliveries = documents(
			__("Delivery notes"),
			detail.deliveries.filter((d) => !d.is_return),
			(d) => `${form("Delivery Note", d.name)} ${date(d.date)} (${esc(status(d))})`
		);
		const returns = documents(
			__("Returns"),
			detail.deliveries.filter((d) => d.is_return),
			(d) => `${form("Delivery Note", d.name)} ${date(d.date)}`
		);
		const invoices = documents(
			__("Invoices"),
			detail.invoices.filter((i) => !i.is_return),
			(i) =>
				`${form("Sales Invoice", i.name)} ${date(i.date)} ${money(i.grand_total, cur)} — ${esc(status(i))}` +
				(i.outstanding ? ` <b class="text-danger">${__("outstanding {0}", [money(i.outstanding, cur)])}</b>` : "")
		);
		const credit_notes = documents(
			__("Credit notes"),
			detail.invoices.filter((i) => i.is_return),
			(i) => `${form("Sales Invoice", i.name)} ${date(i.date)} ${money(i.grand_total, cur)}`
		);
		const payments = documents(
			__("Payments"),
			detail.payments.filter((p) => p.payment_type === "Receive"),
			(p) => `${form("Payment Entry", p.name)} ${date(p.date)} ${money(p.amount, cur)}`
		);
		const refunds = documents(
			__("Refunds"),
			detail.payments.filter((p) => p.payment_type === "Pay"),
			(p) => `${form("Payment Entry", p.name)} ${date(p.date)} ${money(p.amount, cur)}`
		);
		const restricted = detail.restricted.length
			? `<div class="small text-muted">${__("Not shown (no access): {0}", [
					detail.restricted.map((d) => __(d)).join(", "),
				])}</div>`
			: "";
		return `<div class="sh-order-detail border rounded p-2 mb-3" data-order="${esc(detail.name)}">
			<div class="mb-1">${form(detail.doctype, detail.name)} ${date(h.date)}
				${h.po_no ? `<span class="text-muted">(${__("customer's No. {0}", [esc(h.po_no)])})</span>` : ""}
				— ${esc(__(h.status || ""))}, ${money(h.amount, cur)}</div>
			<div class="small mb-2"><span class="text-muted">${__("Invoiced")}:</span> ${money(m.invoiced, cur)}
				· <span class="text-muted">${__("Paid")}:</span> ${money(m.paid, cur)}
				· <span class="text-muted">${__("Credited")}:</span> ${money(m.credited, cur)}
				· <span class="text-muted">${__("Refunded")}:</span> ${money(m.refunded, cur)}
				· <span class="text-muted">${__("Outstanding")}:</span>
				<b class="${m.outstanding > 0 ? "text-danger" : ""}">${money(m.outstanding, cur)}</b></div>
			${lines(detail)}${deliveries}${returns}${invoices}${credit_notes}${payments}${refunds}${restricted}</div>`;
	};

	// "Details" beside any listed order: fetched on demand, shown under the list, a second click hides it.
	support_hub.order_detail.bind = function (wrapper) {
		wrapper.off("click.sh_order").on("click.sh_order", ".sh-order-open", function (event) {
			event.preventDefault();
			const order = $(this).attr("data-order");
			const slot = wrapper.find(".sh-order-detail-slot");
			if (slot.attr("data-order") === order) {
				slot.attr("data-order", "").empty();
				return;
			}
			frappe
				.xcall("support_hub.crm.order_detail.get_order_detail", { order })
				.then((detail) => slot.attr("data-order", order).html(support_hub.order_detail.render(detail)));
		});
	};
})();
