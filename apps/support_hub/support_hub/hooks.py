app_name = "support_hub"
app_title = "Support Hub"
app_publisher = "support_hub developers"
app_description = "A support back office for Frappe / ERPNext: tickets, SLA policies, claims, Telegram"
app_email = "dev@support-hub.local"
app_license = "MIT"

app_include_js = "support_hub.bundle.js"

after_install = "support_hub.setup.install.after_install"
after_migrate = "support_hub.setup.install.after_migrate"
boot_session = "support_hub.setup.boot.boot_session"

# Bad requests to the app's public methods: a message and a 4xx, never a traceback for a Guest.
# And Premailer's parsed e-mail stylesheet kept per process, for every e-mail Frappe builds (mail_styles.py).
before_request = ["support_hub.api.request_guard.hide_tracebacks_from_guests", "support_hub.mail_styles.install"]
after_request = ["support_hub.api.request_guard.clean_error_answers"]
before_job = ["support_hub.mail_styles.install"]

fixtures = [
    {"dt": "Role", "filters": [["name", "in", ["Support Agent", "Support Manager", "Claims Officer"]]]},
]

# Connections: the Sales Order and Customer forms list their tickets and claims (crm/dashboards.py).
override_doctype_dashboards = {
    "Sales Order": ["support_hub.crm.dashboards.sales_order"],
    "Customer": ["support_hub.crm.dashboards.customer"],
}

override_doctype_class = {
    # Inbound mail for the Ticket queue: no loops, subject-number threading, new ticket after a long close.
    "Email Account": "support_hub.intake.email.SupportEmailAccount",
}

# ERPNext's methods that hand item prices and stock to any desk user answer 403 to people who are only
# support staff (support_hub.setup.erp_guard; everyone else gets ERPNext's own method).
override_whitelisted_methods = {
    f"erpnext.{path}": f"support_hub.setup.erp_guard.{twin}"
    for path, twin in (
        ("stock.get_item_details.get_item_details", "get_item_details"),
        ("stock.get_item_details.apply_price_list", "apply_price_list"),
        ("stock.get_item_details.get_batch_based_item_price", "get_batch_based_item_price"),
        ("stock.get_item_details.get_bin_details", "get_bin_details"),
        ("stock.get_item_details.get_projected_qty", "get_projected_qty"),
        ("stock.get_item_details.get_batch_qty", "get_batch_qty"),
        ("stock.get_item_details.get_valuation_rate", "get_valuation_rate"),
        ("stock.utils.get_stock_balance", "get_stock_balance"),
        ("stock.utils.get_latest_stock_qty", "get_latest_stock_qty"),
        ("stock.utils.get_incoming_rate", "get_incoming_rate"),
        ("stock.dashboard.item_dashboard.get_data", "item_dashboard_data"),
        ("stock.dashboard.warehouse_capacity_dashboard.get_data", "warehouse_capacity_data"),
        ("stock.doctype.item.item.get_item_details", "item_record_details"),
        ("stock.doctype.batch.batch.get_batch_qty", "batch_qty"),
        ("accounts.doctype.pricing_rule.pricing_rule.apply_pricing_rule", "apply_pricing_rule"),
        ("accounts.doctype.pos_invoice.pos_invoice.get_stock_availability", "get_stock_availability"),
        ("selling.page.point_of_sale.point_of_sale.get_items", "point_of_sale_items"),
        ("stock.doctype.pick_list.pick_list.get_item_details", "pick_list_item_details"),
    )
}

permission_query_conditions = {
    "Claim": "support_hub.claims.permissions.query_conditions",
    # A Claims Officer reads only the tickets claims were raised from.
    "Ticket": "support_hub.claims.ticket_scope.query_conditions",
}
has_permission = {
    "Agent Availability": "support_hub.automation.availability.has_permission",
    "Claim": "support_hub.claims.permissions.has_permission",
    "Ticket": "support_hub.claims.ticket_scope.has_permission",
    # A number card that shows a manager-only report's figures is for those who may open that report.
    "Number Card": "support_hub.reports.cards.number_card_permission",
}

doc_events = {
    "Communication": {
        "after_insert": [
            "support_hub.sla.first_response.on_communication_insert",
            "support_hub.automation.first_responder.on_communication_insert",
            "support_hub.automation.waiting.reopen_on_customer_reply",
            "support_hub.integrations.telegram.team_alerts.on_customer_message",
        ],
    },
    "Ticket": {
        "on_update": "support_hub.ratings.request_rating",  # every channel, once per ticket
    },
    "ToDo": {
        "before_insert": "support_hub.automation.assignment.lock_ticket_first",
    },
    "SLA Event": {
        "after_insert": "support_hub.integrations.telegram.team_alerts.on_sla_event_insert",
    },
    "Contact": {
        "validate": "support_hub.crm.identify.fill_phone_keys",
    },
    "SLA Policy": {
        # Forget the cached policies first; a change to the plan then re-plans its open tickets.
        "on_update": ["support_hub.sla.policies.forget_cached_policies", "support_hub.sla.replan.on_policy_update"],
        "on_trash": "support_hub.sla.policies.forget_cached_policies",
    },
}

scheduler_events = {
    "cron": {
        "* * * * *": [
            "support_hub.sla.sweep.run",
            "support_hub.sla.events.retell_held",
            "support_hub.sla.escalation.reassign_overdue",
            "support_hub.sla.postponed.reopen_due",
            "support_hub.automation.waiting.run",
            "support_hub.automation.intake.sweep_unprocessed",
            "support_hub.integrations.telegram.outbox.send_due",
        ],
        "*/5 * * * *": [
            "support_hub.broadcasts.sending.resume_stalled",
            "support_hub.automation.availability.hand_on",
        ],
        "*/15 * * * *": [
            "support_hub.claims.reminders.send_due",
            "support_hub.claims.escalation.escalate_overdue",  # overdue claims to the claims lead, once
        ],
        "0 8 * * 1": [
            "support_hub.reports.digest.send_weekly_digest",
        ],
    },
}

# support_hub's own hooks: other parts plug into the SLA sweep and into channel delivery here.
support_hub_sla_transitions = [
    "support_hub.integrations.telegram.team_alerts.on_sla_transitions",
    "support_hub.sla.escalation.on_sla_transitions",  # breach: team chat, manager e-mail
]
support_hub_channel_senders = {"Telegram": "support_hub.integrations.telegram.customer_messages.send_to_customer"}
