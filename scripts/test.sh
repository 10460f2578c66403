#!/usr/bin/env bash
# The test command. Five layers, each counted in the last line "N passed, N failed":
#   engine   pytest on tests/ without Frappe (always)
#   frappe   bench run-tests on the test site: real MariaDB, Redis and documents, in-process
#   http     pytest on tests/http against the test site served by gunicorn with a worker: every role logs in
#   browser  pytest on tests/browser: Debian's Chromium (Selenium, headless) on the same served site
#   erp      on a second test site that also has ERPNext (when the bench has the erpnext app): the in-process
#            module support_hub.erp.test_erp, then pytest on tests/erp against that site served
# The last three need the bench at $SUPPORT_HUB_BENCH (default /home/frappe/frappe-bench); without it
# they are skipped with one line saying so.
#
# While developing: `scripts/test.sh http browser -- -k rating` runs only those layers (engine, frappe,
# http, browser), passing what follows `--` to pytest (or `--module`/`--doctype` to run-tests).
set -uo pipefail
source "$(dirname "$0")/common.sh"
cd "$REPO_ROOT"
log_dir="$(mktemp -d)"
passed=0
failed=0
layers=()
extra=()
while [ $# -gt 0 ]; do
	case "$1" in
		--) shift; extra=("$@"); break ;;
		engine | frappe | http | browser | erp) layers+=("$1") ;;
		*) say "unknown layer $1 (engine, frappe, http, browser, erp)"; exit 2 ;;
	esac
	shift
done
[ ${#layers[@]} -gt 0 ] || layers=(engine frappe http browser erp)
wanted() { [[ " ${layers[*]} " == *" $1 "* ]]; }

# Add a pytest run's closing line to the totals; a run that did not end in a summary is a failure.
count_pytest() {
	local summary
	summary="$(tail -n 1 "$1")"
	passed=$((passed + $(grep -oE '[0-9]+ passed' <<<"$summary" | grep -oE '[0-9]+' || echo 0)))
	failed=$((failed + $(grep -oE '[0-9]+ (failed|error|errors)' <<<"$summary" | grep -oE '[0-9]+' | awk '{s+=$1} END {print s+0}')))
	grep -qE '[0-9]+ passed' <<<"$summary" || failed=$((failed + 1))
}

# ---- engine tests ------------------------------------------------------------------------------
requirements="$REPO_ROOT/tests/requirements.txt"
stamp="$SUPPORT_HUB_TEST_VENV/.requirements-sha1"
if [ ! -x "$SUPPORT_HUB_TEST_VENV/bin/python" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$(sha1sum "$requirements" | cut -d' ' -f1)" ]; then
	say "preparing the test environment in $SUPPORT_HUB_TEST_VENV"
	python3 -m venv "$SUPPORT_HUB_TEST_VENV" &&
		"$SUPPORT_HUB_TEST_VENV/bin/pip" install -q -r "$requirements" &&
		sha1sum "$requirements" | cut -d' ' -f1 >"$stamp" || { say "could not prepare the test environment"; exit 1; }
fi
run_pytest() {
	local name="$1"
	shift
	PYTHONPATH="$REPO_ROOT/apps/support_hub" "$SUPPORT_HUB_TEST_VENV/bin/python" -m pytest -q -p no:cacheprovider \
		"$@" "${extra[@]}" 2>&1 | tee "$log_dir/$name.log"
	count_pytest "$log_dir/$name.log"
}
if wanted engine; then
	say "layer 1/5: engine and integration tests (pytest, no Frappe)"
	run_pytest engine --ignore=tests/http --ignore=tests/browser --ignore=tests/erp tests
fi

# ---- Frappe tests -------------------------------------------------------------------------------
# prepare_test_site SITE [erpnext]
prepare_test_site() {
	local site="$1"
	start_mariadb || return 1
	start_bench_redis >/dev/null
	sync_app_into_bench || return 1
	start_mail_sink || return 1
	ensure_site "$site" "${2:-}" || return 1
	build_assets_if_changed || return 1
	bench_cmd --site "$site" set-config allow_tests true >/dev/null
	bench_cmd --site "$site" set-config auto_email_id "support-test@hub.example" >/dev/null
	# The HTTP and browser tests make a user per case; Frappe refuses more than 60 new users an hour.
	bench_cmd --site "$site" set-config --parse throttle_user_limit 100000 >/dev/null
	configure_site_mail "$site"
	# A fresh site opens the desk on the setup wizard (and answers the desk's calls with 403) until it is
	# done; with ERPNext the wizard also makes the company, its chart of accounts and the fiscal year.
	bench_cmd --site "$site" execute support_hub.demo.finish_setup_wizard >/dev/null
	# Every HTTP and browser test connects from 127.0.0.1, so a per-address cap on web intake would
	# throttle the whole suite as one client; the tests of that cap set their own and put this back.
	bench_cmd --site "$site" execute frappe.db.set_single_value \
		--args "['Support Hub Settings', 'intake_limit_per_client_address', 0]" >/dev/null
}

ready=0
if ! wanted frappe && ! wanted http && ! wanted browser; then
	:
elif ! bench_present; then
	say "No Frappe bench at $SUPPORT_HUB_BENCH (set SUPPORT_HUB_BENCH): Frappe, HTTP and browser tests skipped, engine tests only."
elif ! prepare_test_site "$SUPPORT_HUB_TEST_SITE"; then
	say "could not prepare the bench for tests"
	failed=$((failed + 1))
else
	ready=1
fi
if [ "$ready" = 1 ] && wanted frappe; then
	say "layer 2/5: Frappe tests on $SUPPORT_HUB_TEST_SITE in $SUPPORT_HUB_BENCH"
	# In-process tests send mail the moment it is queued, and each send commits the test's open
	# transaction: muted, their writes stay theirs and roll back.
	bench_cmd --site "$SUPPORT_HUB_TEST_SITE" set-config --parse mute_emails 1 >/dev/null
	bench_cmd --site "$SUPPORT_HUB_TEST_SITE" run-tests --app support_hub "${extra[@]}" 2>&1 | tee "$log_dir/frappe.log"
	status=${PIPESTATUS[0]}
	ran="$(grep -oE '^Ran [0-9]+ test' "$log_dir/frappe.log" | grep -oE '[0-9]+' | tail -n 1)"
	bad="$(grep -oE '^FAILED \((failures|errors)=[0-9]+(, (failures|errors)=[0-9]+)?' "$log_dir/frappe.log" | grep -oE '[0-9]+' | awk '{s+=$1} END {print s+0}')"
	ran=${ran:-0}; bad=${bad:-0}
	# A failed run, or one that found no test at all, is a failure however it counted.
	if { [ "$status" -ne 0 ] || [ "$ran" -eq 0 ]; } && [ "$bad" -eq 0 ]; then bad=1; fi
	passed=$((passed + ran - (bad > ran ? ran : bad)))
	failed=$((failed + bad))
fi
if [ "$ready" = 1 ] && { wanted http || wanted browser; }; then
	say "serving $SUPPORT_HUB_TEST_SITE for the HTTP and browser tests"
	# Served, the site's mail really goes out, to the local SMTP sink that the tests read back.
	bench_cmd --site "$SUPPORT_HUB_TEST_SITE" set-config --parse mute_emails 0 >/dev/null
	trap stop_served EXIT
	if serve_site "$SUPPORT_HUB_TEST_SITE"; then
		export SUPPORT_HUB_URL="$SERVED_URL" SUPPORT_HUB_SITE_NAME="$SUPPORT_HUB_TEST_SITE" \
			SUPPORT_HUB_MAIL_DIR SUPPORT_HUB_BENCH SUPPORT_HUB_ADMIN_PASSWORD
		if wanted http; then
			say "layer 3/5: HTTP tests as every role against $SERVED_URL"
			run_pytest http tests/http
		fi
		if wanted browser; then
			say "layer 4/5: the desk in headless Chromium against $SERVED_URL"
			run_pytest browser tests/browser
		fi
	else
		failed=$((failed + 1))
	fi
	stop_served
fi

# ---- ERP tests ----------------------------------------------------------------------------------
if wanted erp && bench_present && ! erpnext_on_bench; then
	say "the bench has no erpnext app (bench get-app erpnext --branch version-15): ERP tests skipped"
elif wanted erp && bench_present; then
	if ! prepare_test_site "$SUPPORT_HUB_ERP_TEST_SITE" erpnext; then
		say "could not prepare the ERP test site $SUPPORT_HUB_ERP_TEST_SITE"
		failed=$((failed + 1))
	else
		say "layer 5/5: ERP tests on $SUPPORT_HUB_ERP_TEST_SITE (ERPNext v15): in-process, then over HTTP"
		bench_cmd --site "$SUPPORT_HUB_ERP_TEST_SITE" set-config --parse mute_emails 1 >/dev/null
		bench_cmd --site "$SUPPORT_HUB_ERP_TEST_SITE" run-tests --module support_hub.erp.test_erp 2>&1 | tee "$log_dir/erp.log"
		status=${PIPESTATUS[0]}
		ran="$(grep -oE '^Ran [0-9]+ test' "$log_dir/erp.log" | grep -oE '[0-9]+' | tail -n 1)"
		bad="$(grep -oE '^FAILED \((failures|errors)=[0-9]+(, (failures|errors)=[0-9]+)?' "$log_dir/erp.log" | grep -oE '[0-9]+' | awk '{s+=$1} END {print s+0}')"
		ran=${ran:-0}; bad=${bad:-0}
		if { [ "$status" -ne 0 ] || [ "$ran" -eq 0 ]; } && [ "$bad" -eq 0 ]; then bad=1; fi
		passed=$((passed + ran - (bad > ran ? ran : bad)))
		failed=$((failed + bad))
		bench_cmd --site "$SUPPORT_HUB_ERP_TEST_SITE" set-config --parse mute_emails 0 >/dev/null
		trap stop_served EXIT
		if serve_site "$SUPPORT_HUB_ERP_TEST_SITE"; then
			export SUPPORT_HUB_URL="$SERVED_URL" SUPPORT_HUB_SITE_NAME="$SUPPORT_HUB_ERP_TEST_SITE" \
				SUPPORT_HUB_MAIL_DIR SUPPORT_HUB_BENCH SUPPORT_HUB_ADMIN_PASSWORD
			run_pytest erp-http tests/erp
		else
			failed=$((failed + 1))
		fi
		stop_served
	fi
fi

rm -rf "$log_dir"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
