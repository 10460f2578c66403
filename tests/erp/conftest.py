"""The ERP layer over HTTP: the second test site, which has ERPNext v15 (scripts/test.sh prepares it,
serves it and exports SUPPORT_HUB_URL), driven with `requests` as each role, like tests/http."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "http"))

from served_fixtures import (  # noqa: E402,F401  (shared with tests/http)
    admin,
    agent,
    claims_officer,
    guest,
    manager,
    pytest_collection_modifyitems,
    site,
    website_user,
)
