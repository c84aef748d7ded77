#!/bin/bash
# detect_cli.sh - the detection commands through the real binary: `nie
# check` prints one JSON line per text with the keys scripts rely on and the
# registry row; `registry import` reports a bad row as FILE:LINE and
# imports the rest, re-import updates in place; `rules check` names
# file:line of each error and exits 1; `rules scan` flags a listing with
# the original snippet.
. "$(dirname "$0")/../lib.sh"

use_store detect
REG=$ROOT/tests/nie/registry.csv

# ---- registry import ----------------------------------------------------------
run_pat reg-import 60 registry import "$REG"
check_eq "registry import exits 0" 0 "$RC"
check "registry import counts the rows" grep -q "9 rows, 9 imported, 0 skipped" "$OUT"

cat >"$WORK/bad.csv" <<'CSV'
nie,product_name,brand,commodity,holder,status,valid_until
POM TR 123 456 789,Renamed Jamu,Sekar Alami,obat_tradisional,PT,revoked,2030-01-01
TR222222222,"broken quote,B,obat_tradisional,H,active,
TR333333333,Bad Status,B,obat_tradisional,H,unknown,
TR444444444,Good,B,obat_tradisional,H,active,2031-12-31
CSV
run_pat reg-bad 60 registry import "$WORK/bad.csv"
check_eq "a file with bad rows still imports (exit 0)" 0 "$RC"
check "broken quoting reported with its line" grep -q "bad.csv:3: " "$ERR"
check "bad status reported with its line" grep -q "bad.csv:4: bad status" "$ERR"
check "the good rows import" grep -q "4 rows, 2 imported, 2 skipped" "$OUT"

run_pat reg-missing 30 registry import "$WORK/nope.csv"
check_eq "a missing file exits 1" 1 "$RC"

# ---- nie check ------------------------------------------------------------------
run_pat nie 30 nie check "POM TR 123 456 789" "No. BPOM: NA18210103154" \
	"POM HT 4354406" "BPOM RI MD 224510107115" "AKL 20501220453"
check_eq "nie check exits 0" 0 "$RC"
pycheck "nie check: one JSON line per text, with the contract keys" \
	"$WORK/nie.out" <<'PY'
rows = [json.loads(l) for l in open(ARGS[0])]
if len(rows) != 5:
    fail("%d lines" % len(rows))
keys = ["input", "normalized", "commodity", "format_ok", "registry", "verdict"]
for r in rows:
    if list(r)[:6] != keys:
        fail("keys %s" % list(r))
want = [("TR123456789", "obat_tradisional", True, "revoked"),
        ("NA18210103154", "kosmetik", True, "unknown"),
        ("HT4354406", "obat_tradisional", False, "malformed"),
        ("MD224510107115", "pangan", True, "valid"),
        (None, None, False, "malformed")]
for r, (n, c, f, v) in zip(rows, want):
    got = (r["normalized"] if n else None, r["commodity"], r["format_ok"], r["verdict"])
    if got != (n, c, f, v):
        fail("%s: got %s, want %s" % (r["input"], got, (n, c, f, v)))
# re-import updated the row in place: renamed and revoked
if rows[0]["registry"]["product_name"] != "Renamed Jamu" or rows[0]["registry"]["status"] != "revoked":
    fail("registry row %s" % rows[0]["registry"])
if rows[1]["registry"] is not None:
    fail("unknown number has a registry row")
PY

# ---- rules check ------------------------------------------------------------------
run_pat rules-ok 60 rules check --rules "$ROOT/data/rules"
check_eq "shipped rules check ok" 0 "$RC"
printf 'rule bad.code\n\tcode NOPE\n\tsource s\n\tword x\nrule bad.re\n\tcode BKO\n\tsource s\n\tregex (abc\n' >"$WORK/bad.rules"
run_pat rules-bad 60 rules check "$WORK/bad.rules"
check_eq "a bad rule file exits 1" 1 "$RC"
check "unknown code named with file:line" grep -q "bad.rules:2: unknown violation code 'NOPE'" "$ERR"
printf 'rule ok.one\n\tcode BKO\n\tsource s\n\tregex (abc\n' >"$WORK/re.rules"
run_pat rules-re 60 rules check "$WORK/re.rules"
check "bad regex named with file:line" grep -q "re.rules:4: bad regex" "$ERR"

# ---- rules scan -------------------------------------------------------------------
run_pat scan 60 rules scan --rules "$ROOT/data/rules" \
	--title "Jamu Kuat Pria" "racikan s.i.l.d.e.n.a.f.i.l, reaksi 15 menit"
check_eq "rules scan exits 0" 0 "$RC"
pycheck "rules scan flags BKO with the original snippet" "$WORK/scan.out" <<'PY'
r = json.loads(open(ARGS[0]).readline())
if r["commodity"] != "obat_tradisional":
    fail("commodity %s" % r["commodity"])
if set(r["violations"]) != {"NO_NIE", "BKO", "ILLEGAL_CLAIM"}:
    fail("violations %s" % r["violations"])
snip = [x["snippet"] for x in r["reasons"] if x["code"] == "BKO"]
if not snip or set(snip) != {"s.i.l.d.e.n.a.f.i.l"}:
    fail("BKO snippet %s" % snip)
PY

finish
