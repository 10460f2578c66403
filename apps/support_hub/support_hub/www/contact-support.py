import frappe

no_cache = 1


def get_context(context):
    context.topics = frappe.get_all("Ticket Topic", filters={"enabled": 1}, pluck="name", order_by="topic_name asc")
