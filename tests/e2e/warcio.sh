#!/bin/sh
# warcio.sh - patroli's WARC files checked by an independent reader
# (webrecorder's warcio.js, tests/node/check.mjs), and the evidence
# commands run end to end.
#
#  1. test_warc leaves a varied corpus in $WARC_TEST_OUT (chunked, gzip,
#     br, truncated, 100 Continue, resource records, rotation); warcio must
#     parse every record and every block and payload digest must match.
#  2. a record altered and re-compressed must be caught by check.mjs and
#     by `patroli evidence verify --file`.
#  3. the real crawler patrols the fixture site; its WARC files go through
#     check.mjs, `evidence verify`, and `evidence export` of a page, whose
#     manifest must agree with sha256sum of the exported files.
#
# Needs node/npm for warcio: `npm ci` runs when tests/node/node_modules is
# missing and the check is skipped (with a message) only if the registry
# cannot be reached.  Prints `ok - NAME` / `not ok - NAME`; exits 1 if any
# failed.
set -u
cd "$(dirname "$0")/../.." || exit 1

fails=0
ok() { echo "ok - $1"; }
not_ok() {
	echo "not ok - $1"
	fails=$((fails + 1))
}
check() { # NAME command...
	name=$1
	shift
	if "$@"; then ok "$name"; else not_ok "$name"; fi
}

tmp=$(mktemp -d /tmp/patroli-warcio.XXXXXX)
server_pid=""
cleanup() {
	[ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

# The ASan binaries from `make check-build` when present, else build them
# (the variables let a developer point at other builds).
T=${TEST_WARC_BIN:-build/asan/tests/test_warc}
P=${PATROLI_BIN:-build/asan/patroli}
FX=${FIXTURE_BIN:-build/asan/fixture-server}
for b in "$T" "$P" "$FX"; do
	[ -x "$b" ] || make --no-print-directory "$b" >"$tmp/make.log" 2>&1 ||
		echo "# warcio.sh: cannot build $b (see below)" >&2
done

# ---- warcio itself ---------------------------------------------------------
have_warcio=1
if [ ! -f tests/node/node_modules/warcio/package.json ]; then
	if ! command -v npm >/dev/null 2>&1; then
		echo "# warcio.sh: npm not installed; scripts/install-deps installs it"
		have_warcio=0
	elif ! npm ci --prefix tests/node --no-audit --no-fund \
		>"$tmp/npm.log" 2>&1; then
		if grep -qiE 'ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ETIMEDOUT|ECONNRESET|network|offline' \
			"$tmp/npm.log"; then
			echo "# warcio.sh: npm registry unreachable; warcio checks skipped"
			have_warcio=0
		else
			cat "$tmp/npm.log" >&2
			not_ok "npm ci --prefix tests/node"
			have_warcio=0
		fi
	fi
fi
warcio() { # FILE... : check.mjs must accept them
	node tests/node/check.mjs "$@" >"$tmp/check.log" 2>&1
	rc=$?
	sed 's/^/# /' "$tmp/check.log"
	return $rc
}
warcio_rejects() {
	! node tests/node/check.mjs "$@" >"$tmp/check.log" 2>&1 &&
		grep -q 'payload digest mismatch\|block digest mismatch' "$tmp/check.log"
}
check_warcio() { # NAME command...
	if [ "$have_warcio" = 1 ]; then
		check "$@"
	else
		echo "ok - $1 # SKIP warcio unavailable"
	fi
}

# ---- 1. the unit tests' corpus ------------------------------------------
corpus="$tmp/corpus"
if [ -x "$T" ] && WARC_TEST_OUT="$corpus" "$T" >"$tmp/unit.log" 2>&1; then
	ok "test_warc writes a WARC corpus"
	check_warcio "warcio verifies every digest of the corpus" \
		warcio "$corpus"/warc/*.warc.gz
else
	sed 's/^/# /' "$tmp/unit.log" 2>/dev/null
	not_ok "test_warc writes a WARC corpus"
fi

# ---- 2. tampering is caught --------------------------------------------------
# Alter one byte of the first response body and re-compress that member, so
# the gzip layer is intact and only the digests can tell.
tamper() { # IN OUT
	python3 - "$1" "$2" <<'EOF'
import sys, zlib
data = open(sys.argv[1], "rb").read()
out, off, done = b"", 0, False
while off < len(data):
    z = zlib.decompressobj(16 + zlib.MAX_WBITS)
    rec = z.decompress(data[off:])
    used = len(data) - off - len(z.unused_data)
    member = data[off:off + used]
    if not done and b"WARC-Type: response" in rec:
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
first=$(ls "$corpus"/warc/*.warc.gz 2>/dev/null | head -1)
if [ -n "$first" ] && tamper "$first" "$tmp/tampered.warc.gz"; then
	check_warcio "warcio rejects an altered record" \
		warcio_rejects "$tmp/tampered.warc.gz"
	if [ -x "$P" ]; then
		"$P" evidence verify --no-store --file "$tmp/tampered.warc.gz" \
			>"$tmp/verify.log" 2>&1
		rc=$?
		check "evidence verify --file exits 1 on an altered record" \
			[ "$rc" = 1 ]
		check "evidence verify names file:offset" \
			grep -q "^MISMATCH $tmp/tampered.warc.gz:[0-9]*: .*digest mismatch" \
			"$tmp/verify.log"
		"$P" evidence verify --no-store --file "$first" >"$tmp/verify.log" 2>&1
		check "evidence verify --file passes the untouched file" \
			grep -q "^[0-9]* records verified, 0 mismatches$" "$tmp/verify.log"
	fi
else
	not_ok "make an altered copy of a WARC file"
fi

# ---- 3. the real crawler, evidence export and verify --------------------
if [ ! -x "$P" ] || [ ! -x "$FX" ]; then
	not_ok "crawl the fixture site (patroli or fixture-server not built)"
	[ -f "$tmp/make.log" ] && sed 's/^/# /' "$tmp/make.log" | tail -20
	exit 1
fi
"$FX" --port 0 --max-seconds 300 >"$tmp/fx.out" 2>"$tmp/fx.err" &
server_pid=$!
port=""
for _ in $(seq 50); do
	port=$(sed -n 's/^PORT //p' "$tmp/fx.out")
	[ -n "$port" ] && break
	sleep 0.1
done
if [ -z "$port" ]; then
	not_ok "start the fixture server"
	exit 1
fi
base="http://127.0.0.1:$port"
package_written() {
	[ -s "$1/response.http" ] && [ -s "$1/request.http" ] &&
		[ -f "$1/body" ] && [ -s "$1/manifest.json" ]
}
pat() { "$P" --db "$tmp/p.db" --data "$tmp/data" "$@"; }
pat crawl --seed "$base/site/" --max-depth 1 --delay-ms 0 --no-progress \
	--no-analyze >"$tmp/crawl.log" 2>&1
check "crawl the fixture site" [ -n "$(ls "$tmp"/data/warc/*.warc.gz 2>/dev/null)" ]
sed 's/^/# /' "$tmp/crawl.log" | tail -5

check_warcio "warcio verifies the crawler's WARC files" \
	warcio "$tmp"/data/warc/*.warc.gz

pat evidence verify >"$tmp/verify.log" 2>&1
rc=$?
sed 's/^/# /' "$tmp/verify.log" | tail -3
check "evidence verify passes after a crawl" [ "$rc" = 0 ]
check "evidence verify checked the store's captures" \
	grep -q "^[1-9][0-9]* store captures checked" "$tmp/verify.log"

# A page with a body: the first 200 in `pages export`.
pat pages export >"$tmp/pages.jsonl" 2>/dev/null
url=$(node -e '
const lines = require("fs").readFileSync(process.argv[1], "utf8").split("\n");
for (const l of lines) {
  if (!l) continue;
  const p = JSON.parse(l);
  if (p.status === 200 && p.warc_file && /html/.test(p.content_type || "")) {
    console.log(p.url); break;
  }
}' "$tmp/pages.jsonl" 2>/dev/null)
if [ -z "$url" ]; then
	not_ok "find an exported page"
else
	ev="$tmp/ev"
	pat evidence export "$url" --out "$ev" >"$tmp/export.log" 2>&1
	rc=$?
	sed 's/^/# /' "$tmp/export.log"
	check "evidence export succeeds" [ "$rc" = 0 ]
	check "export writes the package" package_written "$ev"
	check "response.http is the raw HTTP response" \
		grep -q '^HTTP/1\.[01] 200' "$ev/response.http"
	check "manifest agrees with sha256sum and the WARC record" node -e '
const fs = require("fs"), crypto = require("crypto");
const dir = process.argv[1];
const m = JSON.parse(fs.readFileSync(dir + "/manifest.json", "utf8"));
const sha = (f) => crypto.createHash("sha256").update(fs.readFileSync(dir + "/" + f)).digest("hex");
let bad = [];
for (const [f, e] of Object.entries(m.files)) if (sha(f) !== e.sha256) bad.push(f);
if (sha("body") !== m.body_sha256) bad.push("body_sha256");
if (m.payload_sha256 !== m.store_sha256) bad.push("store sha256");
if (!m.verification.ok) bad.push("verification");
if (!/^<urn:uuid:/.test(m.warc.response_record_id)) bad.push("record id");
if (!/Z$/.test(m.fetched_at) || !/\+07:00$/.test(m.fetched_at_wib)) bad.push("times");
if (!m.warc.file.startsWith("warc/")) bad.push("warc file");
if (bad.length) { console.error("manifest problems:", bad.join(", ")); process.exit(1); }
' "$ev"
	check "body is the decoded page" grep -qi '<html' "$ev/body"

	# Chunked: response.http keeps the chunks, the payload digest is over
	# the de-chunked body.  gzip: body is decompressed, the payload (what
	# the store hashes) is the compressed entity.
	pat evidence export "$base/site/chunked.html" --out "$tmp/evc" \
		>"$tmp/export.log" 2>&1
	rc=$?
	check "export of a chunked page" [ "$rc" = 0 ]
	check "chunked: raw chunks kept, payload digest over the de-chunked body" \
		node -e '
const fs = require("fs"), crypto = require("crypto");
const d = process.argv[1];
const m = JSON.parse(fs.readFileSync(d + "/manifest.json", "utf8"));
const raw = fs.readFileSync(d + "/response.http", "latin1");
const body = fs.readFileSync(d + "/body");
const sha = crypto.createHash("sha256").update(body).digest("hex");
process.exit(/transfer-encoding: *chunked/i.test(raw) && !raw.includes(body.toString("latin1")) &&
  m.payload_sha256 === sha && /Bertahap/.test(body) ? 0 : 1);
' "$tmp/evc"
	pat evidence export "$base/site/gz.html" --out "$tmp/evg" \
		>"$tmp/export.log" 2>&1
	rc=$?
	check "export of a gzip page" [ "$rc" = 0 ]
	check "gzip: body decoded, payload hash over the compressed entity" \
		node -e '
const fs = require("fs");
const m = JSON.parse(fs.readFileSync(process.argv[1] + "/manifest.json", "utf8"));
const body = fs.readFileSync(process.argv[1] + "/body", "utf8");
process.exit(m.content_encoding === "gzip" && m.payload_sha256 !== m.body_sha256 &&
  /Terkompresi/.test(body) ? 0 : 1);
' "$tmp/evg"

	pat evidence export "$base/not-crawled" --out "$tmp/ev2" >"$tmp/export2.log" 2>&1
	rc=$?
	check "export of an unknown URL exits 1" [ "$rc" = 1 ]
	check "export of an unknown URL says so" grep -q "no page recorded for" "$tmp/export2.log"

	# Damage the WARC file the page lives in: verify and export notice.
	wf=$(node -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1],"utf8")).warc.file)' "$ev/manifest.json")
	if tamper "$tmp/data/$wf" "$tmp/t.warc.gz" && cp "$tmp/t.warc.gz" "$tmp/data/$wf"; then
		pat evidence verify >"$tmp/verify.log" 2>&1
		rc=$?
		check "evidence verify exits 1 after tampering" [ "$rc" = 1 ]
		check "evidence verify reports N records, M mismatches" \
			grep -q "^[0-9]* records verified, [1-9][0-9]* mismatches$" "$tmp/verify.log"
	else
		not_ok "alter the crawled WARC file"
	fi
fi

exit $((fails > 0))
