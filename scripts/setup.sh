#!/usr/bin/env bash
# The setup command: on a fresh Debian/Ubuntu machine (as root) installs what Frappe needs,
# MariaDB and Redis included, builds a Frappe v15 bench the standard way (or reuses the one at
# $SUPPORT_HUB_BENCH), creates a site with support_hub and demo data, and serves it at
# http://localhost:8000. Pass --no-start to stop after the site is ready.
set -euo pipefail
source "$(dirname "$0")/common.sh"
start=1
[ "${1:-}" = "--no-start" ] && start=0
[ "$(id -u)" = 0 ] || { say "run as root (it installs system packages and creates the bench user)"; exit 1; }
export DEBIAN_FRONTEND=noninteractive UV_NATIVE_TLS=1

install_system_packages() {
	local need=()
	command -v mysqld >/dev/null || command -v mariadbd >/dev/null || need+=(mariadb-server mariadb-client)
	command -v redis-server >/dev/null || need+=(redis-server)
	command -v node >/dev/null || need+=(nodejs npm)
	command -v git >/dev/null || need+=(git)
	command -v curl >/dev/null || need+=(curl)
	# bench init installs a backup cron job and fails without crontab
	command -v crontab >/dev/null || need+=(cron)
	# the browser tests drive Debian's Chromium through its driver
	command -v chromedriver >/dev/null || need+=(chromium chromium-driver)
	[ -x /usr/bin/python3 ] && /usr/bin/python3 -c "import venv, ensurepip" 2>/dev/null || need+=(python3 python3-venv python3-dev)
	command -v pkg-config >/dev/null || need+=(pkg-config libmariadb-dev build-essential)
	if [ ${#need[@]} -gt 0 ]; then
		say "installing ${need[*]}"
		apt-get update -q && apt-get install -y -q "${need[@]}" >/dev/null
	fi
	command -v yarn >/dev/null || npm install -g yarn@1 >/dev/null
}

configure_mariadb() {
	local conf=/etc/mysql/mariadb.conf.d/99-support-hub.cnf pool_mb log_mb wanted
	# InnoDB's buffer pool: a quarter of the memory, 256 MB to 4 GB. Debian's 128 MB holds less than a desk
	# with 100,000 tickets works on, and a policy's re-plan or a report then waits on the disk.
	pool_mb="$(awk '/^MemTotal/ {m = int($2 / 1024 / 4); if (m < 256) m = 256; if (m > 4096) m = 4096; print m}' /proc/meminfo)"
	# Its redo log: a quarter of the pool, 128 MB to 1 GB. A re-plan of 100,000 tickets writes 150-250 MB of
	# redo; in Debian's 96 MB log the checkpoint keeps catching up and the writes wait for it.
	log_mb=$((pool_mb / 4)); [ "$log_mb" -lt 128 ] && log_mb=128; [ "$log_mb" -gt 1024 ] && log_mb=1024
	wanted="$(printf '[mysqld]\ncharacter-set-server = utf8mb4\ncollation-server = utf8mb4_unicode_ci\ninnodb_buffer_pool_size = %sM\ninnodb_log_file_size = %sM\n\n[mysql]\ndefault-character-set = utf8mb4' "$pool_mb" "$log_mb")"
	if [ "$(cat "$conf" 2>/dev/null)" != "$wanted" ]; then
		printf '%s\n' "$wanted" >"$conf"
		say "MariaDB: utf8mb4, a buffer pool of ${pool_mb} MB, a redo log of ${log_mb} MB"
		service mariadb restart >/dev/null 2>&1 || true
	fi
	start_mariadb
	# Frappe logs in as root with a password over TCP; Debian's MariaDB root uses the unix socket only
	# (and a password check over the socket passes whatever the password is).
	if mariadb_root_ok; then
		say "MariaDB root password: already set"
	else
		mysql -uroot -e "ALTER USER 'root'@'localhost' IDENTIFIED VIA mysql_native_password USING PASSWORD('$SUPPORT_HUB_DB_ROOT_PASSWORD') OR unix_socket; FLUSH PRIVILEGES;" ||
			{ say "cannot set MariaDB's root password: set SUPPORT_HUB_DB_ROOT_PASSWORD to the one it has"; return 1; }
		mariadb_root_ok || { say "MariaDB still refuses root over TCP"; return 1; }
		say "MariaDB root password: set (socket login kept)"
	fi
}

make_bench() {
	bench_present && return 0
	local owner=frappe
	id "$owner" >/dev/null 2>&1 || useradd -m -s /bin/bash "$owner"
	if ! command -v bench >/dev/null; then
		say "installing the bench CLI (frappe-bench from PyPI)"
		/usr/bin/python3 -m venv /opt/bench-cli
		/opt/bench-cli/bin/pip install -q frappe-bench uv "setuptools<81"
		ln -sf /opt/bench-cli/bin/bench /usr/local/bin/bench
		ln -sf /opt/bench-cli/bin/uv /usr/local/bin/uv
	fi
	mkdir -p "$(dirname "$SUPPORT_HUB_BENCH")"
	chown "$owner:$owner" "$(dirname "$SUPPORT_HUB_BENCH")"
	say "bench init (Frappe version-15) at $SUPPORT_HUB_BENCH — this takes a while"
	runuser -u "$owner" -- env UV_NATIVE_TLS=1 PATH="/usr/local/bin:$PATH" \
		bench init --frappe-branch version-15 --python /usr/bin/python3 "$SUPPORT_HUB_BENCH"
	runuser -u "$owner" -- "$SUPPORT_HUB_BENCH/env/bin/python" -m pip install -q "setuptools<81"
}

# ERPNext is optional: the demo gets it where the bench can (an erpnext app already on the bench, or
# ERPNext's official repository); without it support_hub runs on plain Frappe. SUPPORT_HUB_ERPNEXT=0 skips it.
get_erpnext() {
	[ "${SUPPORT_HUB_ERPNEXT:-1}" = 1 ] || { say "ERPNext: skipped (SUPPORT_HUB_ERPNEXT=0)"; return 0; }
	if erpnext_on_bench; then
		say "ERPNext: already on the bench"
		return 0
	fi
	say "ERPNext: bench get-app erpnext --branch version-15 — this takes a while"
	bench_cmd get-app erpnext --branch version-15 >/dev/null 2>&1 && return 0
	# Whatever a failed get-app left would make the bench half-have ERPNext.
	rm -rf "$SUPPORT_HUB_BENCH/apps/erpnext"
	sed -i '/^erpnext$/d' "$SUPPORT_HUB_BENCH/sites/apps.txt"
	say "ERPNext could not be fetched: the demo runs on plain Frappe (contacts instead of customers and orders)"
}

# `bench start` runs the Procfile's worker line: the same long-lived worker pool the served test site
# gets (common.sh worker_args), for every queue, instead of bench's single `bench worker`.
configure_procfile_workers() {
	local procfile="$SUPPORT_HUB_BENCH/Procfile" line
	[ -f "$procfile" ] || return 0
	line="worker: bench $(worker_args) 1>> logs/worker.log 2>> logs/worker.error.log"
	if grep -qxF "$line" "$procfile"; then
		say "Procfile workers: already $(worker_args)"
	else
		as_owner sed -i "s|^worker:.*|$line|" "$procfile"
		say "Procfile workers: $(worker_args)"
	fi
}

install_system_packages
configure_mariadb
make_bench
started_redis="$(start_bench_redis)"
sync_app_into_bench
start_mail_sink
get_erpnext
if [ "${SUPPORT_HUB_ERPNEXT:-1}" = 1 ] && erpnext_on_bench; then
	ensure_site "$SUPPORT_HUB_SITE" erpnext
else
	ensure_site "$SUPPORT_HUB_SITE"
fi
configure_site_mail "$SUPPORT_HUB_SITE"
say "outgoing mail goes to the local SMTP sink on 127.0.0.1:$SUPPORT_HUB_SMTP_PORT (Maildir $SUPPORT_HUB_MAIL_DIR)"
say "loading demo data"
bench_cmd --site "$SUPPORT_HUB_SITE" execute support_hub.demo.seed
bench_cmd --site "$SUPPORT_HUB_SITE" enable-scheduler >/dev/null
bench_cmd use "$SUPPORT_HUB_SITE" >/dev/null
configure_procfile_workers
build_assets_if_changed
cat <<MSG

support_hub is ready on $SUPPORT_HUB_SITE:
  http://localhost:8000   Administrator / $SUPPORT_HUB_ADMIN_PASSWORD
  agents: adelia@support.example, boris@support.example … manager: maria@support.example
  claims: oleg@support.example, System Manager: it@support.example (demo password: support-demo)
MSG
if [ "$start" = 1 ]; then
	# bench start runs its own Redis servers on the same ports: hand them over.
	stop_bench_redis $started_redis
	say "starting the bench (Ctrl+C stops it)"
	cd "$SUPPORT_HUB_BENCH" && exec bench start
fi
