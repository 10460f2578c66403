"""Fakes of external services that speak their real protocols over real sockets, for tests."""
