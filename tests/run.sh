#!/bin/bash
# tests/run.sh - run every test and end with one line "N passed, N failed"
# (", N skipped" when some were).  Called by `make test` after
# `make check-build`; exits non-zero when anything failed.
#
#  1. every unit test binary build/asan/tests/test_* (cmocka, TAP output):
#     each "ok" / "not ok" line counts; a binary that crashes or exits
#     non-zero without a "not ok" line counts as one failure;
#  2. every tests/e2e/*.sh, two at a time, each with a time limit and a
#     fresh TMPDIR: "ok - " / "not ok - " / "skip - " lines count; a script
#     that exits non-zero (or times out) without a "not ok" counts as one
#     failure.
#
# Environment: TEST_JOBS (parallel e2e scripts, default 2), E2E_TIMEOUT
# (seconds per script, default 300), UNIT_TIMEOUT (default 300),
# KEEP_WORK=1 (keep every script's temporary directory), and a list of
# script or test names as arguments to run only those, e.g.
#   tests/run.sh cli.sh test_robots
set -u
cd "$(dirname "$0")/.." || exit 1
ROOT=$PWD
JOBS=${TEST_JOBS:-2}
E2E_TIMEOUT=${E2E_TIMEOUT:-300}
UNIT_TIMEOUT=${UNIT_TIMEOUT:-300}
# One log directory per run (several people may run the tests at once in
# one tree); build/asan/test-logs/latest points at the newest.
LOGROOT=$ROOT/build/asan/test-logs
LOGS=$LOGROOT/$(date +%Y%m%d-%H%M%S)-$$
SAN_ASAN=detect_leaks=1:abort_on_error=0
SAN_UBSAN=print_stacktrace=1:halt_on_error=1

mkdir -p "$LOGS" || exit 1
ln -sfn "$(basename "$LOGS")" "$LOGROOT/latest"
# keep the newest ten runs
ls -1dt "$LOGROOT"/[0-9]*-* 2>/dev/null | tail -n +11 | xargs -r rm -rf
TMPROOT=$(mktemp -d "${TMPDIR:-/tmp}/patroli-tests.XXXXXX") || exit 1

passed=0
failed=0
skipped=0
T_START=$(date +%s)

wanted() {
	local a
	[ ${#SELECT[@]} -eq 0 ] && return 0
	for a in "${SELECT[@]}"; do
		[ "$a" == "$1" ] && return 0
	done
	return 1
}
SELECT=("$@")

elapsed() { # start_ns -> "1.2s"
	local ms=$((($(date +%s%N) - $1) / 1000000))
	printf '%d.%ds' $((ms / 1000)) $((ms % 1000 / 100))
}

# count FILE: sets P F S from TAP-ish lines.  Unit tests print "ok 1 - x",
# e2e scripts "ok - x"; both start with "ok " / "not ok ".  cmocka prints
# a skip() as "not ok 3 # SKIP": a skip, not a failure.
count() {
	[ -f "$1" ] || : >"$1"
	P=$(grep -c -E '^ok( |$)' "$1")
	F=$(grep -c -E '^not ok( |$)' "$1")
	S=$(grep -c -E '^skip - |^(not )?ok .*# (SKIP|skip)' "$1")
	P=$((P - $(grep -c -E '^ok .*# (SKIP|skip)' "$1")))
	F=$((F - $(grep -c -E '^not ok .*# (SKIP|skip)' "$1")))
}

# show_failures FILE ERRFILE RC: the lines worth reading for a failed file.
show_failures() {
	grep -E -A 25 '^not ok' "$1" | grep -E '^(not ok|#)' | head -n 60 |
		sed 's/^/    /'
	if [ "$3" -ne 0 ] && [ "$(grep -c -E '^not ok' "$1")" -eq 0 ]; then
		echo "    exit status $3; last output:"
		tail -n 15 "$2" | sed 's/^/    | /'
	fi
}

# ---- PostgreSQL ----------------------------------------------------------------
# Every test that touches the store runs on both backends: unless
# PATROLI_TEST_PG names a server, start a throw-away one (in /tmp, which the
# server's unprivileged user can reach) and stop it when the run ends.
if [ -z "${PATROLI_TEST_PG:-}" ]; then
	PGDIR=$(mktemp -d /tmp/patroli-pg.XXXXXX) || exit 1
	trap 'scripts/pg-test-server stop "$PGDIR" >/dev/null 2>&1' EXIT
	if ! PATROLI_TEST_PG=$(scripts/pg-test-server start "$PGDIR"); then
		echo "cannot start the test PostgreSQL server" \
			"(scripts/pg-test-server start $PGDIR)"
		echo "0 passed, 1 failed"
		exit 1
	fi
fi
export PATROLI_TEST_PG
echo "== PostgreSQL for the store tests: $PATROLI_TEST_PG"

# ---- unit tests --------------------------------------------------------------
echo "== unit tests (build/asan/tests)"
for t in build/asan/tests/test_*; do
	[ -x "$t" ] || continue
	name=$(basename "$t")
	wanted "$name" || continue
	log=$LOGS/$name.log
	t0=$(date +%s%N)
	tmp=$(mktemp -d "$TMPROOT/$name.XXXXXX")
	# From the repository root (tests read tests/... and data/...);
	# temporary files go to the test's own TMPDIR.
	(cd "$ROOT" && CMOCKA_MESSAGE_OUTPUT=TAP TMPDIR=$tmp \
		ASAN_OPTIONS=$SAN_ASAN UBSAN_OPTIONS=$SAN_UBSAN \
		timeout -k 10 "$UNIT_TIMEOUT" "$ROOT/$t") >"$log" 2>&1 </dev/null
	rc=$?
	count "$log"
	status=PASS
	if [ "$rc" -ne 0 ] && [ "$F" -eq 0 ]; then
		F=1
	fi
	[ "$F" -gt 0 ] && status=FAIL
	passed=$((passed + P))
	failed=$((failed + F))
	skipped=$((skipped + S))
	printf '%-4s %-34s %4d ok %3d failed %3d skipped  %s\n' "$status" \
		"$name" "$P" "$F" "$S" "$(elapsed "$t0")"
	if [ "$status" == FAIL ]; then
		show_failures "$log" "$log" "$rc"
	else
		rm -rf "$tmp"
	fi
done

# ---- end-to-end scripts --------------------------------------------------------
# The long scripts start first so two workers finish close together.
SLOW="kill9.sh crawl_traps.sh crawl_robots.sh crawl_site.sh"
scripts=()
for s in $SLOW; do
	[ -f "tests/e2e/$s" ] && scripts+=("tests/e2e/$s")
done
for s in tests/e2e/*.sh; do
	[ -f "$s" ] || continue
	case " $SLOW " in *" $(basename "$s") "*) continue ;; esac
	scripts+=("$s")
done

run_script() { # script -> $LOGS/name.{out,err,rc,time}
	local s=$1 name tmp t0 rc
	name=$(basename "$s")
	tmp=$(mktemp -d "$TMPROOT/$name.XXXXXX")
	t0=$(date +%s%N)
	env TMPDIR="$tmp" PATROLI="$ROOT/build/asan/patroli" \
		FIXTURE="$ROOT/build/asan/fixture-server" \
		ASAN_OPTIONS=$SAN_ASAN UBSAN_OPTIONS=$SAN_UBSAN \
		timeout -k 10 "$E2E_TIMEOUT" bash "$s" \
		>"$LOGS/$name.out" 2>"$LOGS/$name.err" </dev/null
	rc=$?
	echo "$rc" >"$LOGS/$name.rc"
	elapsed "$t0" >"$LOGS/$name.time"
	[ "$rc" -eq 0 ] && [ -z "${KEEP_WORK:-}" ] && rm -rf "$tmp"
	return 0
}

echo "== end-to-end scripts (tests/e2e, $JOBS at a time)"
running=0
for s in "${scripts[@]}"; do
	wanted "$(basename "$s")" || continue
	if [ "$running" -ge "$JOBS" ]; then
		wait -n
		running=$((running - 1))
	fi
	run_script "$s" &
	running=$((running + 1))
done
wait

for s in "${scripts[@]}"; do
	name=$(basename "$s")
	wanted "$name" || continue
	out=$LOGS/$name.out
	rc=$(cat "$LOGS/$name.rc" 2>/dev/null || echo 1)
	count "$out"
	note=""
	if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
		note=" (timed out after ${E2E_TIMEOUT}s)"
	fi
	if [ "$rc" -ne 0 ] && [ "$F" -eq 0 ]; then
		F=1
	fi
	status=PASS
	[ "$F" -gt 0 ] && status=FAIL
	passed=$((passed + P))
	failed=$((failed + F))
	skipped=$((skipped + S))
	printf '%-4s %-34s %4d ok %3d failed %3d skipped  %s%s\n' "$status" \
		"$name" "$P" "$F" "$S" "$(cat "$LOGS/$name.time")" "$note"
	grep -E '^skip - ' "$out" | sed 's/^/    /'
	[ "$status" == FAIL ] && show_failures "$out" "$LOGS/$name.err" "$rc"
done

rmdir "$TMPROOT" 2>/dev/null
echo "== logs in ${LOGS#"$ROOT"/}; $(($(date +%s) - T_START))s in all"
if [ $((passed + failed)) -eq 0 ]; then
	echo "no test ran: is the build complete (make check-build)?"
	failed=1
fi
if [ "$skipped" -gt 0 ]; then
	echo "$passed passed, $failed failed, $skipped skipped"
else
	echo "$passed passed, $failed failed"
fi
[ "$failed" -eq 0 ]
