import frappe

from support_hub.crm.identify import customer_doctype
from support_hub.crm.orders import order_doctype


def boot_session(bootinfo) -> None:
    """What the desk scripts need to know about this site once per session."""
    bootinfo.support_hub = {
        "has_holiday_list": bool(frappe.db.exists("DocType", "Holiday List")),
        "has_customer": bool(customer_doctype()),
        "order_doctype": order_doctype(),  # what a ticket's Order field links to (None: no orders here)
    }
