#!/bin/bash
# tests/e2e/workers.sh - several crawl processes share one run through a
# PostgreSQL store (issue 3): `patroli crawl` plus three `patroli worker`s
# over a site spread across eight loopback hosts (127.0.0.2-9) whose pages
# link across hosts (tests/e2e/multihost_site.py; its log counts the
# requests each host is serving at once).
#
#  1. four processes crawl together: every page is requested exactly once,
#     no host ever serves more than --per-host requests at once, the
#     processes' page counts add up to the site, and the store's page
#     export equals a single-process SQLite crawl of the same site;
#  2. one worker is killed with kill -9 mid-crawl: the others finish its
#     share once its leases expire (--lease-ms 3000), every page has
#     exactly one capture, and only URLs the dead worker had in hand are
#     fetched twice.
#
# Each part gets a database of its own on the server PATROLI_TEST_PG
# (tests/run.sh starts one); without it the script skips.
. "$(dirname "$0")/../lib.sh"

SITE=$ROOT/tests/e2e/multihost_site.py
HOSTS=(127.0.0.2 127.0.0.3 127.0.0.4 127.0.0.5 127.0.0.6 127.0.0.7 127.0.0.8
	127.0.0.9)
PER_HOST=2
_DBS=()

if [ -z "${PATROLI_TEST_PG:-}" ]; then
	skip "workers share a crawl on PostgreSQL" \
		"PATROLI_TEST_PG not set; tests/run.sh starts a server"
	finish
fi
for c in psql python3; do
	if ! command -v "$c" >/dev/null; then
		skip "workers share a crawl on PostgreSQL" "no $c"
		finish
	fi
done

_drop_dbs() {
	local d
	if [ -n "${KEEP_WORK:-}" ] || [ "$NFAIL" -gt 0 ]; then
		[ ${#_DBS[@]} -gt 0 ] && echo "# databases kept: ${_DBS[*]}"
		return 0
	fi
	for d in "${_DBS[@]}"; do
		psql -X -q "$PATROLI_TEST_PG" \
			-c "DROP DATABASE IF EXISTS $d WITH (FORCE)" \
			>/dev/null 2>&1
	done
}
# lib.sh's cleanup stops every process first: a database in use cannot go.
trap '_lib_cleanup; _drop_dbs' EXIT

# new_db NAME: a fresh database on the test server; sets PG to its URI.
new_db() {
	local name=patroli_workers_$$_$1 base q
	if ! psql -X -q "$PATROLI_TEST_PG" -c "CREATE DATABASE $name" \
		>"$WORK/psql.out" 2>&1; then
		not_ok "create database $name" "$(cat "$WORK/psql.out")"
		finish
	fi
	_DBS+=("$name")
	base=${PATROLI_TEST_PG%%\?*}
	q=${PATROLI_TEST_PG#"$base"}
	PG=${base%/*}/$name$q
}

# sql QUERY: one value (or tab-separated rows) from the current database.
sql() {
	psql -X -q -A -t -F $'\t' "$PG" -c "$1"
}

# start_site NAME PAGES DELAY_MS: serve the site on every host; sets
# SITE_LOG, PORT and SEEDS (one --seed per host: scope is per host).
start_site() {
	local out=$WORK/$1.out i h
	SITE_LOG=$WORK/$1.log
	: >"$SITE_LOG"
	python3 "$SITE" --hosts "$(
		IFS=,
		echo "${HOSTS[*]}"
	)" --pages "$2" --delay-ms "$3" --log "$SITE_LOG" --max-seconds 900 \
		>"$out" 2>"$WORK/$1.err" &
	_FX_PIDS+=("$!")
	PORT=""
	for i in $(seq 1 100); do
		PORT=$(sed -n 's/^PORT \([0-9][0-9]*\)$/\1/p' "$out")
		[ -n "$PORT" ] && break
		sleep 0.1
	done
	if [ -z "$PORT" ]; then
		not_ok "multi-host site starts" "$(cat "$WORK/$1.err")"
		finish
	fi
	SEEDS=()
	for h in "${HOSTS[@]}"; do
		SEEDS+=(--seed "http://$h:$PORT/")
	done
}

# launch NAME ARGS...: `patroli --db $PG --data $DATA ARGS` in the
# background with a time limit; PIDS[NAME] is patroli's own pid (for kill),
# and reap NAME later sets RC from its exit status.
declare -A PIDS
launch() {
	local name=$1
	shift
	"$PATROLI" --db "$PG" --data "$DATA" "$@" >"$WORK/$name.out" \
		2>"$WORK/$name.err" </dev/null &
	PIDS[$name]=$!
	_BG_PIDS+=("$!")
}

# reap NAME DEADLINE: wait for it, killing it at DEADLINE (date +%s);
# one deadline for all the processes of a part keeps a hang from adding up.
reap() {
	local name=$1 pid=${PIDS[$1]} rep
	while [ "$(date +%s)" -lt "$2" ]; do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$pid" 2>/dev/null; then
		kill -KILL "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
		RC=124
	else
		wait "$pid" 2>/dev/null
		RC=$?
	fi
	if rep=$(sanitizer_report "$WORK/$name.err"); then
		not_ok "$name: no sanitizer report" "$rep"
	fi
}

# no_db_errors NAME...: PostgreSQL reported no error to these processes
# (a deadlock or an aborted batch would undo leases without anyone noticing).
no_db_errors() {
	local p errs=""
	for p in "$@"; do
		errs+=$(grep -h -A 2 'ERROR: ' "$WORK/$p.err" | head -n 12)
	done
	if [ -z "$errs" ]; then
		ok "no database errors ($*)"
	else
		not_ok "no database errors ($*)" "$errs"
	fi
}

exits_ok() { # NAME
	if [ "$RC" -eq 0 ]; then
		ok "$1 exits 0"
	elif [ "$RC" -eq 124 ]; then
		not_ok "$1 exits 0" "still running at the deadline, killed" \
			"$(grep -v '^crawl: ' "$WORK/$1.err" | tail -n 12)"
	else
		not_ok "$1 exits 0" "exit status $RC" \
			"$(grep -v '^crawl: ' "$WORK/$1.err" | tail -n 12)"
	fi
}

# wait_run NAME: until `patroli crawl` has created its run (workers with --once
# leave when there is none).
wait_run() {
	local i
	for i in $(seq 1 300); do
		[ "$(sql 'SELECT count(*) FROM crawl_run' 2>/dev/null)" = 1 ] &&
			return 0
		sleep 0.1
	done
	not_ok "the crawl creates its run" "$(tail -n 5 "$WORK/$1.err")"
	finish
}

# pages_of NAME: pages a process says it fetched.
pages_of() {
	sed -n -e 's/^worker [^:]*: run [0-9]*: \([0-9]*\) pages.*/\1/p' \
		-e 's/^  pages: *\([0-9]*\) recorded.*/\1/p' "$WORK/$1.out" |
		tail -n 1
}

CRAWL=(crawl --delay-ms 0 --concurrency 4 --per-host "$PER_HOST"
	--no-progress --no-analyze)
WORKER=(worker --once --lease-ms 3000 --no-progress)

# The log's pages, for the checks below.
SITE_PY='
import sys
def reqs(log, start=0):
    out = []
    with open(log) as f:
        for n, line in enumerate(f):
            c = line.rstrip("\n").split("\t")
            if n >= start and len(c) == 5 and c[0] == "REQ":
                out.append(dict(t=float(c[1]), host=c[2], path=c[3],
                                inflight=int(c[4])))
    return out
def expected(hosts, port, pages):
    return {(h + ":" + port, "/" if i == 0 else "/p/%d.html" % i)
            for h in hosts for i in range(pages)}
def fail(msg):
    print(msg)
    sys.exit(1)
'

# ---- 1. four processes, one crawl ------------------------------------------

NPAGES=40
new_db share
DATA=$WORK/data
start_site site1 "$NPAGES" 20
launch main "${CRAWL[@]}" "${SEEDS[@]}"
wait_run main
for w in w1 w2 w3; do
	launch "$w" "${WORKER[@]}" --worker "$w"
done
deadline=$(($(date +%s) + 150))
for p in main w1 w2 w3; do
	reap "$p" "$deadline"
	exits_ok "$p"
done
no_db_errors main w1 w2 w3

pycheck "every page requested exactly once, robots.txt once per host" \
	"$SITE_LOG" "${HOSTS[*]}" "$PORT" "$NPAGES" <<EOF
$SITE_PY
rs = reqs(ARGS[0])
want = expected(ARGS[1].split(), ARGS[2], int(ARGS[3]))
seen = {}
for r in rs:
    seen[(r["host"], r["path"])] = seen.get((r["host"], r["path"]), 0) + 1
robots = {k: n for k, n in seen.items() if k[1] == "/robots.txt"}
pages = {k: n for k, n in seen.items() if k[1] != "/robots.txt"}
twice = sorted(k for k, n in pages.items() if n > 1)
if twice:
    fail("requested more than once: %s" % twice[:10])
if set(pages) != want:
    fail("missing %s; unexpected %s" % (sorted(want - set(pages))[:10],
                                        sorted(set(pages) - want)[:10]))
if len(robots) != len(ARGS[1].split()) or max(robots.values()) > 1:
    fail("robots.txt requests per host: %s" % robots)
EOF

pycheck "no host serves more than $PER_HOST requests at once" \
	"$SITE_LOG" "$PER_HOST" <<EOF
$SITE_PY
rs = reqs(ARGS[0])
limit = int(ARGS[1])
over = [r for r in rs if r["inflight"] > limit]
if over:
    fail("over the limit: %s" % over[:5])
# The limit was reached, so the check above could have failed.
if max(r["inflight"] for r in rs) < limit:
    fail("no host ever served %d at once: the test proves nothing" % limit)
EOF

total=0
busy=0
counts=""
for p in main w1 w2 w3; do
	n=$(pages_of "$p")
	n=${n:-0}
	counts="$counts $p=$n"
	total=$((total + n))
	[ "$n" -gt 0 ] && busy=$((busy + 1))
done
check_eq "the processes' page counts add up to the site ($counts)" \
	$((NPAGES * ${#HOSTS[@]})) "$total"
if [ "$busy" -ge 2 ]; then
	ok "the work was shared ($counts)"
else
	not_ok "the work was shared" "pages per process:$counts"
fi
check_eq "store: nothing queued or leased, every URL captured once" \
	"0 0 $((NPAGES * ${#HOSTS[@]})) $((NPAGES * ${#HOSTS[@]})) 0" \
	"$(sql "SELECT (SELECT count(*) FROM frontier WHERE state IN (0, 1)),
		(SELECT count(*) FROM host_lease),
		(SELECT count(*) FROM capture),
		(SELECT count(DISTINCT url) FROM capture),
		(SELECT count(*) FROM crawl_run WHERE status <> 'finished')" |
		tr '\t' ' ')"
check_eq "the private page is recorded as skipped on every host" \
	"${#HOSTS[@]}" \
	"$(sql "SELECT count(*) FROM frontier WHERE state = 4 AND
		url LIKE '%/private/secret.html'")"

# The same site crawled by one process on SQLite: the same pages.
"$PATROLI" --db "$PG" --data "$DATA" pages export --format jsonl \
	--out "$WORK/pg.jsonl" 2>"$WORK/pg-export.err"
DB=$WORK/single.db
DATA=$WORK/single-data
run_pat single 180 "${CRAWL[@]}" "${SEEDS[@]}"
crawl_ok "single process on SQLite crawls the same site"
export_pages "$WORK/single.jsonl"
pycheck "pages export equals the single-process SQLite crawl" \
	"$WORK/pg.jsonl" "$WORK/single.jsonl" $((NPAGES * ${#HOSTS[@]})) <<'EOF'
KEYS = ("url", "canonical_url", "final_url", "status", "content_type",
        "sha256", "error")
def proj(path):
    return sorted(tuple(p.get(k) for k in KEYS) for p in pages(path))
a, b = proj(ARGS[0]), proj(ARGS[1])
if len(a) != int(ARGS[2]) or a != b:
    fail("%d pages on PostgreSQL, %d on SQLite; first differences: %s" %
         (len(a), len(b), [x for x in a if x not in b][:3] +
          [x for x in b if x not in a][:3]))
EOF

# ---- 2. kill -9 one worker mid-crawl -----------------------------------------

NPAGES=60
new_db kill
DATA=$WORK/kdata
start_site site2 "$NPAGES" 150
launch k-main "${CRAWL[@]}" "${SEEDS[@]}"
wait_run k-main
for w in w1 w2 w3; do
	launch "k-$w" "${WORKER[@]}" --worker "$w"
done
# The victim: a worker holding a host (committed), once the crawl is
# well under way.
victim=""
for _ in $(seq 1 300); do
	if [ "$(grep -c '/p/' "$SITE_LOG")" -ge 60 ]; then
		victim=$(sql "SELECT owner FROM host_lease WHERE owner <> 'main'
			ORDER BY owner LIMIT 1")
		[ -n "$victim" ] && break
	fi
	sleep 0.1
done
if [ -z "$victim" ]; then
	not_ok "a worker holds a host mid-crawl" \
		"$(sql 'SELECT owner, host FROM host_lease')"
	finish
fi
# Freeze it, note what it holds, then kill it: its open batch rolls back.
kill -STOP "${PIDS[k-$victim]}"
T_STOP=$(date +%s.%N)
sql "SELECT host FROM host_lease WHERE owner = '$victim'" >"$WORK/v-hosts"
sql "SELECT url FROM frontier WHERE state = 1 AND lease_owner = '$victim'" \
	>"$WORK/v-urls"
kill -KILL "${PIDS[k-$victim]}"
reap "k-$victim" $(($(date +%s) + 10))
check_eq "$victim is killed by SIGKILL" 137 "$RC"
deadline=$(($(date +%s) + 150))
for p in k-main k-w1 k-w2 k-w3; do
	[ "$p" = "k-$victim" ] && continue
	reap "$p" "$deadline"
	exits_ok "$p (after $victim was killed)"
done
no_db_errors k-main k-w1 k-w2 k-w3

check_eq "store: all done, no leases left, every page captured once" \
	"0 0 $((NPAGES * ${#HOSTS[@]})) $((NPAGES * ${#HOSTS[@]})) 0" \
	"$(sql "SELECT (SELECT count(*) FROM frontier WHERE state IN (0, 1)),
		(SELECT count(*) FROM host_lease),
		(SELECT count(*) FROM capture),
		(SELECT count(DISTINCT url) FROM capture),
		(SELECT count(*) FROM crawl_run WHERE status <> 'finished')" |
		tr '\t' ' ')"

pycheck "only what $victim had in hand is fetched twice, its leases only after they expire" \
	"$SITE_LOG" "${HOSTS[*]}" "$PORT" "$NPAGES" "$T_STOP" \
	"$WORK/v-hosts" "$WORK/v-urls" <<EOF
$SITE_PY
rs = reqs(ARGS[0])
want = expected(ARGS[1].split(), ARGS[2], int(ARGS[3]))
t_stop = float(ARGS[4])
vhosts = {l.strip()[len("http://"):] for l in open(ARGS[5]) if l.strip()}
vurls = set()
for l in open(ARGS[6]):
    if l.strip():
        u = l.strip()[len("http://"):]
        host, _, path = u.partition("/")
        vurls.add((host, "/" + path))
times = {}
for r in rs:
    if r["path"] != "/robots.txt":
        times.setdefault((r["host"], r["path"]), []).append(r["t"])
if set(times) != want:
    fail("missing %s" % sorted(want - set(times))[:10])
again = {k: t for k, t in times.items() if len(t) > 1}
bad = []
for k, t in sorted(again.items()):
    # Fetched before the kill by the victim, whose result never committed:
    # a URL it had leased (committed), one of its hosts, or one taken in
    # its last open batch (a fraction of a second before the stop).
    if len(t) != 2 or t[0] > t_stop or not (
            k in vurls or k[0] in vhosts or t[0] > t_stop - 2):
        bad.append((k, t))
    # A committed lease is honoured until it expires: renewed every
    # second for 3 s, it runs at least 2 s past the stop.
    elif k in vurls and t[1] < t_stop + 1.5:
        bad.append(("re-leased before expiry", k, t))
if bad:
    fail("fetched twice unexpectedly: %s" % bad[:5])
print("%d URLs fetched twice (victim held %d hosts, %d URLs)" %
      (len(again), len(vhosts), len(vurls)))
EOF
echo "# $(grep -v -c '/robots.txt' "$SITE_LOG") page requests for" \
	"$((NPAGES * ${#HOSTS[@]})) pages after killing $victim"

finish
