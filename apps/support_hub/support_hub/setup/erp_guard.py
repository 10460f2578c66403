"""ERPNext's whitelisted methods that hand item prices and stock to any desk user, closed to people who
are only support staff.

ERPNext's `get_item_details` (and its price-list, pricing-rule, bin and stock-balance cousins) check no
permission of their own: any logged-in desk user gets an item's price-list rate, valuation rate and
stock on hand from them, whatever the Item Price and Bin permissions say. The support roles read
orders (with the rates the customer was charged) but never the shop's price lists or stock, so for a
user whose only roles are support roles (support_hub.setup.grants.support_only) these methods answer
403; everyone else gets ERPNext's own method, unchanged.

Wired in hooks.py: override_whitelisted_methods = support_hub.setup.erp_guard.OVERRIDES. The override
applies to calls over HTTP (and the desk's mapped-document calls), which is the leak; ERPNext's own
Python calls of these functions (a Claims Officer's draft credit note fills its rates through
get_item_details) are not requests and stay as they are.
"""

from __future__ import annotations

import frappe
from frappe import _

from support_hub.api.arguments import validate_arguments
from support_hub.setup.grants import support_only

# ERPNext's method -> the name of its guarded twin in this module.
PRICE_AND_STOCK_METHODS = {
    "erpnext.stock.get_item_details.get_item_details": "get_item_details",
    "erpnext.stock.get_item_details.apply_price_list": "apply_price_list",
    "erpnext.stock.get_item_details.get_batch_based_item_price": "get_batch_based_item_price",
    "erpnext.stock.get_item_details.get_bin_details": "get_bin_details",
    "erpnext.stock.get_item_details.get_projected_qty": "get_projected_qty",
    "erpnext.stock.get_item_details.get_batch_qty": "get_batch_qty",
    "erpnext.stock.get_item_details.get_valuation_rate": "get_valuation_rate",
    "erpnext.stock.utils.get_stock_balance": "get_stock_balance",
    "erpnext.stock.utils.get_latest_stock_qty": "get_latest_stock_qty",
    "erpnext.stock.utils.get_incoming_rate": "get_incoming_rate",
    "erpnext.stock.dashboard.item_dashboard.get_data": "item_dashboard_data",
    "erpnext.stock.dashboard.warehouse_capacity_dashboard.get_data": "warehouse_capacity_data",
    "erpnext.stock.doctype.item.item.get_item_details": "item_record_details",
    "erpnext.stock.doctype.batch.batch.get_batch_qty": "batch_qty",
    "erpnext.accounts.doctype.pricing_rule.pricing_rule.apply_pricing_rule": "apply_pricing_rule",
    "erpnext.accounts.doctype.pos_invoice.pos_invoice.get_stock_availability": "get_stock_availability",
    "erpnext.selling.page.point_of_sale.point_of_sale.get_items": "point_of_sale_items",
    "erpnext.stock.doctype.pick_list.pick_list.get_item_details": "pick_list_item_details",
}
OVERRIDES = {original: f"{__name__}.{twin}" for original, twin in PRICE_AND_STOCK_METHODS.items()}


def _guarded(original: str):
    def guarded(**kwargs):
        if support_only():
            frappe.throw(
                _("Item prices and stock are not shown to support staff"),
                frappe.PermissionError,
                title=_("Not permitted"),
            )
        kwargs.pop("cmd", None)
        return frappe.call(original, **kwargs)

    guarded.__name__ = original.rsplit(".", 1)[-1]
    guarded.__qualname__ = guarded.__name__
    guarded.__doc__ = f"{original}, refused (403) to people who are only support staff."
    return frappe.whitelist()(validate_arguments(guarded))


for _original, _twin in PRICE_AND_STOCK_METHODS.items():
    globals()[_twin] = _guarded(_original)
