#!/bin/sh
# bench/links.sh - links/s of resolve + canonicalise, curl only (as before
# the fast paths) against the fast paths, on saved pages.  Builds
# bench/links_bench (optimised, no sanitizers) from src/base, src/html and
# src/crawl/url.c only, so it builds while other modules are in flux.
#   bench/links.sh [-n REPEAT] [-u URL_PREFIX] [ROOT...]
# Default roots: bench/out/site-2000 (bench/gensite.py --pages 2000, made
# here when missing) and the dev corpus /work/shared/corpus-dev/site when
# it exists.
set -eu
cd "$(dirname "$0")/.."
out=build/bench/links_bench
bench/build-c.sh "$out" "libxml-2.0 libcurl libpsl libcrypto" \
	bench/links_bench.c src/base/*.c src/html/html.c src/crawl/url.c
opts=""
while [ $# -gt 0 ]; do
	case $1 in
	-n | -u)
		opts="$opts $1 $2"
		shift 2
		;;
	*) break ;;
	esac
done
if [ $# -eq 0 ]; then
	if [ ! -f bench/out/site-2000/index.html ]; then
		python3 bench/gensite.py bench/out/site-2000 --pages 2000
		# the stamp bench/lib.sh's gensite() writes, so it reuses it
		echo "$(sha256sum bench/gensite.py | cut -c1-16) --pages 2000" \
			>bench/out/site-2000/.stamp
	fi
	set -- bench/out/site-2000
	[ -d /work/shared/corpus-dev/site ] &&
		set -- "$@" /work/shared/corpus-dev/site
fi
# shellcheck disable=SC2086
exec "$out" $opts "$@"
