#!/usr/bin/env bash
# Probe throughput: `gstbeam probe` (embedded Flink, JVM start included) against `ffprobe` once per file
# with `xargs -P 2`, on the bundled corpus copied COPIES times (hard links; same bytes for both tools).
# Usage: bench/probe-throughput.sh [COPIES] [GSTBEAM_PARALLELISM]
# Prints one Markdown table row per tool; docs/BENCHMARKS.md records the numbers.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
COPIES=${1:-1}
PAR=${2:-}
WORK=${BENCH_WORK:-/tmp/gstbeam-bench}
command -v ffprobe >/dev/null || { echo "ffprobe is needed (apt-get install ffmpeg)" >&2; exit 1; }
GSTBEAM_SETUP_ONLY=1 "$ROOT/gstbeam"

CORPUS="$WORK/corpus-x$COPIES"
if [ ! -d "$CORPUS" ]; then
  mkdir -p "$CORPUS"
  for i in $(seq 1 "$COPIES"); do cp -al "$ROOT/testdata/corpus" "$CORPUS/copy$i"; done
fi
FILES=$(find "$CORPUS" -type f | wc -l)
now() { date +%s.%N; }

# Warm the page cache so neither tool pays for the first read.
find "$CORPUS" -type f -print0 | xargs -0 cat > /dev/null

t0=$(now)
find "$CORPUS" -type f -print0 | xargs -0 -P 2 -n 1 sh -c \
  'ffprobe -v error -print_format json -show_format -show_streams -show_chapters "$0" > /dev/null 2>&1 || true'
t1=$(now)
ff=$(echo "$t1 - $t0" | bc)

OUT="$WORK/out-x$COPIES"
rm -rf "$OUT"
args=(probe --input "$CORPUS" --output "$OUT" --format jsonl)
[ -n "$PAR" ] && args+=(--parallelism "$PAR")
t0=$(now)
"$ROOT/gstbeam" "${args[@]}" > "$WORK/gstbeam-x$COPIES.log" 2>&1 || rc=$?
t1=$(now)
gb=$(echo "$t1 - $t0" | bc)
rc=${rc:-0}
[ "$rc" = 0 ] || [ "$rc" = 3 ] || { echo "gstbeam failed ($rc), see $WORK/gstbeam-x$COPIES.log" >&2; exit 1; }

printf '| %s | %d | ffprobe, xargs -P 2 | %.1f s | %.1f files/s |\n' "$(date -u +%F)" "$FILES" "$ff" "$(echo "$FILES / $ff" | bc -l)"
printf '| %s | %d | gstbeam probe%s | %.1f s | %.1f files/s |\n' "$(date -u +%F)" "$FILES" "${PAR:+ --parallelism $PAR}" "$gb" "$(echo "$FILES / $gb" | bc -l)"
printf 'speed-up: %.2fx  (summary: %s)\n' "$(echo "$ff / $gb" | bc -l)" "$(cat "$OUT/summary.json")"
