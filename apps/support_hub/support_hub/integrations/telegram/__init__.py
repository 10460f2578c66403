"""Telegram: the outbound Bot API client, the customer bot flow, and its python-telegram-bot wiring."""
