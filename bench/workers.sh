#!/usr/bin/env bash
# bench/workers.sh - crawl throughput with several crawl processes sharing
# one PostgreSQL store, against one process on SQLite (issue 3's figures).
#
# nginx (Debian's) serves eight generated sites, one per loopback address
# 127.0.0.2 ... 127.0.0.9 (bench/gensite.py, a different seed each, so no
# page is byte-identical to another), all on one port.  Each configuration
# crawls all eight from their index pages with no politeness delay, robots.txt
# obeyed, WARC evidence and the store written as in production:
#   sqlite  one `patroli crawl` on a SQLite file
#   pgN     one `patroli crawl` plus N-1 `patroli worker --once` on a fresh
#           PostgreSQL database (the crawl process crawls too: N crawlers)
#   splitN  (not by default) N independent `patroli crawl`s on N databases,
#           8/N hosts each: the machine's ceiling for N crawlers
# and prints one table: pages, seconds (start of the crawl to the last
# process's exit), pages/s, and the CPU seconds the crawlers, PostgreSQL and
# nginx used (sampled from /proc), then PostgreSQL with one crawler as a
# percentage of SQLite's pages/s.  For every PostgreSQL configuration it
# also prints the statements pg_stat_statements counted, per page: each is
# one client-server round trip, so the list says which store calls
# dominate.
#
# PostgreSQL is scripts/pg-test-server's throw-away cluster (fsync and
# synchronous_commit off, like SQLite's synchronous=NORMAL in WAL mode,
# which does not sync on commit either) with pg_stat_statements loaded.
# Results go to bench/out/workers-<time>.txt and bench/out/workers.txt.
#
# Environment: BENCH_PAGES (pages per host, default 5000), BENCH_CONCURRENCY
# (default 16), BENCH_CONFIGS (default "sqlite pg1 pg2 pg4"), BENCH_ROUNDS
# (default 3; the table shows the median round), BENCH_PORT
# (first port to try, default 18090), PATROLI (default ./patroli).
set -euo pipefail

cd "$(dirname "$0")/.."
. bench/lib.sh

PAGES=${BENCH_PAGES:-5000}
CONC=${BENCH_CONCURRENCY:-16}
CONFIGS=${BENCH_CONFIGS:-sqlite pg1 pg2 pg4}
ROUNDS=${BENCH_ROUNDS:-3}
BIN=$(cd "$(dirname "${PATROLI:-./patroli}")" && pwd)/$(basename "${PATROLI:-./patroli}")
HOSTS=(127.0.0.2 127.0.0.3 127.0.0.4 127.0.0.5 127.0.0.6 127.0.0.7 127.0.0.8
	127.0.0.9)
OUTDIR=bench/out
SITE=$(pwd)/$OUTDIR/wsite-$PAGES
mkdir -p "$OUTDIR"
# Under /tmp: the PostgreSQL server's own user must reach its directory.
T=$(mktemp -d /tmp/patroli-wbench.XXXXXX)
chmod 755 "$T"
PGDIR=$T/pg
SAMPLER_PID=""

cleanup() {
	[ -n "$SAMPLER_PID" ] && kill "$SAMPLER_PID" 2>/dev/null || true
	nginx_stop
	scripts/pg-test-server stop "$PGDIR" >/dev/null 2>&1 || true
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

[ -x "$BIN" ] || bench_die "no $BIN: run 'make' first"
# A private copy: a rebuild during the bench must not mix two versions.
cp "$BIN" "$T/patroli"
BIN=$T/patroli
need nginx curl psql python3

# ---- the sites and their server ------------------------------------------------

for i in "${!HOSTS[@]}"; do
	gensite "$SITE/${HOSTS[$i]}" --pages "$PAGES" --seed $((i + 1))
done

# One server block on every address; the address picks the site.
nginx_multi_conf() { # PORT
	local listen="" h
	for h in "${HOSTS[@]}"; do
		listen+="		listen $h:$1;"$'\n'
	done
	nginx_write_conf "$T" "$listen		root $SITE/\$server_addr;"
}

# Up when every address answers.
nginx_multi_ready() { # PORT
	local h
	for h in "${HOSTS[@]}"; do
		curl -fsS -o /dev/null --max-time 1 \
			"http://$h:$1/robots.txt" 2>/dev/null || return 1
	done
}

start_nginx() {
	nginx_try_ports "$T" "${BENCH_PORT:-18090}" nginx_multi_conf \
		nginx_multi_ready
	PORT=$NGINX_PORT
}
start_nginx
SEEDS=()
for h in "${HOSTS[@]}"; do
	SEEDS+=(--seed "http://$h:$PORT/index.html")
done
echo "sites: ${#HOSTS[@]} x $PAGES pages, $(du -sh "$SITE" | cut -f1)," \
	"nginx on ${HOSTS[0]}-${HOSTS[-1]}:$PORT"

# ---- PostgreSQL with pg_stat_statements --------------------------------------

PG0=$(scripts/pg-test-server start "$PGDIR") || bench_die "PostgreSQL did not start"
PGBIN=$(dirname "$(ls -d /usr/lib/postgresql/*/bin/pg_ctl | sort -V | tail -n 1)")
as_pg() {
	if [ "$(id -u)" = 0 ]; then
		(cd "$PGDIR" && runuser -u patroli-test -- "$@")
	else
		(cd "$PGDIR" && "$@")
	fi
}
psql -X -q "$PG0" -c \
	"ALTER SYSTEM SET shared_preload_libraries = 'pg_stat_statements'" \
	>/dev/null
as_pg "$PGBIN/pg_ctl" -D "$PGDIR/data" -l "$PGDIR/log" -w -t 60 restart \
	>/dev/null || bench_die "PostgreSQL did not restart"
psql -X -q "$PG0" -c "CREATE EXTENSION IF NOT EXISTS pg_stat_statements" \
	>/dev/null

# ---- CPU accounting ------------------------------------------------------------
# Every 0.2 s, the CPU time of our processes (descendants of this script
# and of our postmaster); a process's last sample counts (PostgreSQL
# backends come and go with their clients).
cat >"$T/sampler.py" <<'EOF'
import os, sys, time, signal
out, roots = sys.argv[1], set(sys.argv[2].split(","))
groups = {"patroli": "patroli", "postgres": "postgres", "nginx": "nginx"}
last = {}
tick = os.sysconf("SC_CLK_TCK")
def sample():
    procs = {}
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % pid) as f:
                s = f.read()
        except OSError:
            continue
        comm = s[s.index("(") + 1:s.rindex(")")]
        procs[pid] = (comm, s[s.rindex(")") + 2:].split())
    for pid, (comm, f) in procs.items():
        g = groups.get(comm)
        if not g:
            continue
        # Ours only: other people's servers may share the machine.
        p, mine = pid, False
        while p in procs and p != "1":
            if p in roots:
                mine = True
                break
            p = procs[p][1][1]
        if mine:
            last[(pid, f[19])] = (g, (int(f[11]) + int(f[12])) / tick)
def dump(*_):
    sample()
    tot = {g: 0.0 for g in groups.values()}
    for g, cpu in last.values():
        tot[g] += cpu
    with open(out, "w") as f:
        f.write(" ".join("%s=%.1f" % kv for kv in sorted(tot.items())) + "\n")
    sys.exit(0)
if len(sys.argv) > 3:  # --once: the baseline
    dump()
signal.signal(signal.SIGTERM, dump)
open(out + ".ready", "w").close()
while True:
    sample()
    time.sleep(0.2)
EOF

# The sampler starts after the processes that live through a run (nginx,
# the postmaster): their earlier CPU time is subtracted with a baseline.
cpu_start() {
	local roots
	roots="$$,$(head -n 1 "$PGDIR/data/postmaster.pid")"
	python3 "$T/sampler.py" "$T/cpu.base" "$roots" --once
	rm -f "$T/cpu.run.ready"
	python3 "$T/sampler.py" "$T/cpu.run" "$roots" &
	SAMPLER_PID=$!
	while [ ! -f "$T/cpu.run.ready" ]; do
		sleep 0.05
	done
}

cpu_stop() { # -> "patroli postgres nginx" CPU seconds during the run
	kill "$SAMPLER_PID"
	wait "$SAMPLER_PID" 2>/dev/null || true
	SAMPLER_PID=""
	python3 - "$T/cpu.base" "$T/cpu.run" <<'EOF'
import sys
def load(p):
    return dict(kv.split("=") for kv in open(p).read().split())
b, r = load(sys.argv[1]), load(sys.argv[2])
print(" ".join("%.1f" % (float(r[g]) - float(b[g]))
               for g in ("patroli", "postgres", "nginx")))
EOF
}

# Statements per page: each is one round trip.  Multi-row INSERTs of
# different sizes are different statements: they are counted as one.
cat >"$T/statements.sql" <<'EOF'
WITH q AS (
  SELECT regexp_replace(regexp_replace(s.query, '\s+', ' ', 'g'),
                        '(, \(\$1(, \$[0-9]+)+\))+', ', ...', 'g') AS query,
         s.calls, s.total_exec_time
  FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid
  WHERE d.datname = '@DB@')
SELECT to_char(sum(calls) / @PAGES@, 'FM990.00'), sum(calls),
       to_char(sum(total_exec_time), 'FM9999990'), left(query, 110)
FROM q GROUP BY query ORDER BY sum(calls) DESC LIMIT 20;
EOF

# ---- the configurations ---------------------------------------------------------

CRAWL=(crawl "${SEEDS[@]}" --delay-ms 0 --concurrency "$CONC" --no-progress)
"$BIN" crawl --help 2>&1 | grep -q -- '--no-analyze' && CRAWL+=(--no-analyze)

declare -A R_PAGES R_SECS R_CPU R_SPLIT R_ERR

now() { date +%s.%N; }

run_sqlite() { # KEY
	local k=$1 t0 t1
	cpu_start
	t0=$(now)
	"$BIN" --db "$T/s.db" --data "$T/sd" "${CRAWL[@]}" \
		>"$T/sqlite.log" 2>&1 || echo "warning: sqlite crawl failed" >&2
	t1=$(now)
	R_CPU[$k]=$(cpu_stop)
	R_SECS[$k]=$(echo "$t1 - $t0" | bc)
	R_PAGES[$k]=$(sqlite3 "$T/s.db" "SELECT count(*) FROM capture")
	[ "${R_PAGES[$k]}" -gt 0 ] || cp "$T/sqlite.log" "$OUTDIR/workers-failed-sqlite.log"
	R_ERR[$k]=$(sqlite3 "$T/s.db" "SELECT count(*) FROM frontier WHERE state = 3")
	R_SPLIT[$k]=" main=${R_PAGES[$k]}"
	rm -rf "$T/sd" "$T"/s.db*
}

run_pg() { # KEY N
	local k=$1 n=$2 name=bench_w$2_$$ db t0 t1 i pids=() logs=() split="" p
	db=${PG0%/*}/$name
	psql -X -q "$PG0" -c "CREATE DATABASE $name" >/dev/null
	# Migrate first, so the timed part is the crawl alone.
	"$BIN" --db "$db" db migrate >/dev/null 2>&1 || true
	psql -X -q "$PG0" -c "SELECT pg_stat_statements_reset()" >/dev/null
	rm -f "$T"/pg-*.log
	cpu_start
	t0=$(now)
	"$BIN" --db "$db" --data "$T/pd" "${CRAWL[@]}" >"$T/pg-main.log" 2>&1 &
	pids+=($!)
	logs+=("$T/pg-main.log")
	for i in $(seq 1 300); do
		[ "$(psql -X -A -t "$db" -c 'SELECT count(*) FROM crawl_run' \
			2>/dev/null)" = 1 ] && break
		sleep 0.05
	done
	for ((i = 1; i < n; i++)); do
		"$BIN" --db "$db" --data "$T/pd" worker --worker "w$i" --once \
			--no-progress >"$T/pg-w$i.log" 2>&1 &
		pids+=($!)
		logs+=("$T/pg-w$i.log")
	done
	for i in "${!pids[@]}"; do
		wait "${pids[$i]}" && continue
		p=$OUTDIR/workers-failed-$(echo "$k" | tr / -)-$(basename "${logs[$i]}")
		cp "${logs[$i]}" "$p"
		echo "warning: a $k process failed, see $p" >&2
	done
	t1=$(now)
	R_CPU[$k]=$(cpu_stop)
	R_SECS[$k]=$(echo "$t1 - $t0" | bc)
	R_PAGES[$k]=$(psql -X -A -t "$db" -c "SELECT count(*) FROM capture")
	R_ERR[$k]=$(psql -X -A -t "$db" -c \
		"SELECT count(*) FROM frontier WHERE state = 3")
	for p in "$T"/pg-*.log; do
		split+=" $(basename "$p" .log | sed "s/^pg-//")=$(sed -n \
			-e 's/^worker [^:]*: run [0-9]*: \([0-9]*\) pages.*/\1/p' \
			-e 's/^  pages: *\([0-9]*\) recorded.*/\1/p' "$p" | tail -n 1)"
	done
	R_SPLIT[$k]=$split
	[ "${R_PAGES[$k]:-0}" -gt 0 ] || R_PAGES[$k]=0
	sed -e "s/@DB@/$name/" -e "s/@PAGES@/$((R_PAGES[$k] > 0 ? R_PAGES[$k] : 1))/" \
		"$T/statements.sql" |
		psql -X -A -t -F ' | ' "$PG0" >"$T/$(echo "$k" | tr / _).statements"
	psql -X -q "$PG0" -c "DROP DATABASE $name WITH (FORCE)" >/dev/null
	rm -rf "$T/pd"
}

# splitN: N independent `patroli crawl` processes, each with a database of
# its own and 8/N of the hosts: no coordination at all, so the figure is
# what this machine's cores give N crawlers and their PostgreSQL backends,
# the ceiling for pgN once workers share hosts evenly.
run_split() { # KEY N
	local k=$1 n=$2 t0 t1 i j pids=() seeds name
	for ((i = 0; i < n; i++)); do
		name=bench_s${i}_$$
		psql -X -q "$PG0" -c "CREATE DATABASE $name" >/dev/null
		"$BIN" --db "${PG0%/*}/$name" db migrate >/dev/null 2>&1 || true
	done
	cpu_start
	t0=$(now)
	for ((i = 0; i < n; i++)); do
		seeds=()
		for ((j = i; j < ${#HOSTS[@]}; j += n)); do
			seeds+=(--seed "http://${HOSTS[$j]}:$PORT/index.html")
		done
		"$BIN" --db "${PG0%/*}/bench_s${i}_$$" --data "$T/pd$i" crawl \
			"${seeds[@]}" "${CRAWL[@]:$((1 + 2 * ${#HOSTS[@]}))}" \
			>"$T/split-$i.log" 2>&1 &
		pids+=($!)
	done
	for p in "${pids[@]}"; do
		wait "$p" || echo "warning: a $k process failed" >&2
	done
	t1=$(now)
	R_CPU[$k]=$(cpu_stop)
	R_SECS[$k]=$(echo "$t1 - $t0" | bc)
	R_PAGES[$k]=0
	R_ERR[$k]=0
	R_SPLIT[$k]=""
	for ((i = 0; i < n; i++)); do
		name=bench_s${i}_$$
		j=$(psql -X -A -t "${PG0%/*}/$name" -c "SELECT count(*) FROM capture")
		R_PAGES[$k]=$((R_PAGES[$k] + j))
		R_SPLIT[$k]+=" db$i=$j"
		R_ERR[$k]=$((R_ERR[$k] + $(psql -X -A -t "${PG0%/*}/$name" -c \
			"SELECT count(*) FROM frontier WHERE state = 3")))
		psql -X -q "$PG0" -c "DROP DATABASE $name WITH (FORCE)" >/dev/null
		rm -rf "$T/pd$i"
	done
}

# Rounds interleave the configurations, so that a burst of load from
# elsewhere on the machine spreads over all of them; the median counts.
LOAD0=$(cut -d' ' -f1-3 /proc/loadavg)
for ((r = 1; r <= ROUNDS; r++)); do
	for c in $CONFIGS; do
		echo "round $r: $c..."
		case $c in
		sqlite) run_sqlite "$c/$r" ;;
		pg[0-9]*) run_pg "$c/$r" "${c#pg}" ;;
		split[0-9]*) run_split "$c/$r" "${c#split}" ;;
		*) bench_die "unknown configuration $c" ;;
		esac
	done
done
LOAD1=$(cut -d' ' -f1-3 /proc/loadavg)

# median KEY-PREFIX: the round whose pages/s is the median of the config.
median_round() {
	local c=$1 r
	for ((r = 1; r <= ROUNDS; r++)); do
		awk -v p="${R_PAGES[$c/$r]}" -v s="${R_SECS[$c/$r]}" -v r="$r" \
			'BEGIN { printf "%f %d\n", (s > 0 ? p / s : 0), r }'
	done | sort -n | awk '{ a[NR] = $2 } END { print a[int((NR + 1) / 2)] }'
}
rate() { # KEY
	awk -v p="${R_PAGES[$1]}" -v s="${R_SECS[$1]}" \
		'BEGIN { printf "%.1f", (s > 0 ? p / s : 0) }'
}

STAMP=$(date -u +%Y%m%dT%H%M%SZ)
REPORT=$OUTDIR/workers-$STAMP.txt
declare -A MED
{
	echo "# bench/workers.sh $STAMP: ${#HOSTS[@]} hosts x $PAGES pages," \
		"concurrency $CONC per process, no delay, nginx on loopback," \
		"$(nproc) CPUs, load average $LOAD0 before, $LOAD1 after"
	echo "# median of $ROUNDS round(s); CPU seconds and pages per process" \
		"are the median round's"
	printf '%-7s %5s %7s %8s %8s  %-25s %s\n' config procs pages seconds \
		pages/s "pages/s of each round" "CPU s: patroli postgres nginx"
	for c in $CONFIGS; do
		m=$(median_round "$c")
		MED[$c]=$c/$m
		all=""
		for ((r = 1; r <= ROUNDS; r++)); do
			all+="$(rate "$c/$r") "
		done
		read -r cp cg cn <<<"${R_CPU[$c/$m]}"
		n=1
		case $c in pg*) n=${c#pg} ;; split*) n=${c#split} ;; esac
		printf '%-7s %5d %7d %8.1f %8s  %-25s %14s %8s %5s\n' "$c" "$n" \
			"${R_PAGES[$c/$m]}" "${R_SECS[$c/$m]}" "$(rate "$c/$m")" \
			"$all" "$cp" "$cg" "$cn"
	done
	for c in $CONFIGS; do
		echo "pages per process, $c:${R_SPLIT[${MED[$c]}]}"
	done
	for k in "${!R_ERR[@]}"; do
		[ "${R_ERR[$k]:-0}" = 0 ] ||
			echo "WARNING: $k: ${R_ERR[$k]} failed fetches (see nginx's error log)"
	done
	if [ -n "${MED[sqlite]:-}" ] && [ -n "${MED[pg1]:-}" ]; then
		awk -v x="$(rate "${MED[pg1]}")" -v y="$(rate "${MED[sqlite]}")" \
			'BEGIN { printf "PostgreSQL, one crawler: %.0f%% of SQLite" \
				"'"'"'s pages/s (target: at least 70%%)\n", 100 * x / y }'
	fi
	for c in $CONFIGS; do
		k=${MED[$c]}
		f="$T/$(echo "$k" | tr / _).statements"
		[ -f "$f" ] || continue
		echo
		echo "statements on PostgreSQL, $c (per page | calls | total ms |" \
			"statement), median round:"
		cat "$f"
	done
} | tee "$REPORT"
cp "$REPORT" "$OUTDIR/workers.txt"
