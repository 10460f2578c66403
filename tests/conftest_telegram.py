"""Fixtures for the Telegram tests. Test modules import them:

from conftest_telegram import fake_telegram  # noqa: F401  (a fixture)
"""

from __future__ import annotations

import pytest

from support_hub.fakes.telegram import FakeTelegram


@pytest.fixture
def fake_telegram():
    """A running fake Bot API on 127.0.0.1 (ephemeral port), stopped after the test."""
    with FakeTelegram() as fake:
        yield fake
