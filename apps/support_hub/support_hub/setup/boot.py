import frappe


def boot_session(bootinfo) -> None:
    """What the desk scripts need to know about this site once per session."""
    customer_doctype = frappe.db.get_single_value("Support Hub Settings", "customer_doctype") or "Customer"
    bootinfo.support_hub = {
        "has_holiday_list": bool(frappe.db.exists("DocType", "Holiday List")),
        "has_customer": bool(frappe.db.exists("DocType", customer_doctype)),
    }
