#!/usr/bin/env bash
# bench/frontier.sh - does patroli's memory stay flat while its frontier
# grows to a million URLs?
#
# nginx serves a generated site of 2,000 pages, each linking to 500 URLs
# nobody else links to (bench/gensite.py --unique-links); the index links to
# every page.  patroli crawls it with --max-pages 2001 (the index and the
# 2,000 pages), so it stops fetching once it has discovered about 1,000,000
# URLs, and the script reports how many the frontier holds and the crawl's
# peak RSS, which must stay under 200 MiB.  Results go to
# bench/out/frontier.txt.  Exit 1 when the limit is broken.
#
# Environment: FRONTIER_PAGES (2000), FRONTIER_LINKS (500),
# FRONTIER_LIMIT_MIB (200), BENCH_TIMEOUT (900), BENCH_PORT, PATROLI.
set -euo pipefail

cd "$(dirname "$0")/.."
. bench/lib.sh

PAGES=${FRONTIER_PAGES:-2000}
LINKS=${FRONTIER_LINKS:-500}
LIMIT=${FRONTIER_LIMIT_MIB:-200}
BIN=${PATROLI:-./patroli}
OUTDIR=bench/out
SITE=$OUTDIR/frontier-$PAGES-$LINKS
export MEASURE_TIMEOUT=${BENCH_TIMEOUT:-900}
mkdir -p "$OUTDIR"
[ -x "$BIN" ] || bench_die "no $BIN: run 'make' first"
need sqlite3
T=$(mktemp -d "${TMPDIR:-/tmp}/patroli-frontier.XXXXXX")
cleanup() {
	nginx_stop
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

gensite "$SITE" --pages "$PAGES" --unique-links "$LINKS"
nginx_start "$SITE" "$T"

extra=()
help=$("$BIN" crawl --help 2>&1)
# the per-host URL budget must not be what stops the frontier growing
grep -q -- '--host-budget' <<<"$help" &&
	extra+=(--host-budget $((PAGES * LINKS + PAGES + 1000)))
grep -q -- '--max-links' <<<"$help" &&
	extra+=(--max-links $((PAGES > LINKS ? PAGES + 10 : LINKS + 10)))
grep -q -- '--no-analyze' <<<"$help" && extra+=(--no-analyze)
grep -q -- '--no-progress' <<<"$help" && extra+=(--no-progress)

echo "patroli: crawling $PAGES pages x $LINKS unique links from $BASE/"
measure "$T/res" "$T/log" "$BIN" --db "$T/p.db" --data "$T/d" crawl \
	--seed "$BASE/index.html" --delay-ms 0 --concurrency 16 \
	--max-pages $((PAGES + 1)) "${extra[@]}" || true
read -r secs rss status cpu <"$T/res"
# The frontier table is the store's; count it read-only.  Fall back to the
# crawl's own summary when the schema differs.
urls=$(sqlite3 -readonly "$T/p.db" 'SELECT count(*) FROM frontier' \
	2>/dev/null || echo "?")
fetched=$("$BIN" --db "$T/p.db" --data "$T/d" pages export --format jsonl |
	wc -l)

STAMP=$(date -u +%Y%m%dT%H%M%SZ)
{
	echo "# bench/frontier.sh $STAMP: $PAGES pages x $LINKS unique links"
	echo "frontier URLs:  $urls"
	echo "pages recorded: $fetched"
	echo "seconds:        $secs wall, $cpu CPU (exit $status)"
	awk -v r="$rss" -v l="$LIMIT" 'BEGIN {
		printf "peak RSS:       %.1f MiB (limit %d MiB): %s\n", r / 1024,
			l, (r / 1024 < l ? "ok" : "TOO HIGH") }'
	grep -E '^ +(pages|discovered|throughput):' "$T/log" | tail -n 3 || true
} | tee "$OUTDIR/frontier.txt"
[ "$status" = 0 ] || { tail -n 5 "$T/log" >&2; exit 1; }
awk -v r="$rss" -v l="$LIMIT" 'BEGIN { exit !(r / 1024 < l) }'
