#!/usr/bin/env bash
# demo/run.sh - what `make demo` runs once ./patroli is built: serve the
# bundled demo market on loopback, patrol it and print what was found.
#
# Every run starts from a clean demo/out (the store, the WARC files and the
# server log), so the summary is the same each time and a half-finished
# earlier run cannot leak into it.  The site itself (demo/site/) is kept and
# regenerated only when it is missing or demo/gen.py is newer.
#
# The demo is a list of steps (STEPS below), each a function step_<name>;
# later stages of the pipeline add a function and a word to the list.
# Environment: DEMO_PORT (first port to try, default 8731), PATROLI (the
# binary, default ./patroli).
set -euo pipefail

cd "$(dirname "$0")/.."
SITE=demo/site
OUT=demo/out
BIN=${PATROLI:-./patroli}
PY=${PYTHON:-python3}
STEPS="site serve init registry crawl summary findings done"

P() { "$BIN" --db "$OUT/patroli.db" --data "$OUT/data" "$@"; }
say() { printf '\n== %s\n' "$*"; }
die() { printf 'demo: %s\n' "$*" >&2; exit 1; }

SERVER_PID=""
cleanup() {
	if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
		kill "$SERVER_PID" 2>/dev/null || true
		wait "$SERVER_PID" 2>/dev/null || true
	fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---- steps ---------------------------------------------------------------

step_site() {
	if [ ! -f "$SITE/labels.jsonl" ] || [ demo/gen.py -nt "$SITE/labels.jsonl" ]
	then
		say "generating the demo site"
		"$PY" demo/gen.py --out "$SITE"
	fi
}

# Start python's web server on the first free port from DEMO_PORT on: a
# busy port makes the server exit at once, so try the next.  Another server
# may already answer on a busy port, so the probe asks for a token only
# this run wrote into the site.
step_serve() {
	local port=${DEMO_PORT:-8731} tries=0
	rm -rf "$OUT"
	mkdir -p "$OUT"
	TOKEN="demo-$$-$RANDOM$RANDOM"
	printf '%s\n' "$TOKEN" >"$SITE/.serve-token"
	while :; do
		tries=$((tries + 1))
		[ $tries -le 50 ] || die "no free port from ${DEMO_PORT:-8731} on"
		"$PY" -m http.server --bind 127.0.0.1 "$port" -d "$SITE" \
			>"$OUT/server.log" 2>&1 &
		SERVER_PID=$!
		if wait_http "http://127.0.0.1:$port/"; then
			break
		fi
		kill "$SERVER_PID" 2>/dev/null || true
		wait "$SERVER_PID" 2>/dev/null || true
		SERVER_PID=""
		port=$((port + 1))
	done
	BASE="http://127.0.0.1:$port"
	# robots.txt names the sitemap, which needs absolute URLs
	sed "s#@BASE@#$BASE#g" "$SITE/robots.txt.in" >"$SITE/robots.txt"
	sed "s#@BASE@#$BASE#g" "$SITE/sitemap.xml.in" >"$SITE/sitemap.xml"
	say "demo market served at $BASE/ (log: $OUT/server.log)"
}

# Poll until our server answers with our token, or dies; 0 when it answers.
wait_http() {
	local got
	for _ in $(seq 1 50); do
		kill -0 "$SERVER_PID" 2>/dev/null || return 1
		got=$(curl -fsS --max-time 1 "$1.serve-token" 2>/dev/null) || got=""
		if [ "$got" = "$TOKEN" ] && kill -0 "$SERVER_PID" 2>/dev/null
		then
			return 0
		fi
		sleep 0.1
	done
	return 1
}

step_init() {
	say "patroli init"
	P init
}

# The demo's own product registry (written by gen.py beside the site), so
# registration numbers are judged against it.  Skipped by a patroli that has
# no registry command yet.
step_registry() {
	if ! P help 2>/dev/null | grep -qw registry; then
		return 0
	fi
	say "patroli registry import $SITE/registry.csv"
	P registry import "$SITE/registry.csv"
}

step_crawl() {
	say "patroli crawl --seed $BASE/ --delay-ms 0 --concurrency 8"
	P crawl --seed "$BASE/" --delay-ms 0 --concurrency 8 --no-progress
}

step_summary() {
	say "summary"
	P pages export --format jsonl --out "$OUT/pages.jsonl"
	"$PY" demo/report.py pages "$OUT/pages.jsonl" "$SITE/labels.jsonl" \
		"$OUT/server.log"
	local n size
	n=$(find "$OUT/data" -name '*.warc.gz' | wc -l)
	size=$(du -sh "$OUT/data" 2>/dev/null | cut -f1)
	printf 'WARC files:          %s (%s in %s)\n' "$n" "$size" "$OUT/data"
	find "$OUT/data" -name '*.warc.gz' | sort | sed 's/^/    /'
	say "patroli evidence verify"
	P evidence verify | tail -n 5
}

# What the analysis found (the crawl runs it at the end), and how that
# compares with the site's labels.  Skipped by a patroli that has no
# findings command yet.
step_findings() {
	if ! P help 2>/dev/null | grep -qw findings; then
		return 0
	fi
	say "findings"
	P findings export --format jsonl --out "$OUT/findings.jsonl"
	"$PY" demo/report.py findings "$OUT/findings.jsonl" "$SITE/labels.jsonl"
	if P findings export --format xlsx --out "$OUT/temuan.xlsx"; then
		echo "officer's workbook: $OUT/temuan.xlsx"
	fi
}

step_done() {
	say "done: store $OUT/patroli.db, evidence $OUT/data, exports in $OUT/"
}

for s in $STEPS; do
	"step_$s"
done
