#!/usr/bin/env bash
# The test command. Five layers, each counted in the last line "N passed, N failed":
#   engine   pytest on tests/ without Frappe (always)
#   frappe   bench run-tests on the test site: real MariaDB, Redis and documents, in-process
#   http     pytest on tests/http against the test site served by gunicorn with a worker: every role logs in
#   browser  pytest on tests/browser: Debian's Chromium (Selenium, headless) on the same served site
#   erp      on a second test site that also has ERPNext (when the bench has the erpnext app): the in-process
#            module support_hub.erp.test_erp, then pytest on tests/erp against that site served
# The last four need the bench at $SUPPORT_HUB_BENCH (default /home/frappe/frappe-bench); without it
# they are skipped with one line saying so.
#
# Layers that do not share a database or a site setting run side by side, since most of their time is
# spent waiting (for a worker, a browser, a fake server), not computing:
#   first   engine  |  frappe (test site, in-process)  |  the ERP site's preparation and in-process tests
#   then    one gunicorn and one worker pool serve both sites (Frappe picks the site by Host):
#           http  |  browser  |  the ERP site's HTTP tests
# A layer running beside the one on screen prints its output when it ends.
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


# ---- engine tests ------------------------------------------------------------------------------
requirements="$REPO_ROOT/tests/requirements.txt"
stamp="$SUPPORT_HUB_TEST_VENV/.requirements-sha1"
if [ ! -x "$SUPPORT_HUB_TEST_VENV/bin/python" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$(sha1sum "$requirements" | cut -d' ' -f1)" ]; then
	say "preparing the test environment in $SUPPORT_HUB_TEST_VENV"
	python3 -m venv "$SUPPORT_HUB_TEST_VENV" &&
		"$SUPPORT_HUB_TEST_VENV/bin/pip" install -q -r "$requirements" &&
		sha1sum "$requirements" | cut -d' ' -f1 >"$stamp" || { say "could not prepare the test environment"; exit 1; }
fi

# Every layer writes $log_dir/NAME.log and says how to count it in NAME.kind (pytest, or run-tests with
# its exit status in NAME.status); the totals are taken from those files at the end.
run_pytest() {
	local name="$1"
	shift
	echo pytest >"$log_dir/$name.kind"
	PYTHONPATH="$REPO_ROOT/apps/support_hub" "$SUPPORT_HUB_TEST_VENV/bin/python" -m pytest -q -p no:cacheprovider \
		"$@" "${extra[@]}" >"$log_dir/$name.log" 2>&1
}
# run_frappe_tests NAME SITE ARGS...: bench run-tests into NAME.log, its exit status into NAME.status.
run_frappe_tests() {
	local name="$1" site="$2"
	shift 2
	echo run-tests >"$log_dir/$name.kind"
	bench_cmd --site "$site" run-tests "$@" >"$log_dir/$name.log" 2>&1
	echo $? >"$log_dir/$name.status"
}
show_layer() { say "$2"; cat "$log_dir/$1.log" 2>/dev/null; }

# Add a pytest run's closing line to the totals; a run that did not end in a summary is a failure.
count_pytest() {
	local summary
	summary="$(tail -n 1 "$1")"
	passed=$((passed + $(grep -oE '[0-9]+ passed' <<<"$summary" | grep -oE '[0-9]+' || echo 0)))
	failed=$((failed + $(grep -oE '[0-9]+ (failed|error|errors)' <<<"$summary" | grep -oE '[0-9]+' | awk '{s+=$1} END {print s+0}')))
	grep -qE '[0-9]+ (passed|deselected)' <<<"$summary" || failed=$((failed + 1))  # all deselected by -k: nothing ran, nothing failed
}
# A run-tests run: a failed run, or one that found no test at all, is a failure however it counted.
count_run_tests() {
	local log="$1" status="$2" ran bad
	ran="$(grep -oE '^Ran [0-9]+ test' "$log" | grep -oE '[0-9]+' | tail -n 1)"
	bad="$(grep -oE '^FAILED \((failures|errors)=[0-9]+(, (failures|errors)=[0-9]+)?' "$log" | grep -oE '[0-9]+' | awk '{s+=$1} END {print s+0}')"
	ran=${ran:-0}; bad=${bad:-0}
	if { [ "${status:-1}" -ne 0 ] || [ "$ran" -eq 0 ]; } && [ "$bad" -eq 0 ]; then bad=1; fi
	passed=$((passed + ran - (bad > ran ? ran : bad)))
	failed=$((failed + bad))
}

if wanted engine; then
	run_pytest engine --ignore=tests/http --ignore=tests/browser --ignore=tests/erp tests &
	engine_job=$!
fi

# ---- the bench: its services and this app, once for every layer that needs them -------------------------
# prepare_test_site SITE [erpnext]
prepare_test_site() {
	local site="$1"
	ensure_site "$site" "${2:-}" || return 1
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

bench_ready=0
ready=0
erp=0
if ! wanted frappe && ! wanted http && ! wanted browser && ! wanted erp; then
	:
elif ! bench_present; then
	say "No Frappe bench at $SUPPORT_HUB_BENCH (set SUPPORT_HUB_BENCH): Frappe, HTTP, browser and ERP tests skipped, engine tests only."
elif ! { start_mariadb && start_bench_redis >/dev/null && sync_app_into_bench && start_mail_sink && build_assets_if_changed; }; then
	say "could not prepare the bench for tests"
	failed=$((failed + 1))
else
	bench_ready=1
fi
if [ "$bench_ready" = 1 ] && { wanted frappe || wanted http || wanted browser; }; then
	if prepare_test_site "$SUPPORT_HUB_TEST_SITE"; then
		ready=1
	else
		say "could not prepare the test site $SUPPORT_HUB_TEST_SITE"
		failed=$((failed + 1))
	fi
fi
if [ "$bench_ready" = 1 ] && wanted erp; then
	if erpnext_on_bench; then
		erp=1
	else
		say "the bench has no erpnext app (bench get-app erpnext --branch version-15): ERP tests skipped"
	fi
fi

# ---- first: in-process tests on each site ----------------------------------------------------------
if [ "$erp" = 1 ]; then
	(
		if prepare_test_site "$SUPPORT_HUB_ERP_TEST_SITE" erpnext >"$log_dir/erp-prepare.log" 2>&1; then
			touch "$log_dir/erp.ready"
			bench_cmd --site "$SUPPORT_HUB_ERP_TEST_SITE" set-config --parse mute_emails 1 >/dev/null
			run_frappe_tests erp "$SUPPORT_HUB_ERP_TEST_SITE" --module support_hub.erp.test_erp
		fi
	) &
	erp_job=$!
fi
if [ "$ready" = 1 ] && wanted frappe; then
	say "layer 2/5: Frappe tests on $SUPPORT_HUB_TEST_SITE in $SUPPORT_HUB_BENCH"
	# In-process tests send mail the moment it is queued, and each send commits the test's open
	# transaction: muted, their writes stay theirs and roll back.
	bench_cmd --site "$SUPPORT_HUB_TEST_SITE" set-config --parse mute_emails 1 >/dev/null
	run_frappe_tests frappe "$SUPPORT_HUB_TEST_SITE" --app support_hub "${extra[@]}" &
	frappe_job=$!
	tail -n +1 --pid="$frappe_job" -F "$log_dir/frappe.log" 2>/dev/null
	wait "$frappe_job"
fi
if [ "$ready" = 1 ] && wanted browser; then
	# The load-time test measures the desk on a site with a support desk's years of tickets; they are
	# kept between runs, so only the first run spends the half minute.
	cp "$REPO_ROOT/tests/browser/ticket_volume.py" "$SUPPORT_HUB_BENCH/sites/.ticket_volume.py" &&
		chown "$(bench_owner)" "$SUPPORT_HUB_BENCH/sites/.ticket_volume.py" &&
		(cd "$SUPPORT_HUB_BENCH/sites" && as_owner ../env/bin/python .ticket_volume.py "$SUPPORT_HUB_TEST_SITE") ||
		say "could not add the ticket volume: the load-time test will skip"
	rm -f "$SUPPORT_HUB_BENCH/sites/.ticket_volume.py"
fi
if [ "$erp" = 1 ]; then
	wait "$erp_job"
	if [ -f "$log_dir/erp.ready" ]; then
		show_layer erp "layer 5/5: ERP tests on $SUPPORT_HUB_ERP_TEST_SITE (ERPNext v15): in-process (ran beside layer 2)"
	else
		cat "$log_dir/erp-prepare.log"
		say "could not prepare the ERP test site $SUPPORT_HUB_ERP_TEST_SITE"
		failed=$((failed + 1))
		erp=0
	fi
fi

# ---- then: both sites served, the HTTP, browser and ERP HTTP tests side by side ----------------------------
served_http=0; served_browser=0
[ "$ready" = 1 ] && wanted http && served_http=1
[ "$ready" = 1 ] && wanted browser && served_browser=1
if [ "$served_http" = 1 ] || [ "$served_browser" = 1 ] || [ "$erp" = 1 ]; then
	# Served, the sites' mail really goes out, to the local SMTP sink that the tests read back.
	[ "$ready" = 1 ] && bench_cmd --site "$SUPPORT_HUB_TEST_SITE" set-config --parse mute_emails 0 >/dev/null
	[ "$erp" = 1 ] && bench_cmd --site "$SUPPORT_HUB_ERP_TEST_SITE" set-config --parse mute_emails 0 >/dev/null
	trap stop_served EXIT
	if serve_site "$SUPPORT_HUB_TEST_SITE"; then
		export SUPPORT_HUB_URL="$SERVED_URL" SUPPORT_HUB_MAIL_DIR SUPPORT_HUB_BENCH SUPPORT_HUB_ADMIN_PASSWORD
		served_jobs=()
		if [ "$served_http" = 1 ]; then
			SUPPORT_HUB_SITE_NAME="$SUPPORT_HUB_TEST_SITE" run_pytest http tests/http &
			served_jobs+=($!)
		fi
		if [ "$served_browser" = 1 ]; then
			# Two browsers at once, each on its own files: most of a desk test is waiting for the page.
			# The load-time test runs after all of them (below).
			SUPPORT_HUB_SITE_NAME="$SUPPORT_HUB_TEST_SITE" run_pytest browser tests/browser/test_desk_flows.py &
			served_jobs+=($!)
			SUPPORT_HUB_SITE_NAME="$SUPPORT_HUB_TEST_SITE" run_pytest browser-more tests/browser \
				--ignore tests/browser/test_desk_flows.py \
				--ignore tests/browser/test_desk_load_time.py &
			served_jobs+=($!)
		fi
		if [ "$erp" = 1 ]; then
			SUPPORT_HUB_SITE_NAME="$SUPPORT_HUB_ERP_TEST_SITE" run_pytest erp-http tests/erp &
			served_jobs+=($!)
		fi
		say "layers 3-5 side by side against $SERVED_URL: $(
			[ "$served_http" = 1 ] && printf 'HTTP tests as every role; '
			[ "$served_browser" = 1 ] && printf 'the desk in headless Chromium; '
			[ "$erp" = 1 ] && printf 'ERP tests over HTTP on %s' "$SUPPORT_HUB_ERP_TEST_SITE")"
		wait "${served_jobs[@]}"
		if [ "$served_browser" = 1 ]; then
			# Timed alone, once the others are done: beside them it would time the machine's load.
			say "layer 4/5: the desk's load time with 100,000 tickets, measured alone"
			SUPPORT_HUB_SITE_NAME="$SUPPORT_HUB_TEST_SITE" run_pytest browser-load tests/browser/test_desk_load_time.py
			cat "$log_dir/browser-load.log"
		fi
		[ "$served_http" = 1 ] && show_layer http "layer 3/5: HTTP tests as every role on $SUPPORT_HUB_TEST_SITE"
		[ "$served_browser" = 1 ] && show_layer browser "layer 4/5: the desk in headless Chromium on $SUPPORT_HUB_TEST_SITE" &&
			show_layer browser-more "layer 4/5, the second browser: the desk's other pages"
		[ "$erp" = 1 ] && show_layer erp-http "layer 5/5: ERP tests over HTTP on $SUPPORT_HUB_ERP_TEST_SITE"
	else
		failed=$((failed + 1))
	fi
	stop_served
fi

if wanted engine; then
	wait "$engine_job"
	show_layer engine "layer 1/5: engine and integration tests (pytest, no Frappe; ran beside layer 2)"
fi

for kind in "$log_dir"/*.kind; do
	[ -e "$kind" ] || continue
	name="$(basename "$kind" .kind)"
	if [ "$(cat "$kind")" = pytest ]; then
		count_pytest "$log_dir/$name.log"
	else
		count_run_tests "$log_dir/$name.log" "$(cat "$log_dir/$name.status" 2>/dev/null)"
	fi
done
rm -rf "$log_dir"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
