"""The HTTP layer: the test site served by gunicorn with a background worker (scripts/test.sh starts
both and exports SUPPORT_HUB_URL), driven with `requests` the way each kind of user reaches it.

Fixtures give a logged-in session per role (users are made over REST by Administrator, each with one
role and a password), a Guest session, and the Maildir of the local SMTP sink the site sends through.
"""

from __future__ import annotations

import os

import pytest

from served import Site

URL = os.environ.get("SUPPORT_HUB_URL")


def pytest_collection_modifyitems(config, items):
    if URL:
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
