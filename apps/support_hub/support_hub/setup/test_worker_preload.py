# Copyright (c) 2026, support_hub developers. License: MIT.
"""`bench support-hub-worker-pool` loads the jobs' modules before its pool forks (worker_preload)."""

import json
import os
import subprocess
import sys

import frappe
from frappe.tests.utils import FrappeTestCase

from support_hub import worker_preload
from support_hub.commands import commands

# Run in a process of its own, as the pool's parent: preload() opens and closes a site of its own.
PROBE = """
import json, sys
from support_hub.worker_preload import preload, MODULES
from premailer import Premailer
missed = preload()
print(json.dumps({"missed": missed, "loaded": [m for m in MODULES if m in sys.modules],
                  "handlers": "frappe.integrations.doctype.google_contacts.google_contacts" in sys.modules,
                  "rules_kept": hasattr(Premailer._parse_style_rules, "__wrapped__")}))
"""


class TestWorkerPreload(FrappeTestCase):
    def test_the_pool_command_is_a_bench_command(self):
        self.assertIn("support-hub-worker-pool", [c.name for c in commands])

    def test_the_pool_parent_loads_the_jobs_modules_and_the_stylesheet(self):
        sites_path = os.path.abspath(frappe.local.sites_path)
        result = subprocess.run([sys.executable, "-c", PROBE], cwd=sites_path, capture_output=True, text=True,
                                timeout=120)
        self.assertEqual(result.returncode, 0, result.stderr[-2000:])
        probe = json.loads(result.stdout.strip().splitlines()[-1])
        self.assertEqual(probe["missed"], [])
        self.assertEqual(sorted(probe["loaded"]), sorted(worker_preload.MODULES))
        self.assertTrue(probe["handlers"], "the document event handlers' modules are loaded")
        self.assertTrue(probe["rules_kept"], "Premailer's stylesheet rules are kept (mail_styles)")
