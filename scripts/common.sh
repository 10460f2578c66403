# Shared by scripts/setup.sh and scripts/test.sh. Sourced, not run.
# Every path and name can be overridden from the environment; the defaults are what CI uses.
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SUPPORT_HUB_BENCH="${SUPPORT_HUB_BENCH:-/home/frappe/frappe-bench}"
SUPPORT_HUB_SITE="${SUPPORT_HUB_SITE:-support.localhost}"
SUPPORT_HUB_TEST_SITE="${SUPPORT_HUB_TEST_SITE:-support-test.localhost}"
SUPPORT_HUB_ERP_TEST_SITE="${SUPPORT_HUB_ERP_TEST_SITE:-support-erp-test.localhost}"
SUPPORT_HUB_ERP_BENCH_SITE="${SUPPORT_HUB_ERP_BENCH_SITE:-support-erp-bench.localhost}"
SUPPORT_HUB_DB_ROOT_PASSWORD="${SUPPORT_HUB_DB_ROOT_PASSWORD:-root}"
SUPPORT_HUB_ADMIN_PASSWORD="${SUPPORT_HUB_ADMIN_PASSWORD:-admin}"
SUPPORT_HUB_TEST_VENV="${SUPPORT_HUB_TEST_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/support_hub/test-venv}"
SUPPORT_HUB_SMTP_PORT="${SUPPORT_HUB_SMTP_PORT:-2525}"
SUPPORT_HUB_MAIL_DIR="${SUPPORT_HUB_MAIL_DIR:-$SUPPORT_HUB_BENCH/mail-sink}"

say() { printf '\033[1m[support_hub]\033[0m %s\n' "$*"; }

bench_present() { [ -f "$SUPPORT_HUB_BENCH/sites/common_site_config.json" ] && [ -d "$SUPPORT_HUB_BENCH/apps/frappe" ]; }

bench_owner() { stat -c %U "$SUPPORT_HUB_BENCH"; }

# Run a command as the bench's owner (bench itself switches user when root calls it, pip does not).
as_owner() {
	local owner
	owner="$(bench_owner)"
	if [ "$(id -un)" = "$owner" ]; then "$@"; else runuser -u "$owner" -- "$@"; fi
}

bench_cmd() { (cd "$SUPPORT_HUB_BENCH" && bench "$@"); }

# MariaDB's root as Frappe uses it: a password over TCP. Debian's root also logs in through the unix
# socket without any password, so a check over the socket would pass while Frappe is refused.
mariadb_root_ok() { mysql -h127.0.0.1 --protocol=TCP -uroot -p"$SUPPORT_HUB_DB_ROOT_PASSWORD" -e "select 1" >/dev/null 2>&1; }

mariadb_up() { mysqladmin ping >/dev/null 2>&1 || mysqladmin -h127.0.0.1 --protocol=TCP -uroot -p"$SUPPORT_HUB_DB_ROOT_PASSWORD" ping >/dev/null 2>&1; }

start_mariadb() {
	mariadb_up && return 0
	say "starting MariaDB"
	service mariadb start >/dev/null 2>&1 || (mysqld_safe >/dev/null 2>&1 &)
	for _ in $(seq 1 60); do
		mariadb_up && return 0
		sleep 1
	done
	say "MariaDB did not start"; return 1
}

redis_port() { sed -n 's/^port \([0-9]*\)/\1/p' "$SUPPORT_HUB_BENCH/config/$1.conf"; }

# The bench's own Redis servers (cache and queue). Prints the names of those it had to start, so a
# caller that hands over to `bench start` can stop them first (bench start binds the same ports).
start_bench_redis() {
	local conf port
	for conf in redis_cache redis_queue; do
		port="$(redis_port "$conf")"
		if ! redis-cli -p "$port" ping >/dev/null 2>&1; then
			(cd "$SUPPORT_HUB_BENCH" && as_owner redis-server "config/$conf.conf" --daemonize yes >/dev/null)
			for _ in $(seq 1 40); do redis-cli -p "$port" ping >/dev/null 2>&1 && break; sleep 0.25; done
			echo "$conf"
		fi
	done
}

stop_bench_redis() {
	local conf
	for conf in "$@"; do redis-cli -p "$(redis_port "$conf")" shutdown nosave >/dev/null 2>&1 || true; done
}

copy_app_into_bench() {
	local target="$1" built
	# Built desk assets live in the app folder (public/dist): keep them across the refresh.
	built="$(mktemp -d)"
	[ -d "$target/support_hub/public/dist" ] && mv "$target/support_hub/public/dist" "$built/"
	rm -rf "$target"
	cp -a "$REPO_ROOT/apps/support_hub" "$target"
	[ -d "$built/dist" ] && mv "$built/dist" "$target/support_hub/public/"
	rm -rf "$built"
	find "$target" -name __pycache__ -prune -exec rm -rf {} +
	chown -R "$(bench_owner):$(bench_owner)" "$target"
}

# Put this checkout's app into the bench (a copy, so the bench's owner can read it wherever the
# checkout lives) and make sure the bench's Python environment has it and its dependencies.
sync_app_into_bench() {
	local target="$SUPPORT_HUB_BENCH/apps/support_hub" marker
	if [ -L "$target" ] && [ "$(readlink -f "$target")" = "$(readlink -f "$REPO_ROOT/apps/support_hub")" ]; then
		: # a developer's bench linked to this very checkout: nothing to copy
	else
		copy_app_into_bench "$target"
	fi
	local apps="$SUPPORT_HUB_BENCH/sites/apps.txt"
	if ! grep -qx support_hub "$apps"; then
		[ -z "$(tail -c 1 "$apps")" ] || echo >>"$apps"  # apps.txt often lacks a final newline
		echo support_hub >>"$apps"
	fi
	marker="$SUPPORT_HUB_BENCH/env/.support_hub-deps"
	if [ "$(cat "$marker" 2>/dev/null)" != "$(sha1sum "$target/pyproject.toml" | cut -d' ' -f1)" ] ||
		! "$SUPPORT_HUB_BENCH/env/bin/python" -c "import support_hub" 2>/dev/null; then
		say "installing support_hub into the bench environment"
		as_owner "$SUPPORT_HUB_BENCH/env/bin/python" -m pip install -q -e "$target[test]" "setuptools<81" &&
			sha1sum "$target/pyproject.toml" | cut -d' ' -f1 | as_owner tee "$marker" >/dev/null
	fi
}

# The desk bundle (public/dist, not in git) is rebuilt whenever the app's public/ sources changed.
public_tree_hash() {
	(cd "$REPO_ROOT/apps/support_hub/support_hub/public" &&
		find . -path ./dist -prune -o -type f -print0 | sort -z | xargs -0 sha1sum | sha1sum | cut -d' ' -f1)
}

build_assets_if_changed() {
	local marker="$SUPPORT_HUB_BENCH/sites/.support_hub-assets" link="$SUPPORT_HUB_BENCH/sites/assets/support_hub"
	# The desk serves /assets/support_hub from this link; a build made while the app sat elsewhere (a
	# checkout linked into the bench, say) points it there, and the desk then loads none of the app's code.
	if [ -L "$link" ] && [ "$(readlink "$link")" != "$SUPPORT_HUB_BENCH/apps/support_hub/support_hub/public" ]; then
		as_owner ln -sfn "$SUPPORT_HUB_BENCH/apps/support_hub/support_hub/public" "$link"
		say "desk assets: /assets/support_hub links to the bench's copy of the app again"
	fi
	if [ "$(cat "$marker" 2>/dev/null)" = "$(public_tree_hash)" ] && [ -d "$SUPPORT_HUB_BENCH/apps/support_hub/support_hub/public/dist" ]; then
		say "desk assets are up to date"
		return 0
	fi
	say "building support_hub's desk assets"
	bench_cmd build --app support_hub >/dev/null || return 1
	public_tree_hash | as_owner tee "$marker" >/dev/null
}

# A hash of the app's tree: migrate only when something in it changed since the site last saw it.
app_tree_hash() { (cd "$REPO_ROOT/apps/support_hub" && find . -type f -not -path '*/__pycache__/*' -not -path './support_hub/public/dist/*' -not -path '*.egg-info/*' -print0 | sort -z | xargs -0 sha1sum | sha1sum | cut -d' ' -f1); }

site_config_value() {
	"$SUPPORT_HUB_BENCH/env/bin/python" -c 'import json,sys; print(json.load(open(sys.argv[1])).get(sys.argv[2]) or "")' \
		"$SUPPORT_HUB_BENCH/sites/$1/site_config.json" "$2" 2>/dev/null
}

# A site is usable when its config names a database that its own user can open and that has
# Frappe's tables; a failed new-site leaves a folder without that.
site_usable() {
	local site="$1" db pw
	db="$(site_config_value "$site" db_name)"
	pw="$(site_config_value "$site" db_password)"
	[ -n "$db" ] && [ -n "$pw" ] &&
		mysql -h127.0.0.1 --protocol=TCP -u"$db" -p"$pw" "$db" -e 'select 1 from `tabInstalled Application` limit 1' >/dev/null 2>&1
}

# Whether the site's database lists support_hub among its installed apps (where Frappe keeps them:
# the global default "installed_apps").
app_installed() {
	local db pw app="${2:-support_hub}"
	db="$(site_config_value "$1" db_name)"
	pw="$(site_config_value "$1" db_password)"
	mysql -h127.0.0.1 --protocol=TCP -u"$db" -p"$pw" "$db" -N -e \
		"select defvalue from \`tabDefaultValue\` where parent = '__global' and defkey = 'installed_apps'" 2>/dev/null |
		grep -q "\"$app\""
}

# A System Settings value read from the site's database (empty when the site has no such table yet).
site_setting() {
	local db pw
	db="$(site_config_value "$1" db_name)"
	pw="$(site_config_value "$1" db_password)"
	mysql -h127.0.0.1 --protocol=TCP -u"$db" -p"$pw" "$db" -N -e \
		"select value from \`tabSingles\` where doctype = 'System Settings' and field = '$2'" 2>/dev/null
}

# ERPNext is optional: the ERP layer of the tests and the demo's grocery story need it on the bench.
erpnext_on_bench() { [ -d "$SUPPORT_HUB_BENCH/apps/erpnext/erpnext" ]; }

# Remove a site with its database and database user, whatever state a failed run left it in.
drop_site() {
	local site="$1" db
	db="$(site_config_value "$site" db_name)"
	if [ -n "$db" ]; then
		mysql -h127.0.0.1 --protocol=TCP -uroot -p"$SUPPORT_HUB_DB_ROOT_PASSWORD" -e \
			"DROP DATABASE IF EXISTS \`$db\`; DROP USER IF EXISTS '$db'@'localhost'; DROP USER IF EXISTS '$db'@'%';" || return 1
	fi
	rm -rf "${SUPPORT_HUB_BENCH:?}/sites/$site"
}

# Create the site if missing (or half-made by a failed run), install the app, migrate when it changed.
# ensure_site SITE [erpnext]: the site with support_hub (and ERPNext first, when asked), installed or
# migrated as needed.
ensure_site() {
	local site="$1" with_erpnext="${2:-}" marker
	if [ -d "$SUPPORT_HUB_BENCH/sites/$site" ] && ! site_usable "$site"; then
		say "site $site was left half-made by an earlier run: dropping it to start again"
		drop_site "$site" || return 1
	fi
	if [ ! -d "$SUPPORT_HUB_BENCH/sites/$site" ]; then
		say "creating site $site"
		if ! bench_cmd new-site "$site" --db-root-password "$SUPPORT_HUB_DB_ROOT_PASSWORD" \
			--admin-password "$SUPPORT_HUB_ADMIN_PASSWORD" >/dev/null; then
			say "new-site $site failed; removing what it left"
			drop_site "$site"
			return 1
		fi
	fi
	if [ -n "$with_erpnext" ] && ! app_installed "$site" erpnext; then
		if [ "$(site_setting "$site" setup_complete)" = 1 ]; then
			# ERPNext refuses a site whose setup wizard is done (it makes the company in that wizard).
			say "ERPNext can only go on a fresh site: $site was made without it (scripts/fresh-start.sh drops it)"
		else
			# ERPNext goes in before support_hub, which then finds Customer and Sales Order at install.
			say "installing ERPNext on $site (a few minutes)"
			bench_cmd --site "$site" install-app erpnext >/dev/null || return 1
		fi
	fi
	marker="$SUPPORT_HUB_BENCH/sites/$site/.support_hub-tree"
	if ! app_installed "$site"; then
		say "installing support_hub on $site"
		bench_cmd --site "$site" install-app support_hub || return 1
	elif [ "$(cat "$marker" 2>/dev/null)" != "$(app_tree_hash)" ]; then
		say "migrating $site (the app changed since it was last installed)"
		bench_cmd --site "$site" migrate >/dev/null || return 1
	else
		say "site $site is up to date"
	fi
	app_tree_hash | as_owner tee "$marker" >/dev/null
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# The local SMTP server every site of this bench sends through: aiosmtpd (installed with the app's
# test extras) writing each message to a Maildir that tests read back. Started once, left running.
start_mail_sink() {
	port_open "$SUPPORT_HUB_SMTP_PORT" && return 0
	as_owner mkdir -p "$SUPPORT_HUB_MAIL_DIR/new" "$SUPPORT_HUB_MAIL_DIR/cur" "$SUPPORT_HUB_MAIL_DIR/tmp"
	(cd "$SUPPORT_HUB_BENCH" && as_owner setsid "$SUPPORT_HUB_BENCH/env/bin/python" -m aiosmtpd -n \
		-l "127.0.0.1:$SUPPORT_HUB_SMTP_PORT" -c aiosmtpd.handlers.Mailbox "$SUPPORT_HUB_MAIL_DIR" \
		>>"$SUPPORT_HUB_BENCH/logs/mail-sink.log" 2>&1 </dev/null &)
	for _ in $(seq 1 40); do port_open "$SUPPORT_HUB_SMTP_PORT" && return 0; sleep 0.25; done
	say "the mail sink did not start (see $SUPPORT_HUB_BENCH/logs/mail-sink.log)"; return 1
}

# Point a site's default outgoing Email Account at the mail sink.
configure_site_mail() {
	bench_cmd --site "$1" execute support_hub.setup.mail.configure_outgoing \
		--kwargs "{'server': '127.0.0.1', 'port': $SUPPORT_HUB_SMTP_PORT}" >/dev/null
}

# The background workers, as `bench start` runs them from the bench's Procfile (setup writes that line
# with procfile_workers): one long-lived process for every queue, Frappe's worker pool with
# $SUPPORT_HUB_WORKERS workers, started by `bench support-hub-worker-pool` so every job's forked work horse
# starts with this app's modules loaded (worker_preload.py). Intake drains a burst in a few batch jobs, so
# a second worker lets the next batch (or a mail or SLA job) run while one waits on the database.
SUPPORT_HUB_WORKERS="${SUPPORT_HUB_WORKERS:-2}"
worker_args() { echo "support-hub-worker-pool --num-workers $SUPPORT_HUB_WORKERS --queue short,default,long"; }

# Start the served site's workers in their own session (so one signal reaches them all), the pid in
# $1/worker.pid. A benchmark kills and restarts them through this too.
start_served_worker() {
	local log="$SUPPORT_HUB_BENCH/logs/test-worker.log"
	[ -w "$log" ] || [ ! -e "$log" ] || log="$1/worker.log"  # a log root made, when the bench user calls
	# The redirection is the background subshell's own, so it holds no caller's pipe open while it waits.
	(cd "$SUPPORT_HUB_BENCH/sites" && as_owner setsid bash -c 'echo $$ >"$1/worker.pid"; exec "$2/env/bin/python" -m frappe.utils.bench_helper frappe $3' \
		_ "$1" "$SUPPORT_HUB_BENCH" "$(worker_args)") >>"$log" 2>&1 </dev/null &
	for _ in $(seq 1 20); do [ -s "$1/worker.pid" ] && return 0; sleep 0.1; done
}

# Serve a site for the HTTP and browser tests: gunicorn on a free 127.0.0.1 port (with Frappe's own
# middleware for /assets and /files, which nginx serves in production) and one background worker for
# every queue, their pids in $SERVED_RUN. Sets SERVED_URL; stop_served ends both.
serve_site() {
	local site="$1" port
	port="$(free_port)"
	SERVED_RUN="$(as_owner mktemp -d)"
	(cd "$SUPPORT_HUB_BENCH/sites" && as_owner "$SUPPORT_HUB_BENCH/env/bin/gunicorn" -b "127.0.0.1:$port" -w 3 -t 120 \
		--graceful-timeout 5 -p "$SERVED_RUN/web.pid" -D --error-logfile "$SUPPORT_HUB_BENCH/logs/test-web.log" \
		'frappe.app:application_with_statics()')
	start_served_worker "$SERVED_RUN"
	SERVED_URL="http://127.0.0.1:$port"
	for _ in $(seq 1 120); do
		curl -sf -o /dev/null -H "Host: $site" "$SERVED_URL/api/method/ping" && return 0
		sleep 0.5
	done
	say "the test site did not come up on $SERVED_URL (see $SUPPORT_HUB_BENCH/logs/test-web.log)"; return 1
}

stop_served() {
	local f
	[ -n "${SERVED_RUN:-}" ] || return 0
	for f in "$SERVED_RUN"/*.pid; do
		[ -f "$f" ] && kill -TERM "$(cat "$f")" 2>/dev/null
	done
	# the workers' session: a pool's workers and a job still running
	[ -f "$SERVED_RUN/worker.pid" ] && kill -TERM -- "-$(cat "$SERVED_RUN/worker.pid")" 2>/dev/null
	sleep 1
	rm -rf "$SERVED_RUN"
	SERVED_RUN=""
}
