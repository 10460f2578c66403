"""The HTTP layer: the test site served by gunicorn with a background worker (scripts/test.sh starts
both and exports SUPPORT_HUB_URL), driven with `requests` the way each kind of user reaches it.

Fixtures give a logged-in session per role (users are made over REST by Administrator, each with one
role and a password), a Guest session, and the Maildir of the local SMTP sink the site sends through.
"""

from __future__ import annotations

import pytest

from served_fixtures import admin, pytest_collection_modifyitems, site  # noqa: F401  (shared fixtures and hook)


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
