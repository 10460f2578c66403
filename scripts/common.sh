# Shared by scripts/setup.sh and scripts/test.sh. Sourced, not run.
# Every path and name can be overridden from the environment; the defaults are what CI uses.
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SUPPORT_HUB_BENCH="${SUPPORT_HUB_BENCH:-/home/frappe/frappe-bench}"
SUPPORT_HUB_SITE="${SUPPORT_HUB_SITE:-support.localhost}"
SUPPORT_HUB_TEST_SITE="${SUPPORT_HUB_TEST_SITE:-support-test.localhost}"
SUPPORT_HUB_DB_ROOT_PASSWORD="${SUPPORT_HUB_DB_ROOT_PASSWORD:-root}"
SUPPORT_HUB_ADMIN_PASSWORD="${SUPPORT_HUB_ADMIN_PASSWORD:-admin}"
SUPPORT_HUB_TEST_VENV="${SUPPORT_HUB_TEST_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/support_hub/test-venv}"

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

start_mariadb() {
	if mysqladmin ping >/dev/null 2>&1 || mysqladmin -uroot -p"$SUPPORT_HUB_DB_ROOT_PASSWORD" ping >/dev/null 2>&1; then
		return 0
	fi
	say "starting MariaDB"
	service mariadb start >/dev/null 2>&1 || (mysqld_safe >/dev/null 2>&1 &)
	for _ in $(seq 1 60); do
		mysqladmin -uroot -p"$SUPPORT_HUB_DB_ROOT_PASSWORD" ping >/dev/null 2>&1 && return 0
		mysqladmin ping >/dev/null 2>&1 && return 0
		sleep 1
	done
	say "MariaDB did not start"; return 1
}

start_bench_redis() {
	local conf port
	for conf in redis_cache redis_queue; do
		port="$(sed -n 's/^port \([0-9]*\)/\1/p' "$SUPPORT_HUB_BENCH/config/$conf.conf")"
		if ! redis-cli -p "$port" ping >/dev/null 2>&1; then
			say "starting $conf on port $port"
			(cd "$SUPPORT_HUB_BENCH" && as_owner redis-server "config/$conf.conf" --daemonize yes >/dev/null)
		fi
	done
	for _ in $(seq 1 30); do
		redis-cli -p "$port" ping >/dev/null 2>&1 && return 0
		sleep 0.5
	done
}

# Put this checkout's app into the bench (a copy, so the bench's owner can read it wherever the
# checkout lives) and make sure the bench's Python environment has it and its dependencies.
sync_app_into_bench() {
	local target="$SUPPORT_HUB_BENCH/apps/support_hub" marker built
	# Built desk assets live in the app folder (public/dist): keep them across the refresh.
	built="$(mktemp -d)"
	[ -d "$target/support_hub/public/dist" ] && mv "$target/support_hub/public/dist" "$built/"
	rm -rf "$target"
	cp -a "$REPO_ROOT/apps/support_hub" "$target"
	[ -d "$built/dist" ] && mv "$built/dist" "$target/support_hub/public/"
	rm -rf "$built"
	find "$target" -name __pycache__ -prune -exec rm -rf {} +
	chown -R "$(bench_owner):$(bench_owner)" "$target"
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

# A hash of the app's tree: migrate only when something in it changed since the site last saw it.
app_tree_hash() { (cd "$REPO_ROOT/apps/support_hub" && find . -type f -not -path '*/__pycache__/*' -print0 | sort -z | xargs -0 sha1sum | sha1sum | cut -d' ' -f1); }

# Create the site if missing, install the app, migrate when the app changed.
ensure_site() {
	local site="$1" marker
	if [ ! -d "$SUPPORT_HUB_BENCH/sites/$site" ]; then
		say "creating site $site"
		bench_cmd new-site "$site" --db-root-password "$SUPPORT_HUB_DB_ROOT_PASSWORD" \
			--admin-password "$SUPPORT_HUB_ADMIN_PASSWORD" >/dev/null || return 1
	fi
	marker="$SUPPORT_HUB_BENCH/sites/$site/.support_hub-tree"
	if ! bench_cmd --site "$site" list-apps 2>/dev/null | grep -q '^support_hub'; then
		say "installing support_hub on $site"
		bench_cmd --site "$site" install-app support_hub || return 1
	elif [ "$(cat "$marker" 2>/dev/null)" != "$(app_tree_hash)" ]; then
		say "migrating $site"
		bench_cmd --site "$site" migrate >/dev/null || return 1
	fi
	app_tree_hash | as_owner tee "$marker" >/dev/null
}
