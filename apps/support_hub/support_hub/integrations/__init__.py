"""Talking to services outside Frappe; framework-free, so it can be tested without a bench."""
