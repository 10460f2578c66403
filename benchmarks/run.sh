#!/usr/bin/env bash
# Runs every benchmark and prints its rates. Engine benchmarks use the test environment;
# database benchmarks run inside the bench at $SUPPORT_HUB_BENCH against the test site.
set -uo pipefail
source "$(dirname "$0")/../scripts/common.sh"
py="$SUPPORT_HUB_TEST_VENV/bin/python"
[ -x "$py" ] || { say "run scripts/test.sh once first (it prepares $SUPPORT_HUB_TEST_VENV)"; exit 1; }
for script in "$REPO_ROOT"/benchmarks/bench_*.py; do
	if grep -q "^import frappe" "$script"; then
		bench_present || { say "no bench: skipping $(basename "$script")"; continue; }
		start_mariadb && start_bench_redis && sync_app_into_bench && ensure_site "$SUPPORT_HUB_TEST_SITE" || exit 1
		cp "$script" "$SUPPORT_HUB_BENCH/sites/.bench_script.py" && chown "$(bench_owner)" "$SUPPORT_HUB_BENCH/sites/.bench_script.py"
		(cd "$SUPPORT_HUB_BENCH/sites" && as_owner ../env/bin/python .bench_script.py "$SUPPORT_HUB_TEST_SITE")
		rm -f "$SUPPORT_HUB_BENCH/sites/.bench_script.py"
	else
		PYTHONPATH="$REPO_ROOT/apps/support_hub" "$py" "$script"
	fi
done
