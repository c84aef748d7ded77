#!/bin/bash
# bench/rules-scan.sh - the rule scan alone, against grep, in one run.
#
#   bench/rules-scan.sh [CORPUS_DIR] [SIZE_MB]
#
# Text: the visible text of every page of the development corpus
# (../shared/corpus-dev/site by default; tags, scripts and styles removed),
# repeated to SIZE_MB (default 64), then normalised once by patroli (not
# timed).  This text is a worst case for a rule scan: every page of that
# corpus is a product listing written to be flagged, so rule words occur
# every couple of hundred bytes.
#
# Timed on the same normalised text, one core each:
#   patroli rules bench   the Hyperscan database alone (no evaluation), best
#                         of 5 runs, from the thread's CPU time;
#   grep -E -i -c -f      the same patterns (patroli rules patterns: every
#                         rule pattern, one ERE per line), LC_ALL=C so grep
#                         is not slowed further by multibyte handling, CPU
#                         time (user+sys) of one run.
# Prints both rates and the ratio; output also in bench/out/rules-scan.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
CORPUS=${1:-$ROOT/../shared/corpus-dev}
SIZE_MB=${2:-64}
OUT=$ROOT/bench/out
WORK=$(mktemp -d "${TMPDIR:-/tmp}/rules-scan.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$OUT"

[ -d "$CORPUS/site" ] || { echo "no corpus at $CORPUS/site" >&2; exit 1; }
[ -x ./patroli ] || make -s patroli

python3 - "$CORPUS/site" "$WORK/text.txt" "$SIZE_MB" <<'EOF'
import html, os, re, sys
root, out, size = sys.argv[1], sys.argv[2], int(sys.argv[3]) << 20
parts = []
for d, _, files in sorted(os.walk(root)):
    for f in sorted(files):
        if not f.endswith('.html'):
            continue
        p = open(os.path.join(d, f), encoding='utf-8', errors='replace').read()
        p = re.sub(r'<(script|style)[^>]*>.*?</\1>', ' ', p, flags=re.S)
        p = re.sub(r'<[^>]+>', '\n', p)
        parts.append(re.sub(r'\n\s*\n+', '\n', html.unescape(p)))
one = '\n'.join(parts).encode()
with open(out, 'wb') as w:
    n = 0
    while n < size:
        w.write(one)
        n += len(one)
EOF

./patroli rules patterns >"$WORK/patterns.txt"
npat=$(wc -l <"$WORK/patterns.txt")
line=$(./patroli rules bench "$WORK/text.txt" --repeat 5 \
	--normalized-out "$WORK/norm.txt" 2>/dev/null)
bytes=$(awk '{for (i = 1; i < NF; i++) if ($i == "bytes") print $(i + 1)}' <<<"$line")
hs=$(awk '{for (i = 1; i < NF; i++) if ($i == "MB_per_s") print $(i + 1)}' <<<"$line")

# grep's CPU time (user + sys) from bash's time keyword.
TIMEFORMAT='%U %S'
{ time LC_ALL=C grep -E -i -c -f "$WORK/patterns.txt" "$WORK/norm.txt" \
	>"$WORK/grep.out" 2>"$WORK/grep.err" || true; } 2>"$WORK/grep.time"
gsec=$(awk '{print $1 + $2}' "$WORK/grep.time")
grep_rate=$(awk -v b="$bytes" -v s="$gsec" 'BEGIN {printf "%.1f", (s > 0 ? b / s / 1e6 : 0)}')
ratio=$(awk -v h="$hs" -v g="$grep_rate" 'BEGIN {printf "%.1f", (g > 0 ? h / g : 0)}')
{
	echo "text: $bytes bytes of normalised corpus page text ($SIZE_MB MB raw)"
	echo "patterns: $npat (patroli rules patterns)"
	echo "patroli: $line"
	echo "rule scan (Hyperscan, one core): $hs MB/s"
	echo "grep -E -i -f (LC_ALL=C, one core): $grep_rate MB/s ($gsec s CPU)"
	echo "ratio: ${ratio}x"
} | tee "$OUT/rules-scan.txt"
