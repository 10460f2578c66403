"""What both served layers (tests/http and tests/browser) share in their conftest: the skip when no
site is served, the site and its Administrator session. Each conftest imports these names."""

from __future__ import annotations

import os

import pytest

from served import Site


def pytest_collection_modifyitems(config, items):
    if os.environ.get("SUPPORT_HUB_URL"):
        return
    skip = pytest.mark.skip(reason="no served site: scripts/test.sh serves one (SUPPORT_HUB_URL)")
    for item in items:
        item.add_marker(skip)


@pytest.fixture(scope="session")
def site() -> Site:
    return Site.from_environment()


@pytest.fixture(scope="session")
def admin(site):
    return site.admin()
