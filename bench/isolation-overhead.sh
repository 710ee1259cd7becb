#!/usr/bin/env bash
# Probe the bundled corpus in-process and with --isolation process (GStreamer in worker processes),
# ROUNDS times each, alternating, with the shaded jar; prints wall times and the overhead.
# Usage: bench/isolation-overhead.sh [ROUNDS] [PARALLELISM]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
JAR="$ROOT/pipelines/target/gstbeam-pipelines-0.1.0-SNAPSHOT-all.jar"
ROUNDS="${1:-3}"
PAR="${2:-4}"
[ -f "$JAR" ] || { echo "build first: mvn -DskipTests package" >&2; exit 1; }
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
cp "$JAR" "$WORK/gstbeam.jar"
CORPUS="$ROOT/testdata/corpus"
FILES=$(find "$CORPUS" -type f ! -name '*.md' ! -name '*.tsv' ! -name 'LICENSE*' | wc -l)
echo "corpus: $FILES files; parallelism $PAR; $ROUNDS rounds each"
run() { # mode round
  local out="$WORK/out-$1-$2" t0 t1 code
  t0=$(date +%s.%N)
  set +e
  MALLOC_ARENA_MAX=2 java -jar "$WORK/gstbeam.jar" probe --input "$CORPUS/**" --output "$out" \
    --isolation "$1" --parallelism "$PAR" > "$WORK/log-$1-$2" 2>&1
  code=$?
  set -e
  t1=$(date +%s.%N)
  local inputs ok
  inputs=$(python3 -c "import json;print(json.load(open('$out/summary.json'))['inputs'])")
  ok=$(python3 -c "import json;print(json.load(open('$out/summary.json'))['succeeded'])")
  printf '%-10s round %d: %6.1f s  exit %d  inputs %s catalogued %s\n' "$1" "$2" "$(echo "$t1 - $t0" | bc)" "$code" "$inputs" "$ok"
  echo "$1 $(echo "$t1 - $t0" | bc)" >> "$WORK/times"
}
for r in $(seq 1 "$ROUNDS"); do
  run in-process "$r"
  run process "$r"
done
python3 - "$WORK/times" <<'PY'
import sys, statistics
t = {}
for line in open(sys.argv[1]):
    m, s = line.split(); t.setdefault(m, []).append(float(s))
a, b = statistics.median(t['in-process']), statistics.median(t['process'])
print(f"median in-process {a:.1f} s, process {b:.1f} s: overhead {100*(b-a)/a:+.0f} %")
PY
