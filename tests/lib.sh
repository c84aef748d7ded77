# tests/lib.sh - helpers for the end-to-end scripts in tests/e2e/.
#
# Source it first thing:   . "$(dirname "$0")/../lib.sh"
#
# A script prints one TAP-ish line per check: "ok - NAME", "not ok - NAME"
# (followed by "#   detail" lines) or "skip - NAME (reason)", and ends with
# `finish`, whose exit status says whether anything failed.  tests/run.sh
# counts those lines; a script can also be run alone:
#   bash tests/e2e/crawl_site.sh
#
# Environment (set by tests/run.sh, defaulted here): PATROLI, FIXTURE,
# TMPDIR (a fresh directory per script), ASAN_OPTIONS, UBSAN_OPTIONS.
#
# Every check must be able to fail: compare with what the fixture really
# served (its request log) or with a value computed independently.

set -u

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
abs_path() { case $1 in /*) echo "$1" ;; *) echo "$ROOT/$1" ;; esac; }
PATROLI=$(abs_path "${PATROLI:-build/asan/patroli}")
FIXTURE=$(abs_path "${FIXTURE:-build/asan/fixture-server}")
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
# Nothing under test may reach past loopback, and the crawler must not
# pick up a proxy from the environment.
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY ALL_PROXY all_proxy
export PATROLI_DB= # tests always pass --db

WORK=$(mktemp -d "${TMPDIR:-/tmp}/e2e.XXXXXX")
NFAIL=0
NOK=0
_FX_PIDS=()
_BG_PIDS=()
_FX_N=0

_lib_cleanup() {
	local p
	for p in "${_BG_PIDS[@]}"; do
		pkill -KILL -P "$p" 2>/dev/null
		kill -KILL "$p" 2>/dev/null
	done
	for p in "${_FX_PIDS[@]}"; do
		kill -TERM "$p" 2>/dev/null
	done
	for p in "${_FX_PIDS[@]}" "${_BG_PIDS[@]}"; do
		wait "$p" 2>/dev/null
	done
	if [ "$NFAIL" -eq 0 ] && [ -z "${KEEP_WORK:-}" ]; then
		rm -rf "$WORK"
	else
		echo "# work directory kept: $WORK"
	fi
}
trap _lib_cleanup EXIT

# ---- reporting -------------------------------------------------------------

ok() {
	NOK=$((NOK + 1))
	echo "ok - $1"
}

# not_ok NAME [DETAIL...]: details are printed as "#   " lines, at most 25.
not_ok() {
	local name=$1
	shift
	NFAIL=$((NFAIL + 1))
	echo "not ok - $name"
	if [ $# -gt 0 ]; then
		printf '%s\n' "$@" | head -n 25 | sed 's/^/#   /'
	fi
}

skip() {
	echo "skip - $1 (${2:-no reason given})"
}

# check NAME CMD...: ok when CMD exits 0; its output becomes the detail.
check() {
	local name=$1 out
	shift
	if out=$("$@" 2>&1); then
		ok "$name"
	else
		not_ok "$name" "command: $*" "$out"
	fi
}

# check_eq NAME EXPECTED ACTUAL
check_eq() {
	if [ "$2" == "$3" ]; then
		ok "$1"
	else
		not_ok "$1" "expected: $2" "actual:   $3"
	fi
}

finish() {
	echo "# $NOK ok, $NFAIL not ok"
	[ "$NFAIL" -eq 0 ]
	exit $?
}

# ---- sanitizers ------------------------------------------------------------

# sanitizer_report FILE: prints the start of any ASan/UBSan/LSan report in
# FILE and returns 0 when there is one.
sanitizer_report() {
	grep -E -m 1 -A 12 \
		'ERROR: (Address|Leak|Undefined)Sanitizer|runtime error:|SUMMARY: (Address|Undefined)Sanitizer' \
		"$1" 2>/dev/null
}

# ---- the fixture server ----------------------------------------------------

# start_fixture [ARGS...]: start build/asan/fixture-server on a random port
# (127.0.0.1 unless ARGS has --host), logging to a fresh file.  Sets
# FX_PORT, FX_URL (http://host:port), FX_LOG, FX_PID, FX_ERR.  Exits the
# script if the server does not come up: nothing else can be tested then.
start_fixture() {
	local host=127.0.0.1 a prev="" i
	for a in "$@"; do
		[ "$prev" == "--host" ] && host=$a
		prev=$a
	done
	_FX_N=$((_FX_N + 1))
	FX_LOG=$WORK/fixture$_FX_N.log
	FX_ERR=$WORK/fixture$_FX_N.err
	local out=$WORK/fixture$_FX_N.out
	: >"$FX_LOG"
	if [ ! -x "$FIXTURE" ]; then
		not_ok "fixture server starts" "no executable $FIXTURE"
		finish
	fi
	"$FIXTURE" --host "$host" --port 0 --log "$FX_LOG" --max-seconds 900 \
		"$@" >"$out" 2>"$FX_ERR" &
	FX_PID=$!
	_FX_PIDS+=("$FX_PID")
	FX_PORT=""
	for i in $(seq 1 200); do
		FX_PORT=$(sed -n '1s/^PORT \([0-9][0-9]*\)$/\1/p' "$out")
		[ -n "$FX_PORT" ] && break
		kill -0 "$FX_PID" 2>/dev/null || break
		sleep 0.05
	done
	if [ -z "$FX_PORT" ]; then
		not_ok "fixture server starts ($*)" "$(cat "$FX_ERR")"
		finish
	fi
	FX_URL=http://$host:$FX_PORT
	# MHD listens before it prints the port; make sure it answers.
	for i in $(seq 1 50); do
		curl -s -o /dev/null --max-time 2 "$FX_URL/trap/404" && break
		sleep 0.1
	done
	# the probe is not a crawler request: start the log afresh
	: >"$FX_LOG"
}

# stop_fixture PID ERRFILE: stop one server; a sanitizer report in its
# stderr is a failure of the fixture itself.
stop_fixture() {
	local pid=$1 err=$2 rep
	kill -TERM "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	if rep=$(sanitizer_report "$err"); then
		not_ok "fixture server exits cleanly" "$rep"
	fi
}

# log_lines FILE: current number of lines, to slice a shared log later.
log_lines() {
	wc -l <"$1" | tr -d ' '
}

# ---- patroli -----------------------------------------------------------------

# use_store NAME: later `pat` calls use $WORK/NAME.db and $WORK/NAME-data.
use_store() {
	DB=$WORK/$1.db
	DATA=$WORK/$1-data
}

pat() {
	"$PATROLI" --db "$DB" --data "$DATA" "$@"
}

# run_pat NAME SECONDS ARGS...: run `patroli ARGS` against the current
# store with a time limit; stdout and stderr go to $WORK/NAME.out/.err.
# Then as load_result NAME.
run_pat() {
	_exec_pat "$@"
	load_result "$1"
}

# _exec_pat NAME SECONDS ARGS...: the run itself; results in files
# ($WORK/NAME.rc, .ms and, with GNU time, .rss in KiB) so that runs can go
# in the background.
_exec_pat() {
	local name=$1 limit=$2 t0 t1 rc
	shift 2
	local wrap=()
	[ -x /usr/bin/time ] && wrap=(/usr/bin/time -f '%M' -o "$WORK/$name.rss")
	t0=$(date +%s%N)
	"${wrap[@]}" timeout -k 5 "$limit" \
		"$PATROLI" --db "$DB" --data "$DATA" "$@" \
		>"$WORK/$name.out" 2>"$WORK/$name.err" </dev/null
	rc=$?
	t1=$(date +%s%N)
	echo "$rc" >"$WORK/$name.rc"
	echo $(((t1 - t0) / 1000000)) >"$WORK/$name.ms"
}

# load_result NAME: sets RC (124 = timed out), MS and SECS (elapsed), OUT,
# ERR and RSS_KB (peak RSS, empty without GNU time) of a finished run.  A
# sanitizer report is a failed check "NAME: no sanitizer report" on the
# spot.
load_result() {
	local name=$1 rep
	OUT=$WORK/$name.out
	ERR=$WORK/$name.err
	RC=$(cat "$WORK/$name.rc" 2>/dev/null || echo 255)
	MS=$(cat "$WORK/$name.ms" 2>/dev/null || echo 0)
	SECS=$((MS / 1000))
	RSS_KB=$(tail -n 1 "$WORK/$name.rss" 2>/dev/null | tr -dc 0-9)
	if rep=$(sanitizer_report "$ERR"); then
		not_ok "$name: no sanitizer report" "$rep"
	fi
	return 0
}

# start_pat NAME SECONDS ARGS...: like run_pat, in the background, at most
# $PAR (default 3) at once; wait_pats waits for all, then load_result
# each NAME.  The store is the one current at the call.
_PAT_JOBS=()
start_pat() {
	local n p
	while :; do
		n=0
		for p in "${_PAT_JOBS[@]}"; do
			kill -0 "$p" 2>/dev/null && n=$((n + 1))
		done
		[ "$n" -lt "${PAR:-3}" ] && break
		sleep 0.1
	done
	_exec_pat "$@" &
	_PAT_JOBS+=("$!")
	_BG_PIDS+=("$!")
}

wait_pats() {
	local p
	for p in "${_PAT_JOBS[@]}"; do
		wait "$p" 2>/dev/null
	done
	_PAT_JOBS=()
}

# bg_pat NAME ARGS...: start `patroli ARGS` in the background (for kill
# tests); sets BG_PID.  Output to $WORK/NAME.out/.err.
bg_pat() {
	local name=$1
	shift
	"$PATROLI" --db "$DB" --data "$DATA" "$@" >"$WORK/$name.out" \
		2>"$WORK/$name.err" </dev/null &
	BG_PID=$!
	_BG_PIDS+=("$BG_PID")
}

# export_pages FILE: `patroli pages export --format jsonl --out FILE`;
# returns its exit status (stderr in FILE.err).
export_pages() {
	"$PATROLI" --db "$DB" --data "$DATA" pages export --format jsonl \
		--out "$1" >/dev/null 2>"$1.err"
}

# crawl_ok NAME: the last run_pat finished in time with exit 0.
crawl_ok() {
	if [ "$RC" -eq 0 ]; then
		ok "$1"
	elif [ "$RC" -eq 124 ] || [ "$RC" -eq 137 ]; then
		not_ok "$1" "timed out after ${SECS}s" "$(tail -n 5 "$ERR")"
	else
		not_ok "$1" "exit status $RC after ${SECS}s" \
			"$(tail -n 8 "$ERR")"
	fi
}

# json_field FILE KEY: the KEY of every JSON object in a JSON-lines FILE,
# one per line (null prints as "null").
json_field() {
	python3 - "$1" "$2" <<'EOF'
import json, sys
for line in open(sys.argv[1], encoding="utf-8", errors="replace"):
    if line.strip():
        v = json.loads(line).get(sys.argv[2])
        print("null" if v is None else v)
EOF
}

# ---- checks written in Python ------------------------------------------------

# pycheck NAME [ARGS...] <<'EOF' ... EOF
# Runs the Python snippet on stdin after a prelude of helpers; the check
# passes when it exits 0.  Whatever it prints becomes the detail of a
# failure.  In the snippet: ARGS (the arguments), fail(msg),
# pages(jsonl) -> list of dicts, reqs(log, start=0, end=None) (line
# numbers, as from log_lines) -> list of
# requests {t, method, target, path, client, host, active (open
# connections), inflight (unfinished requests)}, ends(log) ->
# {target: bytes}, path_of(url), upath(url) (percent-decoded path?query).
pycheck() {
	local name=$1 out code
	shift
	code=$(cat)
	if out=$(python3 -c "$_PY_PRELUDE
$code" "$@" 2>&1); then
		ok "$name"
	else
		not_ok "$name" "$out"
	fi
}

_PY_PRELUDE='
import json, os, re, sys, urllib.parse
ARGS = sys.argv[1:]
def fail(msg):
    print(msg)
    sys.exit(1)
def pages(path):
    out = []
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if line.strip():
                try:
                    out.append(json.loads(line))
                except ValueError as e:
                    fail("%s:%d: not JSON (%s): %.200s" % (path, n, e, line))
    return out
def reqs(log, start=0, end=None):
    out = []
    with open(log, encoding="utf-8", errors="replace") as f:
        for i, line in enumerate(f):
            if i < start or (end is not None and i >= end):
                continue
            c = line.rstrip("\n").split("\t")
            if len(c) >= 7 and c[1] == "REQ":
                out.append(dict(t=float(c[0]), method=c[2], target=c[3],
                                path=urllib.parse.unquote(c[3].split("?")[0]),
                                client=c[4], host=c[5], active=int(c[6]),
                                inflight=int(c[7]) if len(c) > 7 else 0))
    return out
def ends(log):
    out = {}
    with open(log, encoding="utf-8", errors="replace") as f:
        for line in f:
            c = line.rstrip("\n").split("\t")
            if len(c) >= 4 and c[1] == "END":
                out[c[2]] = int(c[3])
    return out
def path_of(url):
    if url is None:
        return None
    s = urllib.parse.urlsplit(url)
    return s.path + ("?" + s.query if s.query else "")
def upath(url):
    p = path_of(url)
    return None if p is None else urllib.parse.unquote(p)
'
