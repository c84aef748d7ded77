#!/bin/sh
# is_listing accuracy of extraction on a labelled site, against its
# labels.jsonl (field is_listing, matched by path).  Prints every
# misclassified page with the evidence that decided it, then
# "accuracy: N/M = X" last.
#
#   bench/extract_accuracy.sh [SITE_DIR [LABELS [PROFILE_DIR|none]]]
#
# Defaults: the dev corpus (/work/shared/corpus-dev/site and its
# labels.jsonl) and data/platforms; "none" measures the generic heuristics
# alone (what an unknown site gets).  The demo market works too:
#   bench/extract_accuracy.sh demo/site demo/site/labels.jsonl
set -eu
cd "$(dirname "$0")/.."
site=${1:-/work/shared/corpus-dev/site}
labels=${2:-$(dirname "$site")/labels.jsonl}
pdir=${3:-data/platforms}
out=$(mktemp)
trap 'rm -f "$out"' EXIT
if [ "$pdir" = none ]; then
	bench/extract_bench.sh -j "$site" >"$out" 2>/dev/null
else
	bench/extract_bench.sh -p "$pdir" -j "$site" >"$out" 2>/dev/null
fi
python3 - "$labels" "$out" <<'PY'
import json, sys
def norm(p):
    return p[:-10] if p.endswith("/index.html") else p
labels = {}
for line in open(sys.argv[1]):
    d = json.loads(line)
    labels[norm(d["path"])] = d
got = {}
for line in open(sys.argv[2]):
    d = json.loads(line)
    got[norm(d["path"])] = d
ok = n = 0
fp = fn = 0
for path, lab in sorted(labels.items()):
    if not (path.endswith("/") or path.endswith(".html")):
        continue  # a CSV download or other non-page
    g = got.get(path)
    if g is None:
        print("MISSING", path)
        n += 1
        continue
    n += 1
    if g["is_listing"] == lab["is_listing"]:
        ok += 1
    else:
        if g["is_listing"]:
            fp += 1
        else:
            fn += 1
        print("%s %s (%s) score %d: %s" % (
            "FP" if g["is_listing"] else "FN", path, lab["page_type"],
            g["score"], g["why"]))
print("false positives: %d, false negatives: %d" % (fp, fn))
print("accuracy: %d/%d = %.4f" % (ok, n, ok / n if n else 0))
PY
