#!/bin/bash
# crawl_robots.sh - each robots.txt variant of the fixture, one server per
# variant: 404 allows all, 500 disallows all, the 500 KiB parse limit,
# wildcards and percent-encoding, Crawl-delay.  What was fetched is read
# from the fixture's log.
. "$(dirname "$0")/../lib.sh"

# variant MODE: start a fixture with --robots MODE and a fresh store.
variant() {
	start_fixture --robots "$1"
	use_store "robots-$1"
}

robots_requests() {
	grep -c -P '\tREQ\tGET\t/robots.txt\t' "$FX_LOG"
}

# ---- 404: allow everything ---------------------------------------------------
variant 404
run_pat c404 120 crawl --seed "$FX_URL/site/" --delay-ms 0
crawl_ok "robots 404: crawl finishes"
pycheck "robots 404: everything allowed, private page fetched" "$FX_LOG" <<'EOF'
ps = set(r["path"] for r in reqs(ARGS[0]))
for p in ("/site/private/secret.html", "/site/products/22.html",
          "/site/cat/obat-3.html"):
    if p not in ps:
        fail("%s not requested" % p)
EOF
check_eq "robots 404: robots.txt fetched once" 1 "$(robots_requests)"

# ---- 500: disallow everything ----------------------------------------------------
variant 500
run_pat c500 120 crawl --seed "$FX_URL/site/" --delay-ms 0
if [ "$RC" -eq 0 ] || [ "$RC" -eq 1 ]; then
	ok "robots 500: crawl ends (exit $RC, ${SECS}s)"
else
	not_ok "robots 500: crawl ends" "exit $RC" "$(tail -n 5 "$ERR")"
fi
pycheck "robots 500: nothing but robots.txt requested" "$FX_LOG" <<'EOF'
rs = reqs(ARGS[0])
other = [r["target"] for r in rs if r["path"] != "/robots.txt"]
if other:
    fail("requested: %s" % other)
if not 1 <= len(rs) <= 5:
    fail("robots.txt requested %d times" % len(rs))
EOF
if export_pages "$WORK/c500.jsonl"; then
	pycheck "robots 500: no page recorded as fetched" "$WORK/c500.jsonl" <<'EOF'
bad = [p["url"] for p in pages(ARGS[0]) if p["status"] == 200]
if bad:
    fail(bad)
EOF
else
	not_ok "robots 500: pages export" "$(cat "$WORK/c500.jsonl.err")"
fi

# ---- oversized: rules past 500 KiB do not count --------------------------------
variant oversized
run_pat cbig 120 crawl --seed "$FX_URL/site/" --delay-ms 0
crawl_ok "robots oversized: crawl finishes"
pycheck "robots oversized: rule before 500 KiB applies, rule after does not" \
	"$FX_LOG" <<'EOF'
ps = set(r["path"] for r in reqs(ARGS[0]))
cat = sorted(p for p in ps if p.startswith("/site/cat/"))
if cat:
    fail("Disallow: /site/cat/ (line 3) ignored: %s" % cat)
for p in ("/site/products/1.html", "/site/products/2.html"):
    if p not in ps:
        fail("%s not requested: the rule after 500 KiB was applied" % p)
EOF
check_eq "robots oversized: robots.txt fetched once" 1 "$(robots_requests)"

# ---- wildcards, $, longest match, percent-encoding --------------------------------
variant wildcard
curl -s -o "$WORK/wildcard.txt" "$FX_URL/robots.txt"
: >"$FX_LOG"
run_pat cwild 120 crawl --seed "$FX_URL/site/w/" --delay-ms 0
crawl_ok "robots wildcard: crawl finishes"
pycheck "robots wildcard: exactly the allowed URLs fetched" "$FX_LOG" <<'EOF'
want = {"/site/w/", "/site/w/a.php?x=1", "/site/w/b.phpx",
        "/site/w/p/doc.html?print=1", "/site/w/ok.html"}
got = set()
for r in reqs(ARGS[0]):
    if r["path"].startswith("/site/w/"):
        q = r["target"].split("?", 1)
        got.add(r["path"] + ("?" + q[1] if len(q) > 1 else ""))
msgs = []
if got - want:
    msgs.append("disallowed but fetched: %s" % sorted(got - want))
if want - got:
    msgs.append("allowed but not fetched: %s" % sorted(want - got))
if msgs:
    fail("\n".join(msgs))
EOF
# robots test on the same file: verdict and deciding line (file lines:
# 5 Disallow: /*.php$, 6 Disallow: /site/w/p, 7 Allow: /*?print=1,
# 8 Disallow: /site/w/~tilde/, 9 Disallow: /site/w/café/)
rtest() { # URL VERDICT [LINE]
	local name="robots test wildcard: $1 $2${3:+ by line $3}" first
	run_pat rtest 30 robots test "$WORK/wildcard.txt" "$FX_URL$1"
	first=$(head -n 1 "$OUT")
	if [ "$RC" -ne 0 ] || [ "${first%% *}" != "$2" ]; then
		not_ok "$name" "exit $RC: $(cat "$OUT" "$ERR")"
	elif [ -n "${3:-}" ] && ! grep -q -w "$3" "$OUT"; then
		not_ok "$name" "got: $(cat "$OUT")"
	else
		ok "$name"
	fi
}
rtest /site/w/a.php disallowed 5
rtest "/site/w/a.php?x=1" allowed
rtest /site/w/pq.html disallowed 6
rtest "/site/w/p/doc.html?print=1" allowed 7
rtest /site/w/~tilde/x.html disallowed 8
rtest /site/w/caf%C3%A9/x.html disallowed 9
run_pat rtest-agent 30 robots test "$WORK/wildcard.txt" "$FX_URL/site/w/" \
	--agent otherbot
check_eq "robots test wildcard: other agents fall to the * group" \
	disallowed "$(head -n 1 "$OUT" | cut -d' ' -f1)"

# ---- Crawl-delay ---------------------------------------------------------------------
variant crawl-delay
run_pat cdelay 120 crawl --seed "$FX_URL/site/small/" --scope prefix \
	--delay-ms 0 --concurrency 4
crawl_ok "robots crawl-delay: crawl finishes (${SECS}s)"
pycheck "robots crawl-delay: 2 s between requests despite --delay-ms 0" \
	"$FX_LOG" <<'EOF'
rs = reqs(ARGS[0])
pg = [r for r in rs if r["path"].startswith("/site/small/")]
if len(pg) != 4:
    fail("want the 4 pages of /site/small/, got %s" % [r["target"] for r in pg])
# from the first page on: the delay is only known once robots.txt is in
gaps = [b["t"] - a["t"] for a, b in zip(rs[1:], rs[2:])]
if rs[0]["path"] != "/robots.txt" or min(gaps) < 1.95:
    fail("gaps %s" % ["%.3f" % g for g in gaps])
EOF

finish
