"""The HTTP layer: the test site served by gunicorn with a background worker (scripts/test.sh starts
both and exports SUPPORT_HUB_URL), driven with `requests` the way each kind of user reaches it.

Fixtures give a logged-in session per role (users are made over REST by Administrator, each with one
role and a password), a Guest session, and the Maildir of the local SMTP sink the site sends through.
"""

from __future__ import annotations

from served_fixtures import (  # noqa: F401  (shared fixtures and hook)
    admin,
    agent,
    claims_officer,
    guest,
    manager,
    pytest_collection_modifyitems,
    site,
    website_user,
)
