#!/bin/bash
# analyze.sh - analysis throughput and accuracy on the development corpus.
#
# Serves ../shared/corpus-dev on loopback, crawls it once (no analysis),
# imports its registry, then runs `patroli analyze --all` several times and
# reports pages/s of the analysis loop (read the WARC record, decode, parse,
# extract, normalise, detect, store) on one core, and the scorer's figures.
#
#   bench/analyze.sh [RUNS]        (default 5)
#   CORPUS=DIR bench/analyze.sh    another corpus with the same layout
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
CORPUS=${CORPUS:-$ROOT/../shared/corpus-dev}
RUNS=${1:-5}
BIN=$ROOT/patroli
OUT=$ROOT/bench/out
mkdir -p "$OUT"
[ -x "$BIN" ] || make -s patroli
T=$(mktemp -d /tmp/patroli-analyze.XXXXXX)
PID=
cleanup() { [ -n "$PID" ] && kill "$PID" 2>/dev/null; rm -rf "$T"; }
trap cleanup EXIT

PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
python3 "$CORPUS/tools/serve.py" "$CORPUS" "$PORT" --quiet >/dev/null 2>&1 &
PID=$!
for _ in $(seq 50); do
	curl -s -o /dev/null "http://127.0.0.1:$PORT/" && break
	sleep 0.1
done
P=("$BIN" --db "$T/p.db" --data "$T/d")
"${P[@]}" registry import "$CORPUS/registry.csv" >/dev/null
"${P[@]}" crawl --seed "http://127.0.0.1:$PORT/" --delay-ms 0 \
	--concurrency 8 --no-analyze --no-progress >/dev/null 2>&1

echo "analysis loop, one core (taskset -c 0), $RUNS runs:"
rates=()
for i in $(seq "$RUNS"); do
	line=$(taskset -c 0 "${P[@]}" analyze --all 2>/dev/null | tail -1)
	echo "  $line"
	rates+=("$(sed -E 's/.*\(([0-9]+) pages\/s\).*/\1/' <<<"$line")")
done
best=$(printf '%s\n' "${rates[@]}" | sort -n | tail -1)
echo "best: $best pages/s per core (target >= 2000)"

"${P[@]}" findings export --format jsonl --out "$T/f.jsonl" 2>/dev/null
python3 "$CORPUS/tools/score.py" findings "$CORPUS/labels.jsonl" \
	"$T/f.jsonl" | tee "$OUT/analyze-score.txt" | tail -14
