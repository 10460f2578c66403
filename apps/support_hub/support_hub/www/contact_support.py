import frappe

no_cache = 1


def get_context(context):
    from support_hub.crm.orders import customer_of_email, own_orders

    # A signed-in customer picks the order the question is about from their own latest orders.
    context.user_email = None if frappe.session.user == "Guest" else frappe.db.get_value("User", frappe.session.user, "email")
    context.orders = own_orders(customer_of_email(context.user_email)) if context.user_email else []
    context.topics = frappe.get_all("Ticket Topic", filters={"enabled": 1}, pluck="name", order_by="topic_name asc")
