#!/usr/bin/env bash
# The test command. Engine and integration tests (pytest, no Frappe needed) always run; the Frappe
# tests run on a real site wherever a Frappe v15 bench exists at $SUPPORT_HUB_BENCH
# (default /home/frappe/frappe-bench). Ends with one line: "N passed, N failed".
set -uo pipefail
source "$(dirname "$0")/common.sh"
cd "$REPO_ROOT"
log_dir="$(mktemp -d)"
passed=0
failed=0

# ---- engine tests ------------------------------------------------------------------------------
requirements="$REPO_ROOT/tests/requirements.txt"
stamp="$SUPPORT_HUB_TEST_VENV/.requirements-sha1"
if [ ! -x "$SUPPORT_HUB_TEST_VENV/bin/python" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$(sha1sum "$requirements" | cut -d' ' -f1)" ]; then
	say "preparing the test environment in $SUPPORT_HUB_TEST_VENV"
	python3 -m venv "$SUPPORT_HUB_TEST_VENV" &&
		"$SUPPORT_HUB_TEST_VENV/bin/pip" install -q -r "$requirements" &&
		sha1sum "$requirements" | cut -d' ' -f1 >"$stamp" || { say "could not prepare the test environment"; exit 1; }
fi
say "engine and integration tests (pytest)"
PYTHONPATH="$REPO_ROOT/apps/support_hub" "$SUPPORT_HUB_TEST_VENV/bin/python" -m pytest -q -p no:cacheprovider tests 2>&1 | tee "$log_dir/pytest.log"
summary="$(tail -n 1 "$log_dir/pytest.log")"
passed=$((passed + $(grep -oE '[0-9]+ passed' <<<"$summary" | grep -oE '[0-9]+' || echo 0)))
failed=$((failed + $(grep -oE '[0-9]+ (failed|error)' <<<"$summary" | grep -oE '[0-9]+' | awk '{s+=$1} END {print s+0}')))
grep -qE '[0-9]+ passed' <<<"$summary" || failed=$((failed + 1))

# ---- Frappe tests -------------------------------------------------------------------------------
if bench_present; then
	say "Frappe tests on $SUPPORT_HUB_TEST_SITE in $SUPPORT_HUB_BENCH"
	if start_mariadb && start_bench_redis && sync_app_into_bench && ensure_site "$SUPPORT_HUB_TEST_SITE"; then
		bench_cmd --site "$SUPPORT_HUB_TEST_SITE" set-config allow_tests true >/dev/null
		# The test site never talks to a mail server: Frappe queues mail but does not send it, from a
		# sender address of its own (without one Frappe's placeholder account has no address at all).
		bench_cmd --site "$SUPPORT_HUB_TEST_SITE" set-config mute_emails 1 >/dev/null
		bench_cmd --site "$SUPPORT_HUB_TEST_SITE" set-config auto_email_id "support-test@hub.example" >/dev/null
		bench_cmd --site "$SUPPORT_HUB_TEST_SITE" run-tests --app support_hub 2>&1 | tee "$log_dir/frappe.log"
		status=${PIPESTATUS[0]}
		ran="$(grep -oE '^Ran [0-9]+ test' "$log_dir/frappe.log" | grep -oE '[0-9]+' | tail -n 1)"
		bad="$(grep -oE '^FAILED \((failures|errors)=[0-9]+(, (failures|errors)=[0-9]+)?' "$log_dir/frappe.log" | grep -oE '[0-9]+' | awk '{s+=$1} END {print s+0}')"
		ran=${ran:-0}; bad=${bad:-0}
		# A failed run, or one that found no test at all, is a failure however it counted.
		if { [ "$status" -ne 0 ] || [ "$ran" -eq 0 ]; } && [ "$bad" -eq 0 ]; then bad=1; fi
		passed=$((passed + ran - (bad > ran ? ran : bad)))
		failed=$((failed + bad))
	else
		say "could not prepare the bench for tests"
		failed=$((failed + 1))
	fi
else
	say "No Frappe bench at $SUPPORT_HUB_BENCH (set SUPPORT_HUB_BENCH): Frappe tests skipped, engine tests only."
fi

rm -rf "$log_dir"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
