#!/usr/bin/env bash
# bench/floor.sh - the CPU per page the crawl issue requires of every page
# (WARC records hashed and gzipped, the body parsed by libxml2 for its
# links), on one thread, with the crawler's own functions: what any
# crawler meeting the issue spends before it fetches or stores anything.
# Builds build/bench/floor_bench (optimised, no sanitizers) from
# bench/floor_bench.c and the modules it needs.
#   bench/floor.sh [-n REPEAT] [ROOT...]
# Default root: bench/out/site-20000 (the crawl bench's site; made here
# when missing).
set -euo pipefail
cd "$(dirname "$0")/.."
out=build/bench/floor_bench
bench/build-c.sh "$out" \
	"libxml-2.0 libcurl libpsl libcrypto zlib libbrotlidec libisal" \
	bench/floor_bench.c src/base/*.c src/html/*.c src/crawl/url.c \
	src/warc/*.c
opts=""
if [ "${1:-}" = -n ]; then
	opts="-n $2"
	shift 2
fi
if [ $# -eq 0 ]; then
	. bench/lib.sh
	gensite bench/out/site-20000 --pages 20000
	set -- bench/out/site-20000
fi
# shellcheck disable=SC2086
"$out" $opts "$@"
