#!/usr/bin/env bash
# bench/crawl.sh - patroli against wget2 and Scrapy, in one run, on loopback.
#
# nginx (Debian's) serves a generated 20,000-page static site (bench/
# gensite.py: 5-20 KB pages with 10-30 links each); each tool crawls it from
# /index.html at concurrency 16 with no delay and robots.txt obeyed:
#   patroli  WARC evidence and the store written, as in production
#   wget2    --recursive, pages saved to disk
#   Scrapy   a minimal CrawlSpider (bench/scrapy_bench.py); keeps nothing
#   wget-warc  wget 1.x --recursive --warc-file: one connection (wget 1.x
#            has no concurrency), but the same evidence as patroli's (a
#            WARC file of request and response records, each gzipped,
#            with digests): what evidence costs another crawler
# and prints one table (pages, seconds, pages/s, peak RSS) and the ratio of
# patroli's pages/s to wget2's.  Results go to bench/out/crawl-<time>.txt
# and bench/out/crawl.txt.  Installs nothing: scripts/install-deps provides
# nginx-light, wget2, wget and python3-scrapy.
#
# patroli and wget2 run BENCH_ROUNDS times each (default 3), alternating,
# and the table shows each tool's median round; the ratio is that of the
# medians, and each round's own ratio is listed too (one wget2 run can be
# off by a third from the next).  Scrapy, 50 times slower, and wget-warc
# run once.
#
# Environment: BENCH_PAGES (default 20000), BENCH_CONCURRENCY (16),
# BENCH_ROUNDS (3), BENCH_TOOLS (default "patroli wget2 wget-warc scrapy"),
# BENCH_TIMEOUT (seconds one
# tool may take, default 900; a tool that hangs is stopped and marked),
# BENCH_MAX_PAGES (patroli's --max-pages, default BENCH_PAGES; 0 = none),
# BENCH_KEEP=1 (keep the temporary directory: stores, logs, downloads),
# BENCH_PORT, PATROLI.
set -euo pipefail

cd "$(dirname "$0")/.."
. bench/lib.sh

PAGES=${BENCH_PAGES:-20000}
CONC=${BENCH_CONCURRENCY:-16}
TOOLS=${BENCH_TOOLS:-patroli wget2 wget-warc scrapy}
ROUNDS=${BENCH_ROUNDS:-3}
BIN=${PATROLI:-./patroli}
OUTDIR=bench/out
SITE=$OUTDIR/site-$PAGES
mkdir -p "$OUTDIR"
export MEASURE_TIMEOUT=${BENCH_TIMEOUT:-900}
T=$(mktemp -d "${TMPDIR:-/tmp}/patroli-bench.XXXXXX")

cleanup() {
	nginx_stop
	if [ -n "${BENCH_KEEP:-}" ]; then
		echo "kept $T"
	else
		rm -rf "$T"
	fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Debian's Scrapy lives in Debian's python3, which may not be the python3
# first in PATH (pyenv and the like).
SCRAPY_PY=""
for py in /usr/bin/python3 python3; do
	if "$py" -c 'import scrapy' 2>/dev/null; then
		SCRAPY_PY=$py
		break
	fi
done

for t in $TOOLS; do
	case $t in
	patroli) [ -x "$BIN" ] || bench_die "no $BIN: run 'make' first" ;;
	wget2) need wget2 ;;
	wget-warc) need wget ;;
	scrapy) [ -n "$SCRAPY_PY" ] || bench_die "no Scrapy (python3-scrapy)" ;;
	*) bench_die "unknown tool $t" ;;
	esac
done

gensite "$SITE" --pages "$PAGES"
nginx_start "$SITE" "$T"
URL=$BASE/index.html
echo "site: $PAGES pages, $(du -sh "$SITE" | cut -f1), served by nginx at $BASE"

declare -A R_PAGES R_SECS R_RSS R_CPU R_NOTE

record() { # TOOL RESULTFILE PAGES (the round is $ROUND)
	local secs rss code cpu k=$1:$ROUND
	read -r secs rss code cpu <"$2"
	R_CPU[$k]=$cpu
	R_PAGES[$k]=$3
	R_SECS[$k]=$secs
	R_RSS[$k]=$rss
	R_NOTE[$k]=""
	[ "$code" = 0 ] || R_NOTE[$k]="exit $code"
	[ "$code" = timeout ] && R_NOTE[$k]="stopped after ${MEASURE_TIMEOUT}s"
	if [ "$code" != 0 ]; then
		echo "warning: $1 exited with status $code (log: $T/$1.log)" >&2
		tail -n 5 "$T/$1.log" >&2 || true
	fi
}

run_patroli() {
	local extra=() n
	# BENCH_MAX_PAGES=0 leaves --max-pages out (the site has no more pages
	# than that anyway)
	[ "${BENCH_MAX_PAGES:-$PAGES}" = 0 ] ||
		extra+=(--max-pages "${BENCH_MAX_PAGES:-$PAGES}")
	# --no-analyze arrives with the analysis stage; use it when it exists
	# so the figure is the crawl's alone.
	if "$BIN" crawl --help 2>&1 | grep -q -- '--no-analyze'; then
		extra+=(--no-analyze)
	fi
	"$BIN" crawl --help 2>&1 | grep -q -- '--no-progress' &&
		extra+=(--no-progress)
	echo "patroli: crawling..."
	measure "$T/patroli.res" "$T/patroli.log" \
		"$BIN" --db "$T/p.db" --data "$T/d" crawl --seed "$URL" \
		--delay-ms 0 --concurrency "$CONC" "${extra[@]}" || true
	n=$("$BIN" --db "$T/p.db" --data "$T/d" pages export --format jsonl |
		wc -l)
	record patroli "$T/patroli.res" "$n"
	[ -n "${BENCH_KEEP:-}" ] || rm -rf "$T/d" "$T"/p.db*
}

run_wget2() {
	local n
	echo "wget2: crawling..."
	# robots.txt is obeyed by default (--robots=on), as by the others
	measure "$T/wget2.res" "$T/wget2.log" \
		wget2 --recursive --level=inf --max-threads="$CONC" --no-parent \
		--no-verbose --progress=none --reject-regex '/private/' \
		-P "$T/w$ROUND" "$URL" || true
	n=$(find "$T/w$ROUND" -type f -name '*.html' | wc -l)
	record wget2 "$T/wget2.res" "$n"
	# Kept until the bench ends (the trap removes $T): see wget2_warmup.
}

# On ext4 without a journal (this machine's), a new inode is not one
# deleted in the last minutes (recently_deleted(), fs/ext4/ialloc.c): after
# a run deleted its 20,000 files, the next run's 20,000 creations walk past
# them, and wget2 took 3.8 s (3.2 s of it system CPU) where it takes 1.8
# (1.7).  So no round deletes its files, and one wget2 run before the
# rounds, not counted, takes the allocator past what earlier runs of this
# bench (or anything else) deleted.
wget2_warmup() {
	echo "wget2: warm-up run (not counted)..."
	wget2 --recursive --level=inf --max-threads="$CONC" --no-parent \
		--no-verbose --progress=none --reject-regex '/private/' \
		-P "$T/w0" "$URL" >/dev/null 2>&1 || true
}

run_wget_warc() {
	local n
	echo "wget-warc: crawling (one connection)..."
	mkdir -p "$T/ww"
	measure "$T/wget-warc.res" "$T/wget-warc.log" \
		wget --recursive --level=inf --no-parent --no-verbose \
		--reject-regex '/private/' --warc-file="$T/ww/bench" \
		--no-warc-keep-log -P "$T/ww" "$URL" || true
	n=$(find "$T/ww" -type f -name '*.html' | wc -l)
	record wget-warc "$T/wget-warc.res" "$n"
}

run_scrapy() {
	local n
	echo "scrapy: crawling..."
	measure "$T/scrapy.res" "$T/scrapy.log" \
		"$SCRAPY_PY" -m scrapy runspider bench/scrapy_bench.py \
		-a url="$URL" -a out="$T/scrapy.count" \
		-s CONCURRENT_REQUESTS="$CONC" \
		-s CONCURRENT_REQUESTS_PER_DOMAIN="$CONC" || true
	n=$(cat "$T/scrapy.count" 2>/dev/null || echo 0)
	record scrapy "$T/scrapy.res" "$n"
}

# Each tool starts from the same kernel state (bench_settle, lib.sh): no
# dirty pages of the one before (the kernel would write the last tool's
# files back, patroli's WARC and store or wget2's 20,000 files, on this
# one's time and cores), and, when we may (root), no dentry and inode
# caches of earlier runs: every wget2 run creates 20,000 files, and what
# earlier runs left in the kernel's caches made the next runs slower (on
# 2026-11-29, wget2 went from 4,400-5,700 to 5,800-6,950 pages/s after
# dropping them; the rest of that slowdown was the inode allocator, see
# wget2_warmup).  The site is read back into the page cache before each
# tool, so nginx serves every tool from memory, and warm_tools loads the
# tools' own programs and libraries: a crawler starts once and runs for
# hours, and loading them from disk (0.18 s for patroli's 85 libraries,
# 0.04 s for wget2's 27) is not what this bench compares.
warm_tools() {
	local t
	for t in $TOOLS; do
		case $t in
		patroli) "$BIN" help ;;
		wget2) wget2 --version ;;
		wget-warc) wget --version ;;
		scrapy) "$SCRAPY_PY" -c 'import scrapy' ;;
		esac
	done
}

# Rounds alternate the tools, so that a slow minute on the machine falls
# on both.
declare -A N_ROUNDS
case " $TOOLS " in *" wget2 "*) wget2_warmup ;; esac
for ((ROUND = 1; ROUND <= ROUNDS; ROUND++)); do
	for t in $TOOLS; do
		case $t in scrapy | wget-warc) [ "$ROUND" -gt 1 ] && continue ;; esac
		bench_settle "$SITE" warm_tools
		"run_${t//-/_}"
		N_ROUNDS[$t]=$ROUND
	done
done

# pages/s of TOOL's round R
rate() {
	awk -v p="${R_PAGES[$1:$2]}" -v s="${R_SECS[$1:$2]}" \
		'BEGIN { printf "%.1f", (s > 0 ? p / s : 0) }'
}

# The round of TOOL with the median pages/s (the lower of the middle two).
median_round() {
	local r
	for ((r = 1; r <= N_ROUNDS[$1]; r++)); do
		echo "$(rate "$1" "$r") $r"
	done | sort -n | awk '{ v[NR] = $2 } END { print v[int((NR + 1) / 2)] }'
}

STAMP=$(date -u +%Y%m%dT%H%M%SZ)
REPORT=$OUTDIR/crawl-$STAMP.txt
{
	echo "# bench/crawl.sh $STAMP: $PAGES pages, concurrency $CONC," \
		"nginx on loopback, $(nproc) CPUs, load $(cut -d' ' -f1-3 \
		/proc/loadavg)"
	echo "# median of $ROUNDS round(s) for patroli and wget2, one for" \
		"wget-warc and Scrapy"
	printf '%-9s %8s %9s %9s %13s %9s  %s\n' tool pages seconds pages/s \
		"peak RSS MiB" "CPU s" "pages/s of each round"
	declare -A MED
	for t in $TOOLS; do
		m=$(median_round "$t")
		MED[$t]=$m
		k=$t:$m
		all=""
		for ((r = 1; r <= N_ROUNDS[$t]; r++)); do
			all="$all $(rate "$t" "$r")"
		done
		awk -v t="$t" -v p="${R_PAGES[$k]}" -v s="${R_SECS[$k]}" \
			-v r="${R_RSS[$k]}" -v c="${R_CPU[$k]}" \
			-v n="${R_NOTE[$k]}" -v all="$all" 'BEGIN {
			printf "%-9s %8d %9.2f %9.1f %13.1f %9.2f %s%s\n", t, p,
				s, (s > 0 ? p / s : 0), r / 1024, c, all,
				(n != "" ? "  (" n ")" : "") }'
	done
	if [ -n "${MED[patroli]:-}" ] && [ -n "${MED[wget2]:-}" ]; then
		each=""
		for ((r = 1; r <= ROUNDS; r++)); do
			each="$each $(awk -v a="$(rate patroli "$r")" \
				-v b="$(rate wget2 "$r")" \
				'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')"
		done
		awk -v a="$(rate patroli "${MED[patroli]}")" \
			-v b="$(rate wget2 "${MED[wget2]}")" -v each="$each" \
			'BEGIN { printf "ratio patroli/wget2 = %.2f (median over " \
				"median; each round:%s)\n", (b > 0 ? a / b : 0),
				each }'
	fi
} | tee "$REPORT"
cp "$REPORT" "$OUTDIR/crawl.txt"
