#!/bin/bash
# bench/cluster.sh - actor clustering at scale (issue 5's figures).
#
#   bench/cluster.sh [N]            the engine (src/profile/cluster.c): N
#                                   synthetic listings (default 1,000,000,
#                                   about 3 identifiers each), a full run,
#                                   then an incremental add of 1,000
#   bench/cluster.sh --store N [URI] the same through a store with
#                                   `profile build` (default a SQLite file;
#                                   a postgres:// URI of an empty schema
#                                   works too): the first full build, then
#                                   the incremental add
#
# Data come from bench/gen_listings.py (seeded: the same every run) and
# are kept in build/bench/cluster-N/.  Timings are printed per step, wall
# and CPU (the machine may be shared: CPU is the steadier figure), with
# the peak RSS from /usr/bin/time -v.  Targets: the engine's load + run of
# 1,000,000 listings under 10 s and 1 GiB; the incremental add under 1 s.
set -euo pipefail
cd "$(dirname "$0")/.."

STORE=""
if [ "${1:-}" == "--store" ]; then
	STORE=1
	shift
fi
N=${1:-1000000}
URI=${2:-}
DIR=build/bench/cluster-$N
PKGS="jansson libxml-2.0 libcrypto"

[ -x /usr/bin/time ] || { echo "cluster.sh: /usr/bin/time (GNU time) needed" >&2; exit 1; }
mkdir -p build/bench
if [ ! -s "$DIR/listings.tsv" ] || [ ! -s "$DIR/add.tsv" ]; then
	echo "generating $N listings into $DIR ..."
	python3 bench/gen_listings.py "$DIR" --listings "$N" --add 1000
fi

if [ -z "$STORE" ]; then
	# shellcheck disable=SC2046,SC2086
	${CC:-cc} -std=c17 -D_GNU_SOURCE -O2 -g -Wall -Wextra -Werror \
		-Wno-unused-parameter -Isrc $(pkg-config --cflags $PKGS) \
		-o build/bench/cluster_bench bench/cluster_bench.c src/base/*.c \
		src/profile/cluster.c $(pkg-config --libs $PKGS) -lm
	echo "== engine: $N listings (load + full run), then 1,000 added"
	/usr/bin/time -v build/bench/cluster_bench "$DIR" \
		2>"$DIR/time.txt" | tee "$DIR/result.txt"
	rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$DIR/time.txt")
	echo "peak RSS: $((rss / 1024)) MiB"
	awk -v rss="$rss" '
		/^total/ { total = $2 }
		/^add/ { add = $4 }
		END {
			printf "targets: load+run %.2f s (< 10 s) %s, peak RSS %d MiB (< 1024) %s, add %.3f s (< 1 s) %s\n",
				total, total < 10 ? "ok" : "MISSED",
				rss / 1024, rss < 1048576 ? "ok" : "MISSED",
				add, add < 1 ? "ok" : "MISSED"
		}' "$DIR/result.txt"
	exit 0
fi

# through the store: build the library objects as the Makefile does
make --no-print-directory -s patroli >/dev/null
objs=""
for o in build/rel/src/*/*.o; do
	case $o in */cmd/* | */main.o) ;; *) objs="$objs $o" ;; esac
done
libs=$(make --no-print-directory -s -f Makefile -f - print-libs <<'EOF'
print-libs:
	@echo "$(LDLIBS)"
EOF
)
# shellcheck disable=SC2046,SC2086
${CC:-cc} -std=c17 -D_GNU_SOURCE -O2 -g -Wall -Wextra -Werror \
	-Wno-unused-parameter -Isrc $(pkg-config --cflags $PKGS) \
	-o build/bench/profile_bench bench/profile_bench.c $objs $libs
if [ -z "$URI" ]; then
	URI=$DIR/store.db
	rm -f "$URI" "$URI-wal" "$URI-shm"
fi
echo "== store ($URI): $N listings, first build, then 1,000 added"
/usr/bin/time -v build/bench/profile_bench "$URI" "$DIR" "$N" \
	2>"$DIR/time-store.txt" | tee "$DIR/result-store.txt"
rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$DIR/time-store.txt")
echo "peak RSS: $((rss / 1024)) MiB"
