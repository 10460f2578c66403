#!/usr/bin/env bash
# Replay a fresh start on a machine that already has the bench: drop the demo and test sites with
# their databases and database users, stop everything the two commands start (the bench's processes,
# its Redis servers, the mail sink, MariaDB). Then `scripts/setup.sh --no-start` and `scripts/test.sh`
# must work unaided, as on a new machine. The bench itself (Python env, built assets) is kept.
set -uo pipefail
source "$(dirname "$0")/common.sh"
[ "$(id -u)" = 0 ] || { say "run as root"; exit 1; }
if bench_present; then
	start_mariadb >/dev/null 2>&1
	for site in "$SUPPORT_HUB_SITE" "$SUPPORT_HUB_TEST_SITE"; do
		if [ -d "$SUPPORT_HUB_BENCH/sites/$site" ]; then
			drop_site "$site" && say "dropped $site, its database and its database user"
		fi
	done
	[ "$(cat "$SUPPORT_HUB_BENCH/sites/currentsite.txt" 2>/dev/null)" = "$SUPPORT_HUB_SITE" ] && rm -f "$SUPPORT_HUB_BENCH/sites/currentsite.txt"
	pkill -f "$SUPPORT_HUB_BENCH/env/bin/gunicorn" 2>/dev/null
	pkill -f "frappe.utils.bench_helper frappe (support-hub-)?(worker|schedule)" 2>/dev/null
	pkill -f "aiosmtpd -n -l 127.0.0.1:$SUPPORT_HUB_SMTP_PORT" 2>/dev/null
	stop_bench_redis redis_cache redis_queue
	say "stopped the bench's processes, Redis servers and the mail sink"
fi
service mariadb stop >/dev/null 2>&1 && say "stopped MariaDB"
say "fresh start ready: now run scripts/setup.sh --no-start, then scripts/test.sh"
