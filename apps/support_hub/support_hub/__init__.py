"""support_hub: a support back office on Frappe. The engine package never imports Frappe."""

__version__ = "0.1.0"
