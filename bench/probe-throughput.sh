#!/usr/bin/env bash
# Probe throughput: `gstbeam probe` (embedded Flink, JVM start included) against `ffprobe` once per file
# with `xargs -P 2`, on the bundled corpus copied COPIES times (hard links; same bytes for both tools).
# The two alternate for ROUNDS rounds (so a busy machine slows both alike); the median ratio counts.
# Usage: bench/probe-throughput.sh [COPIES] [ROUNDS] [GSTBEAM_PARALLELISM]
# Prints one Markdown table row per run and the median speed-up; docs/BENCHMARKS.md records them.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
COPIES=${1:-1}
ROUNDS=${2:-3}
PAR=${3:-}
WORK=${BENCH_WORK:-${TMPDIR:-/tmp}/gstbeam-bench}
command -v ffprobe >/dev/null || { echo "ffprobe is needed (apt-get install ffmpeg)" >&2; exit 1; }
GSTBEAM_SETUP_ONLY=1 "$ROOT/gstbeam"

CORPUS="$WORK/corpus-x$COPIES"
if [ ! -d "$CORPUS" ]; then
  mkdir -p "$CORPUS"
  for i in $(seq 1 "$COPIES"); do cp -al "$ROOT/testdata/corpus" "$CORPUS/copy$i"; done
fi
FILES=$(find "$CORPUS" -type f | wc -l)
now() { date +%s.%N; }

# Warm the page cache so neither tool pays for the first read, and the class-data archive.
find "$CORPUS" -type f -print0 | xargs -0 cat > /dev/null
"$ROOT/gstbeam" probe --input "$ROOT/testdata/corpus/androidx-media/mp4/sample.mp4" --output "$WORK/warm" >/dev/null 2>&1 || true

ratios=()
for r in $(seq 1 "$ROUNDS"); do
  t0=$(now)
  find "$CORPUS" -type f -print0 | xargs -0 -P 2 -n 1 sh -c \
    'ffprobe -v error -print_format json -show_format -show_streams -show_chapters "$0" > /dev/null 2>&1 || true'
  ff=$(echo "$(now) - $t0" | bc)

  OUT="$WORK/out-x$COPIES"
  rm -rf "$OUT"
  args=(probe --input "$CORPUS" --output "$OUT" --format jsonl)
  [ -n "$PAR" ] && args+=(--parallelism "$PAR")
  rc=0
  t0=$(now)
  "$ROOT/gstbeam" "${args[@]}" > "$WORK/gstbeam-x$COPIES.log" 2>&1 || rc=$?
  gb=$(echo "$(now) - $t0" | bc)
  [ "$rc" = 0 ] || [ "$rc" = 3 ] || { echo "gstbeam failed ($rc), see $WORK/gstbeam-x$COPIES.log" >&2; exit 1; }
  ratio=$(echo "$ff / $gb" | bc -l)
  ratios+=("$ratio")
  printf '| %s | %d | round %d | ffprobe -P 2: %.1f s | gstbeam%s: %.1f s | %.2fx |\n' "$(date -u +%F)" "$FILES" "$r" "$ff" \
    "${PAR:+ --parallelism $PAR}" "$gb" "$ratio"
done
median=$(printf '%s\n' "${ratios[@]}" | sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}')
printf 'median speed-up over %d rounds: %.2fx  (last summary: %s)\n' "$ROUNDS" "$median" "$(cat "$WORK/out-x$COPIES/summary.json")"
