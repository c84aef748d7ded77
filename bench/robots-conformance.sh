#!/usr/bin/env bash
# robots-conformance.sh - run the shared robots.txt conformance cases
# (Google's robotstxt-spec-test, converted to RFC 9309 expectations)
# through `patroli robots test` and report agreement per kind.
#
#   bench/robots-conformance.sh            uses ./patroli from the repo
#   PATROLI=build/asan/patroli bench/...   another binary
#   ROBOTS_CONFORMANCE_DIR=DIR bench/...   another copy of the cases
#
# Every `standard` row must agree, with one reasoned exception: the rows
# listed in DISPUTED below expect what RFC 9309 explicitly rules out
# (Google's library leaves those decisions to its caller).  For them the
# bench checks that patroli gives the RFC's answer, and prints them every
# run so the disagreement with cases.tsv stays visible.  `google` rows are
# Google's own extensions: reported, not required.
#
# Exit status: 0 when every standard row agrees (disputed ones with the
# RFC), 1 otherwise, 2 when the cases or the binary are missing.
set -u

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
dir=${ROBOTS_CONFORMANCE_DIR:-$here/../../shared/conformance/robots}
[ -d "$dir" ] && dir=$(cd "$dir" && pwd)
bin=${PATROLI:-$root/patroli}

if [ ! -f "$dir/cases.tsv" ] || [ ! -d "$dir/bodies" ]; then
	echo "robots-conformance: no cases.tsv/bodies in $dir" \
		"(set ROBOTS_CONFORMANCE_DIR)" >&2
	exit 2
fi
if [ ! -x "$bin" ]; then
	echo "robots-conformance: $bin is not built (run make)" >&2
	exit 2
fi

# body <TAB> user_agent <TAB> url <TAB> RFC 9309 answer <TAB> why
DISPUTED=$(
	cat <<'EOF'
0040.txt	FooBot	http://foo.bar/foo/bar/ツ	allowed	RFC 9309 2.2.2: non-ASCII octets in the URI MUST be percent-encoded before comparison, so the path is /foo/bar/%E3%83%84, which the Allow rule names
0041.txt	FooBot	http://foo.bar/foo/bar/ツ	allowed	RFC 9309 2.2.2: non-ASCII octets in the URI MUST be percent-encoded before comparison, so the path is /foo/bar/%E3%83%84, which the Allow rule names
0042.txt	FooBot	http://foo.bar/foo/bar/baz	allowed	RFC 9309 2.2.2 figure 4: /foo/bar/%62%61%7A is matched as /foo/bar/baz (escaped unreserved octets are decoded)
0060.txt	asdfbot	http://m.example.com/robots.txt	allowed	RFC 9309 2.2.2: "The /robots.txt URI is implicitly allowed."
0061.txt	BarBot	http://example.com/robots.txt	allowed	RFC 9309 2.2.2: "The /robots.txt URI is implicitly allowed."
0061.txt	AB	http://example.com/robots.txt	allowed	RFC 9309 2.2.2: "The /robots.txt URI is implicitly allowed."
0075.txt	XYZ	http://example.com/robots.txt	allowed	RFC 9309 2.2.2: "The /robots.txt URI is implicitly allowed."
EOF
)

tab=$'\t'
declare -A disputed_answer disputed_why
while IFS= read -r line; do
	[ -n "$line" ] || continue
	key=$(cut -f1-3 <<<"$line")
	disputed_answer[$key]=$(cut -f4 <<<"$line")
	disputed_why[$key]=$(cut -f5 <<<"$line")
done <<<"$DISPUTED"

std_total=0 std_agree=0 std_fail=0
goo_total=0 goo_agree=0
disp_total=0 disp_rfc=0
failures="" disputes="" google_diff=""

# Fields are split by hand: `read` would merge the empty user_agent and
# url fields of the empty-string cases.
first=1
while IFS= read -r line || [ -n "$line" ]; do
	if [ $first = 1 ]; then
		first=0
		continue
	fi
	line=${line%$'\r'}
	body=${line%%"$tab"*}
	rest=${line#*"$tab"}
	ua=${rest%%"$tab"*}
	rest=${rest#*"$tab"}
	url=${rest%%"$tab"*}
	rest=${rest#*"$tab"}
	expected=${rest%%"$tab"*}
	rest=${rest#*"$tab"}
	kind=${rest%%"$tab"*}

	out=$("$bin" robots test "$dir/bodies/$body" "$url" --agent "$ua" 2>&1)
	rc=$?
	case $out in
	allowed*) got=allowed ;;
	disallowed*) got=disallowed ;;
	*) got="error (exit $rc)" ;;
	esac
	[ $rc = 0 ] || got="error (exit $rc)"
	what="$body agent='$ua' url='$url': expected $expected, got: $out"

	if [ "$kind" = google ]; then
		goo_total=$((goo_total + 1))
		if [ "$got" = "$expected" ]; then
			goo_agree=$((goo_agree + 1))
		else
			google_diff+="    $what"$'\n'
		fi
		continue
	fi
	std_total=$((std_total + 1))
	if [ "$got" = "$expected" ]; then
		std_agree=$((std_agree + 1))
		continue
	fi
	key="$body$tab$ua$tab$url"
	if [ -n "${disputed_answer[$key]+x}" ]; then
		disp_total=$((disp_total + 1))
		if [ "$got" = "${disputed_answer[$key]}" ]; then
			disp_rfc=$((disp_rfc + 1))
			disputes+="    $what"$'\n'"      (${disputed_why[$key]})"$'\n'
			continue
		fi
	fi
	std_fail=$((std_fail + 1))
	failures+="    $what"$'\n'
done <"$dir/cases.tsv"

echo "robots.txt conformance: $dir ($((std_total + goo_total)) cases, $bin)"
echo "standard: $std_agree/$std_total agree with cases.tsv"
if [ $disp_total -gt 0 ]; then
	echo "  $disp_total disagreeing rows are disputed (cases.tsv contradicts RFC 9309);"
	echo "  patroli gives the RFC's answer in $disp_rfc/$disp_total:"
	printf '%s' "$disputes"
fi
if [ $std_fail -gt 0 ]; then
	echo "  $std_fail standard rows FAIL:"
	printf '%s' "$failures"
fi
echo "google:   $goo_agree/$goo_total agree (Google extensions, not required)"
printf '%s' "$google_diff"
if [ $std_fail -gt 0 ]; then
	echo "result: FAIL"
	exit 1
fi
echo "result: PASS"
