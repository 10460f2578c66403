"""The grocery story on the served ERP site, made through ERPNext's own APIs by Administrator in a
bench process (support_hub.erp.grocery.make_story; there is no HTTP way to make it, on purpose).
Import the `story` fixture into a test module to use it."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import uuid

import pytest


class Story(dict):
    """The names make_story returned, as attributes (story.customer, story.orders["short"])."""

    __getattr__ = dict.__getitem__


def bench_execute(site_name: str, method: str, **kwargs):
    bench_dir = os.environ.get("SUPPORT_HUB_BENCH", "/home/frappe/frappe-bench")
    command = [shutil.which("bench") or "bench", "--site", site_name, "execute", method]
    if kwargs:
        command += ["--kwargs", json.dumps(kwargs)]
    done = subprocess.run(command, cwd=bench_dir, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, (done.stdout[-2000:], done.stderr[-2000:])
    lines = [line for line in done.stdout.splitlines() if line.strip()]
    return json.loads(lines[-1]) if lines else None


@pytest.fixture(scope="session")
def story(site):
    """One shopper's week with every name unique to this run (see grocery.make_story's docstring)."""
    return Story(bench_execute(site.name, "support_hub.erp.grocery.make_story", suffix=uuid.uuid4().hex[:8]))


@pytest.fixture(scope="session")
def shopper_story(site):
    """A second shopper's week, for tests that send her own web requests (the per-sender intake limit
    counts each shopper apart)."""
    return Story(bench_execute(site.name, "support_hub.erp.grocery.make_story", suffix=uuid.uuid4().hex[:8]))
