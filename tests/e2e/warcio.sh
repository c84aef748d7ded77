#!/bin/bash
# warcio.sh - patroli's WARC files checked by an independent reader
# (webrecorder's warcio.js, through tests/node/check.mjs), and the evidence
# commands run end to end.
#
#  1. test_warc leaves a varied corpus in $WARC_TEST_OUT (chunked with
#     trailers, gzip, br, truncated, 100 Continue, resource records,
#     rotation); warcio must parse every record, and every block and
#     payload digest must match.
#  2. a record altered and re-compressed (gzip intact, only the digests can
#     tell) must be caught by check.mjs and by `evidence verify --file`.
#  3. the real crawler patrols the fixture site; its WARC files go through
#     check.mjs and `evidence verify`; `evidence export` of a plain, a
#     chunked and a gzip page must agree with sha256sum and the store; then
#     a damaged WARC file must fail `evidence verify`.
#
# warcio comes from npm: `npm ci` runs when tests/node/node_modules is
# missing, and the warcio checks are skipped (with the reason) only when
# npm is absent or the registry cannot be reached.
. "$(dirname "$0")/../lib.sh"
cd "$ROOT" || exit 1

TEST_WARC=$(abs_path "${TEST_WARC:-build/asan/tests/test_warc}")

# ---- warcio ----------------------------------------------------------------
have_warcio=1
why_no_warcio=""
if [ ! -f tests/node/node_modules/warcio/package.json ]; then
	if ! command -v npm >/dev/null 2>&1; then
		have_warcio=0
		why_no_warcio="npm not installed (scripts/install-deps installs it)"
	elif ! npm ci --prefix tests/node --no-audit --no-fund \
		>"$WORK/npm.log" 2>&1; then
		if grep -qiE 'ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ETIMEDOUT|ECONNRESET|network|offline' \
			"$WORK/npm.log"; then
			have_warcio=0
			why_no_warcio="npm registry unreachable"
		else
			not_ok "npm ci --prefix tests/node" "$(tail -n 20 "$WORK/npm.log")"
			have_warcio=0
			why_no_warcio="npm ci failed"
		fi
	fi
fi

# warcio_accepts FILE...: check.mjs passes them (its report is the output).
warcio_accepts() {
	node tests/node/check.mjs "$@"
}
# warcio_rejects FILE...: check.mjs fails them for a digest mismatch.
warcio_rejects() {
	local out
	out=$(node tests/node/check.mjs "$@" 2>&1) && {
		echo "$out"
		return 1
	}
	echo "$out" | grep -q 'payload digest mismatch\|block digest mismatch'
}
check_warcio() { # NAME CMD...
	if [ "$have_warcio" = 1 ]; then
		check "$@"
	else
		skip "$1" "$why_no_warcio"
	fi
}

# tamper IN OUT [OFFSET]: flip one bit in the body of the first response
# with a body (or of the record at OFFSET) and re-compress that member
# alone.
tamper() {
	python3 - "$1" "$2" "${3:--1}" <<'EOF'
import sys, zlib
data = open(sys.argv[1], "rb").read()
want = int(sys.argv[3])
out, off, done = b"", 0, False
while off < len(data):
    z = zlib.decompressobj(16 + zlib.MAX_WBITS)
    rec = z.decompress(data[off:])
    used = len(data) - off - len(z.unused_data)
    member = data[off:off + used]
    if not done and b"WARC-Type: response" in rec and want in (-1, off):
        head, _, rest = rec.partition(b"\r\n\r\n")
        http_head, sep, body = rest.partition(b"\r\n\r\n")
        if body[:-4]:
            i = len(body[:-4]) // 2
            body = body[:i] + bytes([body[i] ^ 0x20]) + body[i + 1:]
            c = zlib.compressobj(6, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
            member = c.compress(head + b"\r\n\r\n" + http_head + sep + body) + c.flush()
            done = True
    out += member
    off += used
open(sys.argv[2], "wb").write(out)
sys.exit(0 if done else 1)
EOF
}

# ---- 1. the unit tests' corpus ------------------------------------------
corpus=$WORK/corpus
if [ ! -x "$TEST_WARC" ]; then
	not_ok "test_warc writes a WARC corpus" "no executable $TEST_WARC (make check-build)"
elif (cd "$WORK" && WARC_TEST_OUT="$corpus" "$TEST_WARC" >"$WORK/unit.log" 2>&1); then
	ok "test_warc writes a WARC corpus"
	check_warcio "warcio verifies every digest of the corpus" \
		warcio_accepts "$corpus"/warc/*.warc.gz
else
	not_ok "test_warc writes a WARC corpus" "$(tail -n 20 "$WORK/unit.log")"
fi

# ---- 2. tampering is caught --------------------------------------------------
use_store t
first=$(ls "$corpus"/warc/*.warc.gz 2>/dev/null | head -n 1)
if [ -n "$first" ] && tamper "$first" "$WORK/tampered.warc.gz"; then
	check_warcio "warcio rejects an altered record" \
		warcio_rejects "$WORK/tampered.warc.gz"
	run_pat vt 60 evidence verify --no-store --file "$WORK/tampered.warc.gz"
	check_eq "evidence verify --file exits 1 on an altered record" 1 "$RC"
	check "evidence verify names file:offset and the digest" \
		grep -q "^MISMATCH $WORK/tampered.warc.gz:[0-9]*: .*digest mismatch" "$OUT"
	run_pat vg 60 evidence verify --no-store --file "$first"
	check_eq "evidence verify --file passes the untouched file" 0 "$RC"
	check "evidence verify prints 'N records verified, 0 mismatches'" \
		grep -q "^[1-9][0-9]* records verified, 0 mismatches$" "$OUT"
else
	not_ok "make an altered copy of a WARC file" "corpus file: ${first:-none}"
fi

# ---- 3. the real crawler, evidence export and verify --------------------
start_fixture
use_store crawl
run_pat crawl 120 crawl --seed "$FX_URL/site/" --max-depth 1 --delay-ms 0 \
	--no-progress --no-analyze
check "crawl the fixture site and write WARC" \
	ls "$DATA"/warc/*.warc.gz

check_warcio "warcio verifies the crawler's WARC files" \
	warcio_accepts "$DATA"/warc/*.warc.gz

run_pat verify 120 evidence verify
check_eq "evidence verify passes after a crawl" 0 "$RC"
check "evidence verify checked the store's captures" \
	grep -q "^[1-9][0-9]* store captures checked" "$OUT"
check "evidence verify counted the records" \
	grep -q "^[1-9][0-9]* records verified, 0 mismatches$" "$OUT"

EV=$WORK/ev
run_pat export 60 evidence export "$FX_URL/site/" --out "$EV"
check_eq "evidence export of the home page" 0 "$RC"
package_written() {
	[ -s "$1/response.http" ] && [ -s "$1/request.http" ] &&
		[ -f "$1/body" ] && [ -s "$1/manifest.json" ]
}
check "export writes response.http, request.http, body, manifest.json" \
	package_written "$EV"
check "response.http is the raw HTTP response" \
	grep -q '^HTTP/1\.[01] 200' "$EV/response.http"
check "request.http is the request as sent" \
	grep -q '^GET /site/ HTTP/1\.1' "$EV/request.http"
check "manifest agrees with sha256sum, the store and the WARC record" node -e '
const fs = require("fs"), crypto = require("crypto");
const dir = process.argv[1];
const m = JSON.parse(fs.readFileSync(dir + "/manifest.json", "utf8"));
const sha = (f) => crypto.createHash("sha256").update(fs.readFileSync(dir + "/" + f)).digest("hex");
const bad = [];
for (const [f, e] of Object.entries(m.files)) if (sha(f) !== e.sha256) bad.push(f);
if (sha("body") !== m.body_sha256) bad.push("body_sha256");
if (m.payload_sha256 !== m.store_sha256) bad.push("store sha256");
if (!m.verification.ok) bad.push("verification");
if (!/^<urn:uuid:/.test(m.warc.response_record_id)) bad.push("record id");
if (!/Z$/.test(m.fetched_at) || !/\+07:00$/.test(m.fetched_at_wib)) bad.push("times");
if (!m.warc.file.startsWith("warc/")) bad.push("warc file");
if (m.ip !== "127.0.0.1" || m.status !== 200) bad.push("ip/status");
if (bad.length) { console.log("manifest problems:", bad.join(", ")); process.exit(1); }
' "$EV"
check "body is the page's HTML" grep -q 'Toko Sehat Sentosa' "$EV/body"

# Chunked: response.http keeps the chunks; the payload digest is over the
# de-chunked body.  gzip: body is decompressed; the payload (what the store
# hashes) stays the compressed entity.
run_pat export_chunked 60 evidence export "$FX_URL/site/chunked.html" --out "$WORK/evc"
check_eq "evidence export of a chunked page" 0 "$RC"
check "chunked: raw chunks kept, payload hash over the de-chunked body" node -e '
const fs = require("fs"), crypto = require("crypto");
const d = process.argv[1];
const m = JSON.parse(fs.readFileSync(d + "/manifest.json", "utf8"));
const raw = fs.readFileSync(d + "/response.http", "latin1");
const body = fs.readFileSync(d + "/body");
const sha = crypto.createHash("sha256").update(body).digest("hex");
const ok = /transfer-encoding: *chunked/i.test(raw) &&
  !raw.includes(body.toString("latin1")) && m.payload_sha256 === sha &&
  /Bertahap/.test(body);
process.exit(ok ? 0 : 1);
' "$WORK/evc"
run_pat export_gz 60 evidence export "$FX_URL/site/gz.html" --out "$WORK/evg"
check_eq "evidence export of a gzip page" 0 "$RC"
check "gzip: body decoded, payload hash over the compressed entity" node -e '
const fs = require("fs");
const m = JSON.parse(fs.readFileSync(process.argv[1] + "/manifest.json", "utf8"));
const body = fs.readFileSync(process.argv[1] + "/body", "utf8");
process.exit(m.content_encoding === "gzip" && m.payload_sha256 !== m.body_sha256 &&
  /Terkompresi/.test(body) ? 0 : 1);
' "$WORK/evg"

run_pat export_unknown 60 evidence export "$FX_URL/not-crawled" --out "$WORK/ev2"
check_eq "export of an unknown URL exits 1" 1 "$RC"
check "export of an unknown URL says so" grep -q "no page recorded for" "$ERR"
run_pat export_noout 60 evidence export "$FX_URL/site/"
check_eq "export without --out is misuse (exit 2)" 2 "$RC"

# Damage the WARC file the home page lives in.
read -r wf woff < <(node -e '
const m = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
console.log(m.warc.file, m.warc.offset);' "$EV/manifest.json")
if tamper "$DATA/$wf" "$WORK/t.warc.gz" "$woff" && cp "$WORK/t.warc.gz" "$DATA/$wf"; then
	run_pat verify_bad 120 evidence verify
	check_eq "evidence verify exits 1 after tampering" 1 "$RC"
	check "evidence verify reports 'N records verified, M mismatches'" \
		grep -q "^[1-9][0-9]* records verified, [1-9][0-9]* mismatches$" "$OUT"
	check "evidence verify names the damaged file:offset" \
		grep -q "^MISMATCH .*$wf:$woff: " "$OUT"
	run_pat export_bad 60 evidence export "$FX_URL/site/" --out "$WORK/ev3"
	check_eq "export of a page from a damaged file exits 1" 1 "$RC"
else
	not_ok "alter the crawled WARC file"
fi

finish
