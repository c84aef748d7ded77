#!/bin/bash
# db_copy.sh - `patroli db copy`, `db migrate` and `db status`: an office's
# SQLite store, filled by a real crawl of the fixture, is copied into
# PostgreSQL and back without losing a record: page exports identical byte
# for byte, every table identical row for row (values and types), blobs
# with NUL bytes intact, invalid UTF-8 counted, identity sequences moved on.
# A copy into a non-empty store, from a store of another schema, or that
# fails half-way changes nothing.
#
# PostgreSQL: PATROLI_TEST_PG (set by tests/run.sh), else a throw-away
# server started here.  Each copy goes into a schema of its own
# (?options=-csearch_path=...), dropped at the end.
. "$(dirname "$0")/../lib.sh"

# ---- PostgreSQL ------------------------------------------------------------------
PG=${PATROLI_TEST_PG:-}
OWN_PG=""
NSCHEMA=0
SCHEMAS=()
_dbcopy_cleanup() {
	local s
	if [ -n "$PG" ]; then
		for s in "${SCHEMAS[@]}"; do
			psql -q "$PG" -c "DROP SCHEMA IF EXISTS $s CASCADE" \
				>/dev/null 2>&1
		done
	fi
	if [ -n "$OWN_PG" ]; then
		"$ROOT/scripts/pg-test-server" stop "$OWN_PG" >/dev/null 2>&1
	fi
	_lib_cleanup
}
trap _dbcopy_cleanup EXIT
if [ -z "$PG" ]; then
	# Directly under /tmp: the server's unprivileged user must reach it.
	OWN_PG=$(mktemp -d /tmp/patroli-dbcopy-pg.XXXXXX)
	if ! PG=$("$ROOT/scripts/pg-test-server" start "$OWN_PG" \
		2>"$WORK/pg-start.err"); then
		PG=""
	fi
fi
if [ -n "$PG" ] && ! command -v psql >/dev/null; then
	PG=""
	echo "# psql not found" >"$WORK/pg-start.err"
fi

# new_pg: a URI for a fresh, empty schema, in PGURI.
new_pg() {
	local s sep=?
	NSCHEMA=$((NSCHEMA + 1))
	s=dbcopy_$$_$NSCHEMA
	SCHEMAS+=("$s")
	psql -q "$PG" -c "DROP SCHEMA IF EXISTS $s CASCADE; CREATE SCHEMA $s" \
		>/dev/null 2>&1 || return 1
	case $PG in *\?*) sep=\& ;; esac
	PGURI="$PG${sep}options=-csearch_path%3D$s"
}

# sql_pg URI SQL: one value, unaligned.
sql_pg() {
	psql -X -A -t -q "$1" -c "$2"
}

# ---- helpers ---------------------------------------------------------------------
# copy NAME FROM TO: run `db copy` (the global --db is not used by it).
copy() {
	run_pat "$1" 120 db copy --from "$2" --to "$3"
}

# export_of STORE FILE: sorted jsonl export of a store.
export_of() {
	"$PATROLI" --db "$1" --data "$WORK/x-data" pages export --format jsonl \
		--out "$2.raw" 2>"$2.err" && LC_ALL=C sort "$2.raw" >"$2"
}

# rows_of STORE: the row-count lines of `db status`.
rows_of() {
	"$PATROLI" --db "$1" db status 2>&1 | sed -n '/^rows:/,$p'
}

# same_tables NAME A.db B.db: every table of two SQLite stores holds the same
# rows, value for value and type for type (Python compares bytes with
# bytes, 5 with 5 and never with '5').
same_tables() {
	pycheck "$1" "$2" "$3" <<'EOF'
import sqlite3
a, b = (sqlite3.connect(p) for p in ARGS)
for con in (a, b):
    con.text_factory = bytes
names = [r[0].decode() for r in a.execute(
    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE "
    "'sqlite%' AND name <> 'schema_migrations' ORDER BY name")]
if not names:
    fail("no tables")
total = 0
for t in names:
    ncol = len(a.execute('SELECT * FROM "%s" LIMIT 0' % t).description)
    order = ", ".join(str(i + 1) for i in range(ncol))
    q = 'SELECT * FROM "%s" ORDER BY %s' % (t, order)
    ra, rb = a.execute(q).fetchall(), b.execute(q).fetchall()
    if ra != rb:
        diff = [x for x in ra if x not in rb][:3]
        fail("table %s differs: %d vs %d rows; first missing: %r"
             % (t, len(ra), len(rb), diff))
    for row_a, row_b in zip(ra, rb):
        if [type(v) for v in row_a] != [type(v) for v in row_b]:
            fail("table %s: types differ: %r vs %r" % (t, row_a, row_b))
    total += len(ra)
if total == 0:
    fail("both stores are empty")
EOF
}

# ---- an office's store, filled by a real crawl ----------------------------------
start_fixture
use_store office
run_pat crawl 180 crawl --seed "$FX_URL/site/" --delay-ms 0 --no-progress
crawl_ok "crawl fills the office's SQLite store"
OFFICE=$DB
export_of "$OFFICE" "$WORK/office.jsonl"
check "the office store has pages" test -s "$WORK/office.jsonl"

run_pat migrate-office 30 db migrate
check "db migrate on a migrated store: up to date" grep -q "up to date" "$OUT"
run_pat status-office 30 db status
check "db status names the backend" grep -q "^backend: sqlite" "$OUT"
check "db status counts captures" grep -E -q "^  capture +[1-9]" "$OUT"

# ---- db migrate: explicit, reporting, idempotent ---------------------------------
DB=$WORK/fresh.db
run_pat migrate-new 30 db migrate
check "db migrate creates a new store (0 -> newest)" \
	grep -E -q "schema version 0 -> [1-9]" "$OUT"
run_pat migrate-again 30 db migrate
check "db migrate again: up to date" grep -q "up to date" "$OUT"
DB=$WORK/missing.db
run_pat status-missing 30 db status
check_eq "db status of a missing store fails (exit 1)" 1 "$RC"
check "db status creates no store" test ! -e "$WORK/missing.db"
DB=$OFFICE

# ---- misuse -------------------------------------------------------------------------
run_pat copy-nofrom 30 db copy --to "$WORK/x.db"
check_eq "db copy without --from is misuse (exit 2)" 2 "$RC"
run_pat copy-noto 30 db copy --from "$OFFICE"
check_eq "db copy without --to is misuse (exit 2)" 2 "$RC"
copy copy-missing "$WORK/nope.db" "$WORK/nope-target.db"
check_eq "db copy from a missing file fails (exit 1)" 1 "$RC"
check "a missing source is not created" test ! -e "$WORK/nope.db"

# ---- SQLite -> SQLite ---------------------------------------------------------------
copy copy-sqlite "$OFFICE" "$WORK/copy.db"
check_eq "db copy SQLite -> SQLite (exit 0)" 0 "$RC"
check "db copy verifies every table" grep -q "^verify" "$OUT"
if grep -q "DIFFERENT" "$OUT"; then
	not_ok "db copy: row counts equal" "$(cat "$OUT")"
else
	ok "db copy: row counts equal"
fi
same_tables "SQLite -> SQLite: every table identical" "$OFFICE" "$WORK/copy.db"
copy copy-again "$OFFICE" "$WORK/copy.db"
check_eq "copy into a non-empty store is refused (exit 1)" 1 "$RC"
check "the refusal says why" grep -q "not empty" "$ERR"
same_tables "the refused copy changed nothing" "$OFFICE" "$WORK/copy.db"

# ---- SQLite -> PostgreSQL -> SQLite -----------------------------------------------
if [ -z "$PG" ]; then
	skip "db copy to PostgreSQL" \
		"no server: $(head -c 300 "$WORK/pg-start.err" 2>/dev/null)"
	finish
fi
if ! new_pg; then
	not_ok "create a PostgreSQL schema for the copy" "psql failed on $PG"
	finish
fi
CENTRAL=$PGURI
copy copy-pg "$OFFICE" "$CENTRAL"
check_eq "db copy SQLite -> PostgreSQL (exit 0)" 0 "$RC"
check "the copy reports each table" grep -E -q "^  capture +[0-9]+ rows" "$OUT"
if grep -q "DIFFERENT" "$OUT" || ! grep -q "^copied" "$OUT"; then
	not_ok "SQLite -> PostgreSQL: row counts verified" "$(cat "$OUT")"
else
	ok "SQLite -> PostgreSQL: row counts verified"
fi
export_of "$CENTRAL" "$WORK/central.jsonl"
if cmp -s "$WORK/office.jsonl" "$WORK/central.jsonl"; then
	ok "pages export from PostgreSQL is identical to SQLite's"
else
	not_ok "pages export from PostgreSQL is identical to SQLite's" \
		"$(diff "$WORK/office.jsonl" "$WORK/central.jsonl" | head -n 10)"
fi
check_eq "db status row counts are the same on both" \
	"$(rows_of "$OFFICE")" "$(rows_of "$CENTRAL")"

# Ids continue after the copied ones (the identity sequences moved on).
max_run=$(python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('SELECT MAX(id) FROM crawl_run').fetchone()[0])" "$OFFICE")
max_cap=$(python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('SELECT MAX(id) FROM capture').fetchone()[0])" "$OFFICE")
new_id=$(sql_pg "$CENTRAL" "INSERT INTO crawl_run (config, status, started_at) VALUES ('{}', 'test', 0) RETURNING id" 2>&1 | head -n 1)
check_eq "a new run on PostgreSQL gets the next id" "$((max_run + 1))" \
	"$new_id"
sql_pg "$CENTRAL" "DELETE FROM crawl_run WHERE id = $new_id" >/dev/null 2>&1

copy copy-pg-again "$OFFICE" "$CENTRAL"
check_eq "copy into a non-empty PostgreSQL store is refused (exit 1)" 1 \
	"$RC"
check "the refusal names the tables that hold rows" grep -q "capture (" \
	"$ERR"

copy copy-back "$CENTRAL" "$WORK/back.db"
check_eq "db copy PostgreSQL -> SQLite (exit 0)" 0 "$RC"
export_of "$WORK/back.db" "$WORK/back.jsonl"
if cmp -s "$WORK/office.jsonl" "$WORK/back.jsonl"; then
	ok "round trip SQLite -> PostgreSQL -> SQLite: identical export"
else
	not_ok "round trip SQLite -> PostgreSQL -> SQLite: identical export" \
		"$(diff "$WORK/office.jsonl" "$WORK/back.jsonl" | head -n 10)"
fi
same_tables "round trip: every table identical, row for row" "$OFFICE" \
	"$WORK/back.db"

# The evidence moves with the store: WARC paths are relative to the data
# directory, so the office's files copied under the central data directory
# verify against the copied captures.
DB=$CENTRAL
DATA=$WORK/central-data
cp -a "$WORK/office-data" "$DATA"
run_pat verify-central 120 evidence verify
check_eq "evidence verify on the copied store with the copied WARC files" \
	0 "$RC"

# The central store crawls on: new captures take new ids, nothing clashes.
run_pat crawl-central 180 crawl --seed "$FX_URL/site/" --delay-ms 0 \
	--no-progress
crawl_ok "a crawl on the copied PostgreSQL store works"
min_new=$(sql_pg "$CENTRAL" "SELECT MIN(id) FROM capture WHERE run_id > $max_run" 2>&1)
if [ -n "$min_new" ] && [ "$min_new" -gt "$max_cap" ] 2>/dev/null; then
	ok "new captures take ids after the copied ones"
else
	not_ok "new captures take ids after the copied ones" \
		"copied up to $max_cap, new from '$min_new'"
fi
DB=$OFFICE
DATA=$WORK/office-data

# ---- blobs with NUL bytes, text that is not UTF-8 ---------------------------------
cp "$OFFICE" "$WORK/odd.db"
python3 - "$WORK/odd.db" <<'EOF'
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
c.execute("INSERT INTO robots (host, status, body, fetched_at) VALUES "
          "('http://nul.test', 200, ?, 1)",
          (b"User-agent: *\x00\xff\xfe\nDisallow: /a\x00\x00\r\n\x80end",))
c.execute("UPDATE capture SET content_type = CAST(X'746578742f68746d6cff' "
          "AS TEXT) WHERE id = (SELECT MIN(id) FROM capture)")
c.commit()
EOF
new_pg && ODD=$PGURI
copy copy-odd "$WORK/odd.db" "$ODD"
check_eq "db copy of a store with odd bytes (exit 0)" 0 "$RC"
check "invalid UTF-8 is reported with its column" \
	grep -q "capture.content_type: 1 value with invalid UTF-8" "$OUT"
want=$(python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute(\"SELECT lower(hex(body)) FROM robots WHERE host = 'http://nul.test'\").fetchone()[0])" "$WORK/odd.db")
got=$(sql_pg "$ODD" "SELECT encode(body, 'hex') FROM robots WHERE host = 'http://nul.test'" 2>&1)
check_eq "a robots body with NUL bytes is stored byte for byte (bytea)" \
	"$want" "$got"
copy copy-odd-back "$ODD" "$WORK/odd-back.db"
check_eq "db copy of it back to SQLite (exit 0)" 0 "$RC"
pycheck "robots bodies round-trip byte for byte" "$WORK/odd.db" \
	"$WORK/odd-back.db" <<'EOF'
import sqlite3
q = "SELECT host, body, typeof(body) FROM robots ORDER BY host"
a, b = (sqlite3.connect(p).execute(q).fetchall() for p in ARGS)
if a != b:
    fail("differ: %r vs %r" % (a[:3], b[:3]))
if not any(b"\x00" in r[1] for r in b):
    fail("no body with NUL bytes came back")
EOF

# ---- a copy that fails half-way leaves the target as it was ------------------------
cp "$OFFICE" "$WORK/broken.db"
python3 - "$WORK/broken.db" <<'EOF'
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])  # foreign keys are off by default here
c.execute("INSERT INTO capture (run_id, page_id, url, status, fetched_at, "
          "depth) VALUES (1, 999999, 'http://orphan.test/', 200, 1, 0)")
c.commit()
EOF
new_pg && BROKEN=$PGURI
copy copy-broken "$WORK/broken.db" "$BROKEN"
check_eq "a copy that breaks a foreign key fails (exit 1)" 1 "$RC"
check "the failure names the constraint" grep -q "foreign key" "$ERR"
if rows_of "$BROKEN" | grep -E -q " [1-9][0-9]*$"; then
	not_ok "the failed copy left no row behind" "$(rows_of "$BROKEN")"
else
	ok "the failed copy left no row behind"
fi

# ---- schema versions must match ----------------------------------------------------
cp "$OFFICE" "$WORK/old.db"
python3 - "$WORK/old.db" <<'EOF'
import sqlite3, sys
# An office store from before the registry existed.
c = sqlite3.connect(sys.argv[1])
c.execute("DROP TABLE registry")
c.execute("DELETE FROM schema_migrations WHERE name LIKE 'product registry%'")
c.commit()
EOF
new_pg && OLDT=$PGURI
copy copy-old "$WORK/old.db" "$OLDT"
check_eq "a source of an older schema is refused (exit 1)" 1 "$RC"
check "the refusal says to migrate the source" grep -q "db migrate" "$ERR"
DB=$WORK/old.db
run_pat migrate-old 30 db migrate
check "db migrate reports the migration it applied" \
	grep -q "1 migration applied" "$OUT"
DB=$OFFICE
copy copy-old-2 "$WORK/old.db" "$OLDT"
check_eq "after db migrate the old store copies (exit 0)" 0 "$RC"
export_of "$OLDT" "$WORK/old.jsonl"
check "and exports the same pages" cmp -s "$WORK/office.jsonl" \
	"$WORK/old.jsonl"

# ---- db migrate and status on PostgreSQL -------------------------------------------
new_pg && DB=$PGURI
run_pat status-pg 30 db status
check "db status on an empty PostgreSQL schema: version 0" \
	grep -q "version 0" "$OUT"
run_pat migrate-pg 30 db migrate
check "db migrate on PostgreSQL: 0 -> newest" \
	grep -E -q "postgres store: schema version 0 -> [1-9]" "$OUT"
run_pat migrate-pg2 30 db migrate
check "db migrate on PostgreSQL again: up to date" grep -q "up to date" \
	"$OUT"
DB=$OFFICE

stop_fixture "$FX_PID" "$FX_ERR"
finish
