"""What the served layers (tests/http, tests/browser, tests/erp) share in their conftest: the skip when no
site is served, the site, its Administrator session and a logged-in session per role. Each conftest
imports the names it uses."""

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


@pytest.fixture(scope="session")
def guest(site):
    return site.guest()


@pytest.fixture(scope="session")
def agent(site):
    return site.as_role("Support Agent")


@pytest.fixture(scope="session")
def manager(site):
    return site.as_role("Support Manager")


@pytest.fixture(scope="session")
def claims_officer(site):
    return site.as_role("Claims Officer")


@pytest.fixture(scope="session")
def website_user(site):
    return site.as_role(None)
