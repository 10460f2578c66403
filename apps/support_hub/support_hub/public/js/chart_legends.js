// Frappe Charts cuts every legend label to 18 characters ("Waiting for Cus...") and its
// truncateLegends option cannot be turned off (it defaults with `|| 1`). A chart whose options ask for
// fullLegends (a Dashboard Chart's custom options) is drawn again with whole labels.
if (frappe.Chart && !frappe.Chart.__support_hub_full_legends) {
	const OriginalChart = frappe.Chart;
	const WholeLegendChart = function (parent, options) {
		const chart = new OriginalChart(parent, options);
		if (options && options.fullLegends && chart && chart.config) {
			chart.config.truncateLegends = 0;
			if (typeof chart.draw === "function") chart.draw(true);
		}
		return chart;
	};
	WholeLegendChart.prototype = OriginalChart.prototype;
	WholeLegendChart.__support_hub_full_legends = true;
	frappe.Chart = WholeLegendChart;
}
