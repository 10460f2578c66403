import frappe


def boot_session(bootinfo) -> None:
    """What the desk scripts need to know about this site once per session."""
    bootinfo.support_hub = {"has_holiday_list": bool(frappe.db.exists("DocType", "Holiday List"))}
