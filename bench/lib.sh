# shellcheck shell=bash
# bench/lib.sh - shared by the bench scripts (source it; bash).
#
# nginx_start SITE_DIR WORKDIR: serve SITE_DIR with Debian's nginx on the
# first free loopback port from $BENCH_PORT (default 18080), with a config
# of its own in WORKDIR (no daemon, access log off, sendfile, keepalive).
# Sets NGINX_PID and BASE (http://127.0.0.1:PORT).  nginx_stop ends it;
# scripts call it from their EXIT trap.
#
# measure RESULT LOG CMD...: run CMD, record "seconds maxrss_kib exit".

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
NGINX_PID=""

bench_die() {
	printf '%s: %s\n' "$(basename "$0")" "$*" >&2
	exit 1
}

need() {
	local c
	for c in "$@"; do
		command -v "$c" >/dev/null 2>&1 ||
			bench_die "missing '$c' (scripts/install-deps installs it)"
	done
}

# nginx_write_conf WORKDIR SERVER: a config for serving static sites in
# WORKDIR/nginx.conf, with SERVER (listen, root ...) as its server block.
# Shared by every bench that starts nginx.
nginx_write_conf() {
	local user=""
	# As root, workers would drop to nobody, who may not read the site:
	# keep them root (loopback only, static files).
	[ "$(id -u)" = 0 ] && user="user root;"
	mkdir -p "$1/ngx"
	cat >"$1/nginx.conf" <<EOF
$user
daemon off;
master_process on;
worker_processes 1;
worker_rlimit_nofile 8192;
pid $1/nginx.pid;
error_log $1/nginx-error.log warn;
events { worker_connections 4096; }
http {
	access_log off;
	sendfile on;
	tcp_nopush on;
	tcp_nodelay on;
	keepalive_timeout 65;
	keepalive_requests 1000000;
	# cached files stay open: keep well under the usual 1024 descriptors
	open_file_cache max=500 inactive=60s;
	types { text/html html; text/plain txt; application/xml xml; }
	default_type application/octet-stream;
	client_body_temp_path $1/ngx/body;
	proxy_temp_path $1/ngx/proxy;
	fastcgi_temp_path $1/ngx/fastcgi;
	uwsgi_temp_path $1/ngx/uwsgi;
	scgi_temp_path $1/ngx/scgi;
	server {
$2
		index index.html;
	}
}
EOF
}

nginx_conf() { # SITE WORKDIR PORT
	nginx_write_conf "$2" "		listen 127.0.0.1:$3;
		root $1;"
}

# nginx_try_ports WORKDIR FIRST_PORT WRITE_CONF READY: from FIRST_PORT on,
# write the config for a port (WRITE_CONF PORT), start nginx and wait up
# to 5 s for READY PORT to succeed; another port when it does not.  Sets
# NGINX_PID and NGINX_PORT.
nginx_try_ports() {
	local work=$1 port=$2 conf=$3 ready=$4 tries=0
	while :; do
		tries=$((tries + 1))
		[ $tries -le 50 ] || bench_die "no free port for nginx"
		"$conf" "$port"
		# -e: the error log before the config is read (else /var/log)
		nginx -e "$work/nginx-error.log" -c "$work/nginx.conf" \
			-p "$work" >"$work/nginx.out" 2>&1 &
		NGINX_PID=$!
		for _ in $(seq 1 50); do
			kill -0 "$NGINX_PID" 2>/dev/null || break
			if "$ready" "$port" && kill -0 "$NGINX_PID" 2>/dev/null
			then
				NGINX_PORT=$port
				return 0
			fi
			sleep 0.1
		done
		nginx_stop
		port=$((port + 1))
	done
}

nginx_start() { # SITE WORKDIR
	_NGX_SITE=$(cd "$1" && pwd)
	_NGX_WORK=$2
	need nginx curl
	# another server may answer on a busy port: ask for a token only this
	# run wrote into the site
	_NGX_TOKEN="bench-$$-$RANDOM$RANDOM"
	printf '%s\n' "$_NGX_TOKEN" >"$_NGX_SITE/.serve-token"
	nginx_try_ports "$2" "${BENCH_PORT:-18080}" _nginx_site_conf \
		_nginx_site_ready
	# shellcheck disable=SC2034 # for the caller
	BASE="http://127.0.0.1:$NGINX_PORT"
}

_nginx_site_conf() { nginx_conf "$_NGX_SITE" "$_NGX_WORK" "$1"; }

_nginx_site_ready() {
	[ "$(curl -fsS --max-time 1 "http://127.0.0.1:$1/.serve-token" \
		2>/dev/null)" = "$_NGX_TOKEN" ]
}

nginx_stop() {
	if [ -n "$NGINX_PID" ] && kill -0 "$NGINX_PID" 2>/dev/null; then
		kill -QUIT "$NGINX_PID" 2>/dev/null || true
		wait "$NGINX_PID" 2>/dev/null || true
	fi
	NGINX_PID=""
}

measure() { # RESULT LOG CMD...
	python3 "$BENCH_DIR/measure.py" "$1" "$2" -- "${@:3}"
}

# The same kernel state for each crawl: the last one's dirty pages written
# back (on its own time, not this one's), and, when we may (root), the
# page, dentry and inode caches dropped, then SITE read back in and
# WARM... run (a tool's own program and libraries, loaded from memory as
# they are on a machine that crawls every day).  See bench/crawl.sh.
bench_settle() { # SITE [WARM...]
	local site=$1
	shift
	sync
	if [ -w /proc/sys/vm/drop_caches ]; then
		echo 3 >/proc/sys/vm/drop_caches
		find "$site" -type f -exec cat {} + >/dev/null
		[ $# -eq 0 ] || "$@" >/dev/null 2>&1 || true
	fi
}

# Generate a site with gensite.py into DIR unless DIR/.stamp says it was
# made with the same arguments by the same generator.
gensite() { # DIR ARGS...
	local dir=$1 want
	shift
	want="$(sha256sum "$BENCH_DIR/gensite.py" | cut -c1-16) $*"
	if [ -f "$dir/.stamp" ] && [ "$(cat "$dir/.stamp")" = "$want" ]; then
		return 0
	fi
	echo "generating $dir ($*)"
	python3 "$BENCH_DIR/gensite.py" "$dir" "$@"
	echo "$want" >"$dir/.stamp"
}
