#!/bin/bash
# kill9.sh - `kill -9` a crawl at several moments, finish it with
# `patroli crawl --resume`, and check the result equals an uninterrupted
# crawl's: no committed page lost, evidence intact, and (from the fixture
# log) no URL fetched twice except the few in flight or not yet committed
# at the kill.
. "$(dirname "$0")/../lib.sh"

CONC=4
# The fixture answers every page after 10 ms so the crawl lasts a few
# seconds and the kills land mid-crawl.
start_fixture --latency-ms 10
SEEDS=(--seed "$FX_URL/site/" --seed "$FX_URL/trap/many-links?n=300")
OPTS=(--delay-ms 0 --concurrency "$CONC" --per-host "$CONC" --max-depth 20)

# ---- the reference: one uninterrupted crawl --------------------------------------
use_store ref
mark=$(log_lines "$FX_LOG")
run_pat ref 240 crawl "${SEEDS[@]}" "${OPTS[@]}"
REF_FROM=$mark
REF_TO=$(log_lines "$FX_LOG")
crawl_ok "uninterrupted crawl finishes (${MS} ms)"
export_pages "$WORK/ref.jsonl" || not_ok "reference export" \
	"$(cat "$WORK/ref.jsonl.err")"
check "uninterrupted crawl recorded the site and the 300 items" \
	test "$(wc -l <"$WORK/ref.jsonl")" -ge 340
pycheck "uninterrupted crawl fetched no URL twice" "$FX_LOG" "$mark" <<'EOF'
from collections import Counter
c = Counter(r["target"] for r in reqs(ARGS[0], int(ARGS[1])))
d = {k: v for k, v in c.items() if v > 1}
if d:
    fail(d)
EOF

# Pages compared between two exports: canonical URL (the byte-identical
# pair dup-a/dup-b is one page whichever came first), status, error or
# not, and sha256, except for products/5.html whose newest capture may be
# any of its three URLs.
COMPARE='
def key(p):
    c = upath(p["canonical_url"]).replace("/site/dup-b.html", "/site/dup-a.html")
    sha = None if c == "/site/products/5.html" else p["sha256"]
    return (c, p["status"], p["error"] is None, sha)
a = sorted(key(p) for p in pages(ARGS[0]))
b = sorted(key(p) for p in pages(ARGS[1]))
if a != b:
    sa, sb = set(a), set(b)
    fail("pages differ: only uninterrupted %s; only resumed %s; counts %d/%d"
         % (sorted(sa - sb)[:10], sorted(sb - sa)[:10], len(a), len(b)))
'

# The same, except that up to ARGS[2] pages may carry an error here.
COMPARE_STALL='
def key(p):
    c = upath(p["canonical_url"]).replace("/site/dup-b.html", "/site/dup-a.html")
    sha = None if c == "/site/products/5.html" else p["sha256"]
    return (c, p["status"], sha)
a = {key(p): p["error"] is None for p in pages(ARGS[0])}
b = {key(p): p["error"] is None for p in pages(ARGS[1])}
if set(a) != set(b):
    fail("pages differ: only uninterrupted %s; only here %s"
         % (sorted(set(a) - set(b))[:10], sorted(set(b) - set(a))[:10]))
bad = sorted(k[0] for k in a if a[k] != b[k])
if len(bad) > int(ARGS[2]):
    fail("%d pages differ in their error: %s" % (len(bad), bad[:10]))
'

# wait_requests MARK N: until N more requests than MARK lines reached the
# fixture (N=1: this crawl's run exists in the store), at most 20 s.
wait_requests() {
	local want=$(($1 + $2)) i
	for i in $(seq 1 1000); do
		[ "$(log_lines "$FX_LOG")" -ge "$want" ] && return 0
		sleep 0.02
	done
	return 1
}

# scenario NAME POINT...: kill -9 at each POINT, resume after each kill,
# then finish with --resume.  A POINT is "Ns" (seconds after the crawl
# first reaches the server) or a number of requests the crawl made.
scenario() {
	local name=$1 d n=0 mark first killed=0
	shift
	use_store "$name"
	first=$(log_lines "$FX_LOG")
	for d in "$@"; do
		mark=$(log_lines "$FX_LOG")
		if [ $n -eq 0 ]; then
			bg_pat "$name-$n" crawl "${SEEDS[@]}" "${OPTS[@]}"
		else
			bg_pat "$name-$n" crawl --resume
		fi
		if ! wait_requests "$mark" 1; then
			not_ok "$name: crawl $n starts" \
				"$(tail -n 5 "$WORK/$name-$n.err")"
			kill -KILL "$BG_PID" 2>/dev/null
			wait "$BG_PID" 2>/dev/null
			return
		fi
		case $d in
		*s) sleep "${d%s}" ;;
		*) wait_requests "$mark" "$d" ;;
		esac
		if kill -KILL "$BG_PID" 2>/dev/null; then
			killed=$((killed + 1))
		fi
		wait "$BG_PID" 2>/dev/null
		n=$((n + 1))
	done
	if [ "$killed" -ne $# ]; then
		skip "$name: kill at $*" "the crawl ended before a kill"
	fi
	run_pat "$name-resume" 240 crawl --resume
	crawl_ok "$name: killed $killed time(s), --resume finishes"
	mark=$(log_lines "$FX_LOG")
	run_pat "$name-again" 60 crawl --resume
	if [ "$RC" -eq 0 ] && [ "$(log_lines "$FX_LOG")" -eq "$mark" ]; then
		ok "$name: a further --resume has nothing left to fetch"
	else
		not_ok "$name: a further --resume has nothing left to fetch" \
			"exit $RC, $(($(log_lines "$FX_LOG") - mark)) requests"
	fi
	if ! export_pages "$WORK/$name.jsonl"; then
		not_ok "$name: pages export" "$(cat "$WORK/$name.jsonl.err")"
		return
	fi
	pycheck "$name: same pages as the uninterrupted crawl" \
		"$WORK/ref.jsonl" "$WORK/$name.jsonl" <<<"$COMPARE"
	pycheck "$name: refetches bounded by in-flight work (<= $((2 * CONC)) per kill)" \
		"$FX_LOG" "$first" "$killed" "$CONC" "$REF_FROM" "$REF_TO" <<'EOF'
from collections import Counter
def count(rs):
    return Counter(r["target"] for r in rs if r["path"] != "/robots.txt"
                   and not r["path"].startswith("/sitemap"))
c = count(reqs(ARGS[0], int(ARGS[1])))
# what the uninterrupted crawl fetched twice is reported there, not here
ref = count(reqs(ARGS[0], int(ARGS[4]), int(ARGS[5])))
again = {k: v for k, v in c.items() if v > max(1, ref.get(k, 1))}
extra = sum(v - max(1, ref.get(k, 1)) for k, v in again.items())
# in flight (<= concurrency) plus finished but not yet committed (a batch
# holds at most `concurrency` pages, see src/crawl/crawl.c)
bound = int(ARGS[2]) * 2 * int(ARGS[3])
if extra > bound:
    fail("%d refetches (bound %d): %s" % (extra, bound, sorted(again)))
EOF
	run_pat "$name-verify" 120 evidence verify
	if [ "$RC" -eq 0 ]; then
		ok "$name: evidence verify passes after the kills"
	else
		not_ok "$name: evidence verify passes after the kills" \
			"exit $RC" "$(tail -n 5 "$OUT")"
	fi
}

# Kill points: early (0.3 s after the first request), after 40% and 80%
# of the uninterrupted crawl's requests, and twice in a row.
NREF=$((REF_TO - REF_FROM))
scenario k-early 0.3s
scenario k-mid $((NREF * 4 / 10))
scenario k-late $((NREF * 8 / 10))
scenario k-twice $((NREF / 4)) $((NREF / 4))

# ---- a store that refuses a batch -------------------------------------------
# Another process holds SQLite's write lock for 1.5 times patroli's busy
# timeout (30 s): the crawl's next write fails (as a rule its batch's
# BEGIN, since pages are waiting by then), the batch's URLs go back to the
# queue once the lock is gone (not left leased, which would hang the crawl
# on our own lease renewals), and the crawl finishes with the same pages.
# (A store refusing for longer than that stops the crawl; --resume goes on.)
store_refuses() {
	local mark
	use_store busy
	mark=$(log_lines "$FX_LOG")
	bg_pat busy crawl "${SEEDS[@]}" "${OPTS[@]}"
	if ! wait_requests "$mark" $((NREF * 3 / 10)); then
		not_ok "busy: crawl starts" "$(tail -n 5 "$WORK/busy.err")"
		kill -KILL "$BG_PID" 2>/dev/null
		return
	fi
	python3 - "$DB" 45 <<'EOF'
import sqlite3, sys, time
db = sqlite3.connect(sys.argv[1], timeout=60, isolation_level=None)
db.execute("BEGIN IMMEDIATE")
time.sleep(float(sys.argv[2]))
db.execute("ROLLBACK")
EOF
	wait "$BG_PID"
	RC=$?
	ERR=$WORK/busy.err
	SECS="?"
	crawl_ok "busy: the crawl outlives a store locked for 45 s"
	if grep -q "was not recorded; they will be fetched again" "$ERR"; then
		ok "busy: a batch was refused and its URLs queued again"
	else
		skip "busy: a batch was refused" "only other writes met the lock"
	fi
	export_pages "$WORK/busy.jsonl" ||
		not_ok "busy: pages export" "$(cat "$WORK/busy.jsonl.err")"
	# Transfers under way while the scheduler waited on the lock may
	# have timed out (libcurl's clock ran on): at most one per slot.
	pycheck "busy: same pages as the uninterrupted crawl (<= $CONC timed out)" \
		"$WORK/ref.jsonl" "$WORK/busy.jsonl" "$CONC" <<<"$COMPARE_STALL"
}
store_refuses

stop_fixture "$FX_PID" "$FX_ERR"
finish
