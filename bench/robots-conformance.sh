#!/usr/bin/env bash
# robots-conformance.sh - run the shared robots.txt conformance cases
# (Google's robotstxt-spec-test, converted to RFC 9309 expectations)
# through `patroli robots test` and report agreement per kind.
#
#   bench/robots-conformance.sh            uses ./patroli from the repo
#   PATROLI=build/asan/patroli bench/...   another binary
#   ROBOTS_CONFORMANCE_DIR=DIR bench/...   another copy of the cases
#
# Every `standard` row must agree.  `google` rows are Google's own
# extensions: reported, not required.
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

# body <TAB> user_agent <TAB> url <TAB> answer <TAB> why: rows where patroli
# would knowingly differ from cases.tsv.  None today: escapes are compared
# as escapes, raw non-ASCII in a queried URL is compared raw (the crawler
# always asks with canonical, percent-encoded URLs), and /robots.txt is
# judged by the rules (the crawler fetches it without asking).
DISPUTED=""

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
