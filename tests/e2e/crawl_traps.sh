#!/bin/bash
# crawl_traps.sh - every hostile case of the fixture: the crawl finishes in
# bounded time, the limits hold and the reason is recorded.  Each trap is
# its own crawl with its own store (three at a time); the fixture log tells
# what was really requested.  robots.txt answers 404 here (allow all, no
# sitemap) so that nothing but the trap is in scope.
. "$(dirname "$0")/../lib.sh"

start_fixture --robots 404
PAR=3

# trap NAME SECONDS ARGS...: start one crawl in its own store.
trap_crawl() {
	local name=$1 limit=$2
	shift 2
	use_store "$name"
	start_pat "$name" "$limit" crawl --delay-ms 0 --concurrency 4 "$@"
}

# The slow ones first.
trap_crawl drip 90 --seed "$FX_URL/trap/slow-drip" --low-speed-time 4
trap_crawl many 180 --seed "$FX_URL/trap/many-links" --max-pages 50
trap_crawl bomb 90 --seed "$FX_URL/trap/gzip-bomb"
trap_crawl hang 60 --seed "$FX_URL/trap/hang" --timeout-ms 3000 --retries 1
trap_crawl endless 90 --seed "$FX_URL/trap/endless"
trap_crawl e500 120 --seed "$FX_URL/trap/500"
trap_crawl e429 60 --seed "$FX_URL/trap/429"
trap_crawl e404 60 --seed "$FX_URL/trap/404"
trap_crawl loop 60 --seed "$FX_URL/trap/redirect-loop"
trap_crawl chain 60 --seed "$FX_URL/trap/redirect-chain"
trap_crawl badutf8 60 --seed "$FX_URL/trap/bad-utf8"
trap_crawl caldepth 60 --seed "$FX_URL/trap/calendar/2024-06" --max-depth 3
trap_crawl calpages 90 --seed "$FX_URL/trap/calendar/1990-06" \
	--max-depth 1000 --max-pages 15
trap_crawl deep 60 --seed "$FX_URL/trap/deep/" --max-depth 100
trap_crawl params 120 --seed "$FX_URL/trap/params?a=1" --max-depth 60 \
	--max-pages 400 --max-query-variants 25
trap_crawl pchain 120 --seed "$FX_URL/trap/params-chain?a=1" \
	--max-depth 60 --max-pages 400
wait_pats

# result NAME DESCRIPTION: the crawl finished in time with exit 0; exports
# its pages to $WORK/NAME.jsonl (PAGES).
result() {
	load_result "$1"
	crawl_ok "$2: crawl finishes (${SECS}s)"
	use_store "$1"
	PAGES=$WORK/$1.jsonl
	if ! export_pages "$PAGES"; then
		not_ok "$2: pages export" "$(cat "$PAGES.err")"
		: >"$PAGES"
	fi
}

# The helpers every trap check below uses: rec(path) is the record whose
# requested or canonical URL has that path; hits(prefix) the requests.
PRE='
SIZE = "size|limit|large|body|max|cap|bytes|bomb"
ps = pages(ARGS[0])
rs = reqs(ARGS[1])
def rec(path):
    for p in ps:
        if path in (upath(p["url"]), upath(p["canonical_url"])):
            return p
    fail("no record for %s among %s" % (path, [p["url"] for p in ps]))
def hits(prefix):
    return [r for r in rs if r["path"].startswith(prefix)]
def err_like(p, pattern):
    e = p.get("error")
    if e is None or not re.search(pattern, e, re.I):
        fail("%s: error %r does not match /%s/ (status %r)" %
             (p["url"], e, pattern, p.get("status")))
'
tcheck() { # tcheck NAME STORE <<'EOF' ... EOF
	local name=$1 store=$2
	pycheck "$name" "$WORK/$store.jsonl" "$FX_LOG" < <(
		echo "$PRE"
		cat
	)
}

result loop "redirect loop"
tcheck "redirect loop recorded as an error, few requests" loop <<'EOF'
err_like(rec("/trap/redirect-loop"), "redirect|loop|hops")
n = len(hits("/trap/redirect-loop"))
if n > 6:
    fail("%d requests to the loop" % n)
EOF

result chain "redirect chain (7 hops)"
tcheck "more than 5 redirects: error, hop 6 never requested" chain <<'EOF'
err_like(rec("/trap/redirect-chain"), "redirect|hops")
got = set(r["path"] for r in hits("/trap/redirect-chain"))
for n in range(1, 6):
    if "/trap/redirect-chain/%d" % n not in got:
        fail("hop %d not followed: %s" % (n, sorted(got)))
for n in (6, 7):
    if "/trap/redirect-chain/%d" % n in got:
        fail("followed more than 5 redirects: %s" % sorted(got))
EOF

result drip "slow drip"
tcheck "slow drip aborted with a reason" drip <<'EOF'
err_like(rec("/trap/slow-drip"), "slow|speed|time")
EOF
# a timeout is transient: tried again, up to --retries (3) in all
check "slow drip: tried 3 times" test \
	"$(grep -c -P '\tREQ\tGET\t/trap/slow-drip\t' "$FX_LOG")" -eq 3

result hang "server that never answers"
tcheck "hang: timeout recorded" hang <<'EOF'
err_like(rec("/trap/hang"), "time")
EOF
check "hang: --retries 1 is one attempt" test \
	"$(grep -c -P '\tREQ\tGET\t/trap/hang\t' "$FX_LOG")" -eq 1

result endless "endless body"
tcheck "endless body stopped at the size limit" endless <<'EOF'
err_like(rec("/trap/endless"), SIZE)
if len(hits("/trap/endless")) > 3:
    fail("%d requests" % len(hits("/trap/endless")))
EOF
pycheck "endless body: the server sent less than 64 MiB" "$FX_LOG" <<'EOF'
b = ends(ARGS[0]).get("/trap/endless")
if b is None:
    fail("no END line for /trap/endless")
if b >= 64 << 20:
    fail("%d bytes sent before the crawler stopped" % b)
EOF

result bomb "gzip bomb"
tcheck "gzip bomb stopped at the decoded size limit" bomb <<'EOF'
err_like(rec("/trap/gzip-bomb"), SIZE + "|decod|inflat|gzip")
EOF
if [ -n "$RSS_KB" ]; then
	check "gzip bomb: peak RSS under 512 MiB (ASan build, ${RSS_KB} KiB)" \
		test "$RSS_KB" -lt $((512 * 1024))
else
	skip "gzip bomb: peak RSS" "GNU time not installed"
fi

result badutf8 "invalid UTF-8 and NUL bytes"
tcheck "links around invalid UTF-8 and NULs all found" badutf8 <<'EOF'
p = rec("/trap/bad-utf8")
if p["status"] != 200 or p["error"] is not None:
    fail("bad-utf8: status %r error %r" % (p["status"], p["error"]))
got = set(r["path"] for r in hits("/trap/bad-utf8/"))
want = set("/trap/bad-utf8/ok%d.html" % n for n in (1, 2, 3))
if got != want:
    fail("requested %s, want %s" % (sorted(got), sorted(want)))
for w in want:
    if rec(w)["status"] != 200:
        fail("%s not recorded with 200" % w)
EOF

result many "100,000 links"
tcheck "100k-link page: --max-pages 50 holds" many <<'EOF'
if not 40 <= len(ps) <= 50:
    fail("%d pages recorded" % len(ps))
pg = [r for r in rs if r["path"].startswith("/trap/many")]
if len(pg) > 50:
    fail("%d pages requested" % len(pg))
if len(hits("/trap/many-links")) != 1:
    fail("the link page was requested %d times" % len(hits("/trap/many-links")))
if rec("/trap/many-links")["status"] != 200:
    fail("link page not recorded")
EOF
if [ -n "$RSS_KB" ]; then
	check "100k-link page: peak RSS under 512 MiB (ASan, ${RSS_KB} KiB)" \
		test "$RSS_KB" -lt $((512 * 1024))
fi

result caldepth "calendar, --max-depth 3"
tcheck "calendar: exactly the months within 3 hops" caldepth <<'EOF'
want = set("/trap/calendar/2024-%02d" % m for m in range(3, 10))
got = set(r["path"] for r in hits("/trap/calendar/20"))
if got != want:
    fail("requested %s" % sorted(got))
if set(upath(p["url"]) for p in ps) != want:
    fail("recorded %s" % sorted(upath(p["url"]) for p in ps))
EOF

result calpages "calendar, --max-pages 15"
tcheck "calendar: --max-pages 15 holds" calpages <<'EOF'
got = hits("/trap/calendar/19")
if len(got) > 15 or len(ps) > 15:
    fail("%d requests, %d pages" % (len(got), len(ps)))
if len(ps) < 10:
    fail("only %d pages" % len(ps))
EOF

result deep "repeated path segments"
tcheck "deep /a/a/a/...: stopped by the repeated-segment limit" deep <<'EOF'
d = [r["path"].count("/a") for r in hits("/trap/deep/")]
if not d:
    fail("nothing requested")
if max(d) > 10:
    fail("went %d segments deep" % max(d))
if max(d) < 2:
    fail("stopped at depth %d: too early" % max(d))
EOF

result params "query-variant explosion"
tcheck "query variants: --max-query-variants 25 holds" params <<'EOF'
h = [r for r in rs if r["path"] == "/trap/params"]
# the seed, 25 variants, and the links of the page that reached the cap
if len(h) > 28:
    fail("%d requests" % len(h))
if len(h) < 10:
    fail("only %d requests: stopped too early" % len(h))
EOF

result pchain "query-parameter chain"
tcheck "query parameters: at most 20 on one URL" pchain <<'EOF'
h = hits("/trap/params-chain")
most = max((r["target"].count("=") for r in h), default=0)
if most > 20:
    fail("a URL with %d parameters was requested" % most)
if most < 3:
    fail("only %d parameters reached: too early" % most)
EOF

result e429 "429 with Retry-After"
tcheck "429: retried after Retry-After, then fetched" e429 <<'EOF'
p = rec("/trap/429")
if p["status"] != 200 or p["error"] is not None:
    fail("recorded status %r error %r" % (p["status"], p["error"]))
h = hits("/trap/429")
if len(h) != 2:
    fail("%d requests, want 2" % len(h))
if h[1]["t"] - h[0]["t"] < 0.9:
    fail("retried after %.3f s, Retry-After said 1" % (h[1]["t"] - h[0]["t"]))
EOF

result e500 "always 500"
tcheck "500: retried, then recorded as an error" e500 <<'EOF'
p = rec("/trap/500")
if p["error"] is None:
    fail("no error recorded (status %r)" % p["status"])
n = len(hits("/trap/500"))
if not 2 <= n <= 5:
    fail("%d requests: want a few retries" % n)
EOF

result e404 "404"
tcheck "404: recorded once, not retried" e404 <<'EOF'
if rec("/trap/404")["status"] != 404:
    fail("status %r" % rec("/trap/404")["status"])
if len(hits("/trap/404")) != 1:
    fail("%d requests" % len(hits("/trap/404")))
EOF

stop_fixture "$FX_PID" "$FX_ERR"
finish
