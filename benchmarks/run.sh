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
		site="$SUPPORT_HUB_TEST_SITE"
		start_mariadb && start_bench_redis && sync_app_into_bench || exit 1
		if [[ "$(basename "$script")" == bench_erp_* || "$(basename "$script")" == bench_intake.py ]]; then
			# ERPNext's own tables at scale live on their own site, seeded once and kept between runs;
			# the intake benchmark compares with ERPNext's Issue there.
			erpnext_on_bench || { say "no erpnext app on the bench: skipping $(basename "$script")"; continue; }
			site="$SUPPORT_HUB_ERP_BENCH_SITE"
			ensure_site "$site" erpnext && bench_cmd --site "$site" execute support_hub.demo.finish_setup_wizard >/dev/null || exit 1
		else
			ensure_site "$site" || exit 1
		fi
		cp "$script" "$SUPPORT_HUB_BENCH/sites/.bench_script.py" && chown "$(bench_owner)" "$SUPPORT_HUB_BENCH/sites/.bench_script.py"
		(cd "$SUPPORT_HUB_BENCH/sites" && as_owner env SUPPORT_HUB_REPO="$REPO_ROOT" ../env/bin/python .bench_script.py "$site")
		rm -f "$SUPPORT_HUB_BENCH/sites/.bench_script.py"
	else
		PYTHONPATH="$REPO_ROOT/apps/support_hub" "$py" "$script"
	fi
done
