#!/bin/bash
# profile.sh - `patroli profile`: crawl a small web of listings written
# here (two marketplaces' worth of markup, a web shop, a classifieds
# board, served by python3 -m http.server on loopback), analyse, build the
# actors, and check them against the truth this script wrote: which pages
# belong to one seller, which numbers are a platform's service line, a
# courier's or a buyer's and must join nothing.  Then an incremental add,
# a rebuild that keeps ids, the exports (JSON, GraphML, CSV), `show`,
# the PDF, a stop list with garbage, and the same on PostgreSQL when
# PATROLI_TEST_PG names a server.
. "$(dirname "$0")/../lib.sh"

export PATROLI_SHARE=$ROOT/data
SITE=$WORK/site

# ---- the web ------------------------------------------------------------------------
# belanjaku-style product page: page PATH SELLER DESCRIPTION [COMMENT]
blj() {
	mkdir -p "$(dirname "$SITE/$1")"
	cat >"$SITE/$1" <<EOF
<!DOCTYPE html><html lang="id"><head><meta charset="utf-8">
<title>$3 | Belanjaku</title><link rel="canonical" href="/$1">
<script type="application/ld+json">{"@context":"https://schema.org","@type":"Product","name":"$3","offers":{"@type":"Offer","price":"45000","priceCurrency":"IDR","seller":{"@type":"Organization","name":"$2"}}}</script>
</head><body class="blj"><header class="blj-header"><a href="/belanjaku/">Belanjaku</a></header>
<main><h1 class="pdp-title">$3</h1><div class="pdp-price">Rp45.000</div>
<section class="pdp-desc"><p>$4</p></section>
<div class="pdp-seller"><span class="seller-name">$2</span></div>
<ul class="kb-comments"><li>${5:-ready kak?}</li></ul></main>
<footer class="blj-footer">Layanan Pelanggan Belanjaku: 1500-828 · WA CS 0811-1500-828 · cs@belanjaku.test</footer>
</body></html>
EOF
}

# web shop product page: shop PATH SHOP_NAME WA_NUMBER TITLE DESCRIPTION
shop() {
	mkdir -p "$SITE/$1"
	cat >"$SITE/$1/index.html" <<EOF
<!DOCTYPE html><html lang="id"><head><meta charset="utf-8">
<title>$4 – $2</title><link rel="canonical" href="/$1/">
</head><body class="single-product woocommerce">
<header class="site-header"><a href="/shop/satu/" class="custom-logo-link">$2</a></header>
<main><div class="product"><h1 class="product_title">$4</h1>
<p class="price">Rp 89.000</p>
<div id="tab-description"><p>$5</p></div>
<form class="cart"><button>Beli Sekarang</button></form></div></main>
<footer class="site-footer"><div class="wa-float"><a href="https://wa.me/$3">Chat WhatsApp</a></div>
<div class="site-info">Powered by WooToko · support@wootoko.test · 0804-1-500-500</div></footer>
</body></html>
EOF
}

# classifieds ad: ad PATH POSTER TEXT REPLY
ad() {
	mkdir -p "$(dirname "$SITE/$1")"
	cat >"$SITE/$1" <<EOF
<!DOCTYPE html><html lang="id"><head><meta charset="utf-8">
<title>[WTS] $3 - PasarIklan</title><link rel="canonical" href="/$1">
</head><body class="iklan"><div class="thread"><h2 class="thread-title">[WTS] $3</h2>
<div class="post"><div class="post-meta">Oleh <b>$2</b> » Bekasi</div>
<div class="post-content"><pre>$3
$4</pre></div><div class="post-price">Harga: 150rb</div></div>
<div class="reply"><b>user1</b>: ${5:-up gan}</div></div>
<div class="ftr">Admin PasarIklan WA 0811-2233-4455 (admin, bukan penjual) · iklan@pasariklan.test</div>
</body></html>
EOF
}

# Seller SATU: a marketplace shop, its own web shop (shares the bank
# account), a second product there (only the shop's WhatsApp).
blj belanjaku/p/jamu-kuat-i.1001.html "Toko Satu" "Jamu Kuat Perkasa" \
	"Jamu kuat reaksi cepat<br>Info &amp; order: WA 0812-1111-0001<br>BCA 1111000111 a.n. Satu" \
	"mau kak, wa aku ya 0857 0000 1234"
shop shop/satu/product/kopi "Satu Herbal" 6281333300003 "Kopi Kuat" \
	"Kopi stamina pria<br>Pembayaran via BCA 1111000111 a.n. Satu"
shop shop/satu/product/teh "Satu Herbal" 6281333300003 "Teh Pelangsing" \
	"Teh pelangsing alami"
# Seller DUA: marketplace + classifieds, a courier's number on both
blj belanjaku/p/krim-putih-i.1002.html "Toko Dua" "Krim Putih Permanen" \
	"Krim pemutih<br>Order: 0813-2222-0002<br>Pengiriman diurus kurir Pak Rudi 0819-8629-0748 (khusus cek resi)"
ad iklan/ad/2001.html dua_cantik "Krim Putih Permanen" \
	"Info &amp; order: (+62) 813 2222 0002
Cek resi/ongkir hub kurir Pak Rudi 0819-8629-0748"
# Seller TIGA: classifieds only, same courier, a buyer leaves a number
ad iklan/ad/2002.html tiga_shop "Obat Kuat Pria" \
	"WA 0812-9999-0009 · BRI 0123-01-000123-50-1" \
	"aku minat, ini no ku 0812 1111 0001"
cat >"$SITE/index.html" <<'EOF'
<!DOCTYPE html><html><head><title>Index</title></head><body>
<a href="/belanjaku/p/jamu-kuat-i.1001.html">1</a>
<a href="/belanjaku/p/krim-putih-i.1002.html">2</a>
<a href="/shop/satu/product/kopi/">3</a>
<a href="/shop/satu/product/teh/">4</a>
<a href="/iklan/ad/2001.html">5</a>
<a href="/iklan/ad/2002.html">6</a>
</body></html>
EOF

# ---- serve it ----------------------------------------------------------------------------
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
python3 -m http.server "$PORT" --bind 127.0.0.1 --directory "$SITE" \
	>"$WORK/http.log" 2>&1 &
_BG_PIDS+=("$!")
for _ in $(seq 1 50); do
	curl -s -o /dev/null --max-time 2 "http://127.0.0.1:$PORT/index.html" &&
		break
	sleep 0.1
done
SEED=http://127.0.0.1:$PORT/index.html

# truth: path -> seller
TRUTH='{"/belanjaku/p/jamu-kuat-i.1001.html": "SATU",
 "/shop/satu/product/kopi/": "SATU", "/shop/satu/product/teh/": "SATU",
 "/belanjaku/p/krim-putih-i.1002.html": "DUA", "/iklan/ad/2001.html": "DUA",
 "/iklan/ad/2002.html": "TIGA"}'

# check_actors NAME FILE [TRUTH]: the export's partition is the truth's,
# every listing in exactly one actor, the documented keys.
check_actors() {
	pycheck "$1" "$2" "${3:-$TRUTH}" <<'EOF'
truth = json.loads(ARGS[1])
doc = json.load(open(ARGS[0]))
if list(doc) != ["actors"]:
    fail("top-level keys: %s" % list(doc))
seen = {}
for a in doc["actors"]:
    keys = list(a)
    if keys != ["id", "listings", "identifiers", "platforms", "violations"]:
        fail("actor keys: %s" % keys)
    if list(a["identifiers"]) != ["phone", "email", "bank", "handle", "domain"]:
        fail("identifier kinds: %s" % list(a["identifiers"]))
    for u in a["listings"]:
        p = upath(u)
        if p in seen:
            fail("%s in two actors" % p)
        seen[p] = a["id"]
if set(seen) != set(truth):
    fail("listings with actors: %s, want %s" % (sorted(seen), sorted(truth)))
for p in truth:
    for q in truth:
        if (truth[p] == truth[q]) != (seen[p] == seen[q]):
            fail("%s and %s: want %s, got %s / %s" %
                 (p, q, "one actor" if truth[p] == truth[q] else "two",
                  seen[p], seen[q]))
EOF
}

# ids FILE: "path id" lines, sorted
ids() {
	python3 - "$1" <<'EOF'
import json, sys, urllib.parse
for a in json.load(open(sys.argv[1]))["actors"]:
    for u in a["listings"]:
        print(urllib.parse.urlsplit(u).path, a["id"])
EOF
}

# ---- one backend ---------------------------------------------------------------------------
run_backend() { # LABEL
	local L=$1
	run_pat "$L-crawl" 120 crawl --seed "$SEED" --delay-ms 0
	crawl_ok "$L: crawl and analysis of the site"
	run_pat "$L-build" 60 profile build
	if [ "$RC" -eq 0 ] && grep -q "full rebuild (first build)" "$OUT"; then
		ok "$L: profile build (first build is a full one)"
	else
		not_ok "$L: profile build" "exit $RC" "$(cat "$OUT" "$ERR")"
	fi
	run_pat "$L-export" 60 profile export --format json --out "$WORK/$L.json"
	check_eq "$L: export exits 0" 0 "$RC"
	check_actors "$L: actors are the sellers; footers, couriers and buyers join nothing" \
		"$WORK/$L.json"

	# identifiers and actor flow back into the findings
	pat findings export --format jsonl --out "$WORK/$L-f.jsonl" 2>/dev/null
	pycheck "$L: findings carry identifiers and the actor" \
		"$WORK/$L-f.jsonl" "$WORK/$L.json" <<'EOF'
fs = {upath(f["canonical_url"]): f for f in pages(ARGS[0])}
actor = {}
for a in json.load(open(ARGS[1]))["actors"]:
    for u in a["listings"]:
        actor[upath(u)] = a["id"]
want = {"/belanjaku/p/jamu-kuat-i.1001.html": (["+6281211110001"], ["BCA:1111000111"]),
        "/shop/satu/product/kopi/": (["+6281333300003"], ["BCA:1111000111"]),
        "/iklan/ad/2001.html": (["+6281322220002"], []),
        "/iklan/ad/2002.html": (["+6281299990009"], ["BRI:012301000123501"])}
for p, (ph, bk) in want.items():
    ids = fs[p]["identifiers"]
    if ids["phone"] != ph or ids["bank"] != bk:
        fail("%s: identifiers %s, want phone %s bank %s" % (p, ids, ph, bk))
for p, f in fs.items():
    if f.get("actor") != actor.get(p):
        fail("%s: finding actor %s, export %s" % (p, f.get("actor"), actor.get(p)))
EOF

	# show: identifiers, listings with evidence, why one actor
	local a
	a=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print([x["id"] for x in d["actors"] if any("jamu-kuat" in u for u in x["listings"])][0])' "$WORK/$L.json")
	run_pat "$L-show" 30 profile show "$a"
	if [ "$RC" -eq 0 ] && grep -q "BCA:1111000111" "$OUT" &&
		grep -q "Mengapa satu aktor (2 penggabungan)" "$OUT" &&
		grep -q "sha256 [0-9a-f]\{64\}" "$OUT"; then
		ok "$L: profile show $a explains the joins"
	else
		not_ok "$L: profile show $a" "$(head -n 40 "$OUT" "$ERR")"
	fi
	run_pat "$L-showjson" 30 profile show --json "$a"
	pycheck "$L: the actor JSON has what the Dokumen Profiling reads" "$OUT" <<'EOF'
j = json.load(open(ARGS[0]))
for k in ["id", "identifiers", "platforms", "violations", "listings", "edges",
          "merges", "generated_at"]:
    if k not in j:
        fail("no %s" % k)
for l in j["listings"]:
    for k in ["url", "title", "platform", "commodity", "violations",
              "first_seen", "last_seen", "sha256", "warc_file"]:
        if k not in l:
            fail("listing lacks %s" % k)
for m in j["merges"]:
    if len(m["listings"]) != 2 or ":" not in m["identifier"]:
        fail("merge %s" % m)
EOF
	run_pat "$L-noactor" 30 profile show AKT-999999
	check_eq "$L: show of an unknown actor exits 1" 1 "$RC"

	# incremental: a new listing of SATU on the marketplace
	blj belanjaku/p/obat-i.1003.html "Toko Tiga Satu" "Obat Pegal" \
		"Pegal linu hilang<br>WA: 0813 3330 0003"
	sed -i 's|</body>|<a href="/belanjaku/p/obat-i.1003.html">7</a></body>|' \
		"$SITE/index.html"
	ids "$WORK/$L.json" >"$WORK/$L-ids1.txt"
	run_pat "$L-crawl2" 120 crawl --seed "$SEED" --delay-ms 0
	crawl_ok "$L: second crawl"
	run_pat "$L-build2" 60 profile build
	if [ "$RC" -eq 0 ] && ! grep -q "full rebuild" "$OUT"; then
		ok "$L: the second build is incremental"
	else
		not_ok "$L: the second build is incremental" "$(cat "$OUT" "$ERR")"
	fi
	pat profile export --out "$WORK/$L-2.json" 2>/dev/null
	check_actors "$L: the new listing joins its seller" "$WORK/$L-2.json" \
		"$(python3 -c 'import json,sys; t=json.loads(sys.argv[1]); t["/belanjaku/p/obat-i.1003.html"]="SATU"; print(json.dumps(t))' "$TRUTH")"
	ids "$WORK/$L-2.json" | grep -v obat-i.1003 >"$WORK/$L-ids2.txt"
	check "$L: actor ids unchanged by the incremental build" \
		diff "$WORK/$L-ids1.txt" "$WORK/$L-ids2.txt"
	run_pat "$L-rebuild" 60 profile build --rebuild
	pat profile export --out "$WORK/$L-3.json" 2>/dev/null
	check "$L: actor ids unchanged by a rebuild" \
		diff <(ids "$WORK/$L-2.json") <(ids "$WORK/$L-3.json")

	# GraphML for Gephi, CSV one row per edge
	run_pat "$L-graphml" 60 profile export --format graphml --out "$WORK/$L.graphml"
	run_pat "$L-csv" 60 profile export --format csv --out "$WORK/$L.csv"
	pycheck "$L: GraphML and CSV hold the same listing-identifier edges" \
		"$WORK/$L.graphml" "$WORK/$L.csv" "$WORK/$L-3.json" <<'EOF'
import csv, xml.etree.ElementTree as ET
ns = {"g": "http://graphml.graphdrawing.org/xmlns"}
g = ET.parse(ARGS[0]).getroot().find("g:graph", ns)
keys = {k.get("id") for k in ET.parse(ARGS[0]).getroot().findall("g:key", ns)}
nodes = {}
for n in g.findall("g:node", ns):
    d = {x.get("key"): x.text for x in n.findall("g:data", ns)}
    if not set(d) <= keys:
        fail("undeclared keys %s" % (set(d) - keys))
    nodes[n.get("id")] = d
edges = [(e.get("source"), e.get("target")) for e in g.findall("g:edge", ns)]
for s, t in edges:
    if nodes[s]["type"] != "listing" or nodes[t]["type"] != "identifier":
        fail("edge %s-%s" % (s, t))
rows = list(csv.DictReader(open(ARGS[1], encoding="utf-8-sig")))
if len(rows) != len(edges):
    fail("%d CSV rows, %d GraphML edges" % (len(rows), len(edges)))
listings = {nodes[s]["url"] for s, _ in edges}
exported = {u for a in json.load(open(ARGS[2]))["actors"] for u in a["listings"]}
if listings != exported:
    fail("GraphML listings differ from the JSON export")
if not any(r["linking"] == "true" for r in rows):
    fail("no linking edge in the CSV")
EOF

	# the Dokumen Profiling
	run_pat "$L-pdf" 120 profile pdf "$a" --out "$WORK/$L.pdf"
	if [ "$RC" -eq 0 ] && [ "$(head -c 5 "$WORK/$L.pdf" 2>/dev/null)" == "%PDF-" ]; then
		ok "$L: profile pdf writes a PDF"
	else
		not_ok "$L: profile pdf" "exit $RC" "$(tail -n 5 "$ERR")"
	fi
}

use_store sqlite
run_backend sqlite

# ---- a stop list with garbage: clear errors, nothing built ------------------------------
printf 'phone:+6281211110001\nfax:123\nemail:a*b@c.id\n' >"$WORK/bad-stop.txt"
run_pat stop-bad 30 profile build --stoplist "$WORK/bad-stop.txt"
if [ "$RC" -eq 1 ] && grep -q "bad-stop.txt:2: unknown kind" "$ERR" &&
	grep -q "bad-stop.txt:3: '\*' only" "$ERR"; then
	ok "a stop list with garbage is refused, line by line"
else
	not_ok "a stop list with garbage is refused" "exit $RC" "$(cat "$ERR")"
fi
# a good one that names SATU's marketplace number: the page still joins
# through the bank account; the number no longer links
printf '# test\nphone:0812-1111-0001\n' >"$WORK/stop.txt"
run_pat stop-ok 60 profile build --stoplist "$WORK/stop.txt"
if [ "$RC" -eq 0 ] && grep -q "full rebuild (the frequency rule or the stop list changed)" "$OUT"; then
	ok "a changed stop list rebuilds"
else
	not_ok "a changed stop list rebuilds" "$(cat "$OUT" "$ERR")"
fi
run_pat stop-csv 30 profile export --format csv
check "the stop-listed number no longer links" \
	grep -q '"+6281211110001","text","false"' "$OUT"

# ---- findings analysed before identifiers existed get them --------------------------------
python3 - "$DB" <<'EOF'
import sqlite3, sys, json
c = sqlite3.connect(sys.argv[1])
for fid, data in c.execute("SELECT id, data FROM finding WHERE is_listing = 1").fetchall():
    j = json.loads(data)
    j.pop("identifier_sources", None)
    c.execute("UPDATE finding SET data = ? WHERE id = ?", (json.dumps(j), fid))
c.commit()
EOF
run_pat stale 120 profile build --rebuild --stoplist "$WORK/stop.txt"
if [ "$RC" -eq 0 ] && grep -q "analysed before identifier extraction" "$ERR"; then
	ok "old findings are analysed again for their identifiers"
else
	not_ok "old findings are analysed again" "$(cat "$OUT" "$ERR")"
fi

# ---- PostgreSQL -------------------------------------------------------------------------------
if [ -n "${PATROLI_TEST_PG:-}" ] && command -v psql >/dev/null 2>&1; then
	S=profile_e2e_$$
	if psql -X -q "$PATROLI_TEST_PG" \
		-c "DROP SCHEMA IF EXISTS $S CASCADE; CREATE SCHEMA $S" \
		>"$WORK/psql.out" 2>&1; then
		sep='?'
		case $PATROLI_TEST_PG in *\?*) sep=\& ;; esac
		DB="$PATROLI_TEST_PG${sep}options=-csearch_path%3D$S"
		# shellcheck disable=SC2034 # read by run_pat (lib.sh)
		DATA=$WORK/pg-data
		# the site as it was at first
		rm -rf "$SITE/belanjaku/p/obat-i.1003.html"
		sed -i 's|<a href="/belanjaku/p/obat-i.1003.html">7</a>||' \
			"$SITE/index.html"
		run_backend postgres
		psql -X -q "$PATROLI_TEST_PG" -c "DROP SCHEMA $S CASCADE" \
			>/dev/null 2>&1
	else
		not_ok "create a PostgreSQL schema" "$(cat "$WORK/psql.out")"
	fi
else
	skip "profile on PostgreSQL" "PATROLI_TEST_PG not set"
fi

finish
