#!/bin/bash
# cli.sh - the command-line contract scripts rely on: help exits 0, misuse
# prints one line and exits 2, runtime failure exits 1, init is
# idempotent, `robots test` names the deciding rule and its line.
. "$(dirname "$0")/../lib.sh"

use_store cli

# expect NAME WANT_RC [--one-line] ARGS...: run patroli ARGS, check the exit
# status; with --one-line also that stderr is exactly one line and stdout
# empty (misuse).
expect() {
	local name=$1 want=$2 one=""
	shift 2
	if [ "${1:-}" == "--one-line" ]; then
		one=1
		shift
	fi
	run_pat "$name" 30 "$@"
	if [ "$RC" -ne "$want" ]; then
		not_ok "$name (exit $want)" "patroli $*" "exit status $RC" \
			"$(head -n 5 "$ERR")"
		return
	fi
	if [ -n "$one" ]; then
		local nerr nout
		nerr=$(wc -l <"$ERR")
		nout=$(wc -c <"$OUT")
		if [ "$nerr" -ne 1 ] || [ "$nout" -ne 0 ]; then
			not_ok "$name (exit $want, one line)" "patroli $*" \
				"stderr has $nerr lines, stdout $nout bytes:" \
				"$(head -n 5 "$ERR")"
			return
		fi
	fi
	ok "$name (exit $want)"
}

# ---- help ---------------------------------------------------------------------
expect "help" 0 help
check "help lists the commands" grep -q -w crawl "$OUT"
expect "--help" 0 --help
expect "no command at all is misuse" 2
for c in init crawl robots pages evidence; do
	expect "$c --help" 0 "$c" --help
	if [ ! -s "$OUT" ]; then
		not_ok "$c --help prints help on stdout"
	fi
done
expect "crawl --help" 0 crawl --help
for o in --seed --scope --max-pages --max-depth --concurrency --delay-ms \
	--resume; do
	check "crawl --help documents $o" grep -q -e "$o" "$OUT"
done
expect "pages export --help" 0 pages export --help
check "pages export --help documents --format" grep -q -e --format "$OUT"
check "pages export --help documents --out" grep -q -e --out "$OUT"
expect "robots test --help" 0 robots test --help
expect "evidence export --help" 0 evidence export --help
expect "evidence verify --help" 0 evidence verify --help
expect "help crawl" 0 help crawl
check "help crawl describes crawl" grep -q -e --seed "$OUT"

# ---- misuse: one line, exit 2, and nothing created ----------------------------
expect "unknown command" 2 --one-line frobnicate
expect "unknown subcommand" 2 --one-line pages frobnicate
expect "pages without subcommand" 2 pages
expect "unknown option" 2 --one-line crawl --seed http://127.0.0.1:9/ --bogus
expect "bad --max-pages value" 2 --one-line crawl --seed http://127.0.0.1:9/ \
	--max-pages abc
expect "negative --max-pages" 2 --one-line crawl --seed http://127.0.0.1:9/ \
	--max-pages -5
expect "--max-depth needs a value" 2 --one-line crawl --max-depth
expect "crawl without a seed" 2 --one-line crawl
expect "bad --scope" 2 --one-line crawl --seed http://127.0.0.1:9/ \
	--scope planet
expect "bad --concurrency" 2 --one-line crawl --seed http://127.0.0.1:9/ \
	--concurrency 12x
expect "flag with a value" 2 --one-line crawl --resume=yes
expect "pages export --format xml" 2 --one-line pages export --format xml
expect "robots test without arguments" 2 --one-line robots test
expect "robots test with one argument" 2 --one-line robots test robots.txt
expect "evidence export without URL" 2 --one-line evidence export
expect "unknown global option" 2 --one-line --frobnicate init
if [ -e "$DB" ]; then
	not_ok "misuse creates no store" "$(ls -l "$DB")"
else
	ok "misuse creates no store"
fi

# ---- init ---------------------------------------------------------------------
expect "init" 0 init
if [ -s "$DB" ] && [ -d "$DATA" ]; then
	ok "init creates the store and the data directory"
else
	not_ok "init creates the store and the data directory" \
		"$(ls -la "$WORK")"
fi
expect "init again (idempotent)" 0 init
expect "pages export on an empty store" 0 pages export --format jsonl
check_eq "empty store exports no pages" 0 "$(wc -c <"$OUT")"
expect "evidence verify on an empty store" 0 evidence verify

# ---- runtime failures: exit 1 -------------------------------------------------
expect "robots test on a missing file" 1 robots test "$WORK/nope.txt" \
	http://example.test/
DB_SAVE=$DB
DB=/nonexistent-dir/sub/p.db
expect "store that cannot be opened" 1 init
DB=$DB_SAVE
expect "evidence export of an unknown URL" 1 evidence export \
	http://127.0.0.1:9/never.html --out "$WORK/ev"
expect "export to an unwritable file" 1 pages export --format jsonl \
	--out /nonexistent-dir/x.jsonl

# ---- robots test ----------------------------------------------------------------
cat >"$WORK/robots.txt" <<'EOF'
User-agent: *
Disallow: /

User-agent: patroli
Disallow: /private/
Allow: /private/ok/
Disallow: /*.php$
EOF
# rt NAME URL VERDICT LINE [--agent A]
rt() {
	local name=$1 url=$2 want=$3 line=$4
	shift 4
	run_pat "robots-$name" 30 robots test "$WORK/robots.txt" "$url" "$@"
	local first
	first=$(head -n 1 "$OUT")
	if [ "$RC" -ne 0 ]; then
		not_ok "robots test: $name" "exit status $RC" "$(cat "$ERR")"
	elif [ "${first%% *}" != "$want" ]; then
		not_ok "robots test: $name" "want $want, got: $first"
	elif [ -n "$line" ] && ! grep -q -w "$line" "$OUT"; then
		not_ok "robots test: $name names line $line" "got: $(cat "$OUT")"
	else
		ok "robots test: $name"
	fi
}
rt "disallowed, names the rule's line" http://shop.test/private/x.html \
	disallowed 5
check "robots test quotes the deciding rule" grep -q "/private/" "$OUT"
rt "longest match wins (Allow)" http://shop.test/private/ok/a.html allowed 6
rt "wildcard with \$" http://shop.test/a/b.php disallowed 7
rt "\$ anchors the end" "http://shop.test/a/b.php?x=1" allowed ""
rt "no rule: allowed" http://shop.test/index.html allowed ""
rt "other agent gets the * group" http://shop.test/index.html disallowed 2 \
	--agent otherbot

finish
