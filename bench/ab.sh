#!/usr/bin/env bash
# bench/ab.sh - patroli builds side by side on bench/crawl.sh's site: the
# way to tell whether a change made the crawl faster.
#
#   bench/ab.sh [-n ROUNDS] BINARY...
#
# Each round crawls the 20,000-page site once with every BINARY in turn
# (concurrency 16, no delay, WARC and store written, --max-pages 20000), from
# the same kernel state (as root: dirty pages written back, caches dropped,
# the site read back in), and prints one line per crawl: wall seconds,
# pages/s, CPU seconds, involuntary context switches and the machine's idle
# clock ticks during the crawl.  Then the mean of each binary.  Machine speed
# drifts by 15% within an hour here, so only binaries measured in the same
# run compare; use several rounds (default 3).  Copy each build somewhere
# first (cp patroli /tmp/p-before) so they can all be run.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh

ROUNDS=3
if [ "${1:-}" = -n ]; then
	ROUNDS=$2
	shift 2
fi
[ $# -gt 0 ] || bench_die "usage: bench/ab.sh [-n ROUNDS] BINARY..."
for b in "$@"; do
	[ -x "$b" ] || bench_die "$b: not an executable"
done
SITE=bench/out/site-20000
gensite "$SITE" --pages 20000
T=$(mktemp -d "${TMPDIR:-/tmp}/patroli-ab.XXXXXX")
cleanup() {
	nginx_stop
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
nginx_start "$SITE" "$T"

# busy and idle clock ticks of the whole machine so far
ticks() {
	awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 + $9, $5 + $6 }' /proc/stat
}

for ((r = 1; r <= ROUNDS; r++)); do
	for b in "$@"; do
		rm -rf "$T/d" "$T"/p.db*
		bench_settle "$SITE" "$b" help
		read -r _ i0 < <(ticks)
		/usr/bin/time -f "%e %U %S %c" -o "$T/time" "$b" --db "$T/p.db" \
			--data "$T/d" crawl --seed "$BASE/index.html" --delay-ms 0 \
			--concurrency 16 --max-pages 20000 --no-analyze \
			--no-progress >"$T/log" 2>&1 ||
			{
				tail -n 5 "$T/log" >&2
				bench_die "$b failed"
			}
		read -r _ i1 < <(ticks)
		read -r wall u s cs <"$T/time"
		awk -v b="$b" -v w="$wall" -v u="$u" -v s="$s" -v cs="$cs" \
			-v idle=$((i1 - i0)) 'BEGIN {
			printf "%-28s wall %5.2f  pages/s %6.0f  CPU s %5.2f" \
				"  cs %6d  idle %4d\n", b, w, 20000 / w, u + s,
				cs, idle }'
	done
done | tee "$T/lines"
awk '{ n[$1]++; p[$1] += $5; c[$1] += $8 } END {
	for (b in n)
		printf "%-28s mean of %d: pages/s %6.0f  CPU s %5.2f\n", b, n[b],
			p[b] / n[b], c[b] / n[b] }' "$T/lines" | sort
