"""The browser layer: Debian's Chromium, headless, driven by Selenium through Debian's chromedriver,
on the test site that scripts/test.sh serves (SUPPORT_HUB_URL). Users log in through the real login
page. Every page gets a recorder for what a person would see go wrong: error dialogs (msgprint with a
red indicator or a "Not Permitted"/"Error" title) and HTTP answers of 403 or 5xx to the desk's calls.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "http"))

from desk import Desk  # noqa: E402
from served_fixtures import admin, pytest_collection_modifyitems, site  # noqa: E402,F401  (shared with tests/http)


@pytest.fixture
def desk(site, request):
    """A fresh browser (its own cookies); log in with desk.login(user)."""
    browser = Desk.start(site)
    yield browser
    if request.node.rep_call.failed if hasattr(request.node, "rep_call") else False:
        browser.screenshot(f"failed-{request.node.name}")
    browser.quit()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)
