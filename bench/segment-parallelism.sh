#!/usr/bin/env bash
# Segment-level transcoding on the embedded Flink runner: a 90 s MPEG-2 TS clip (720x576, 25 fps,
# GOP 12 with B-frames, temporal noise so every frame differs, MP2 audio) migrated to mp4-h264-aac with
# --segment-seconds 10 at parallelism 1 and 2 (encoder threads per slot = cores / slots), and whole
# (no segments) at parallelism 1, ROUNDS times alternating. Reports wall times (JVM start to exit),
# the p1/p2 ratio, and per-segment encode times from the result rows, from which the time on k slots
# is estimated as: plan + max over slots of the segments it gets + stitch/verify.
# Usage: bench/segment-parallelism.sh [ROUNDS] [PRESET] [extra migrate options, e.g. --encoder-threads 0]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ROUNDS=${1:-3}
PRESET=${2:-veryfast}
shift $(( $# > 2 ? 2 : $# ))
EXTRA=("$@")
WORK=${BENCH_WORK:-${TMPDIR:-/tmp}/gstbeam-bench}/segments
mkdir -p "$WORK/in"
GSTBEAM_SETUP_ONLY=1 "$ROOT/gstbeam"
CLIP="$WORK/in/clip-90s-576i.ts"
if [ ! -f "$CLIP" ]; then
  ffmpeg -nostdin -v error -y -f lavfi -i "testsrc2=size=720x576:rate=25" -f lavfi -i "sine=frequency=440:sample_rate=48000" \
    -t 90 -vf "noise=alls=20:allf=t" -c:v mpeg2video -g 12 -bf 2 -b:v 6M -c:a mp2 -b:a 192k "$CLIP"
fi
now() { date +%s.%N; }
run() { # name args...
  local name=$1; shift
  rm -rf "$WORK/out-$name"
  local t0; t0=$(now)
  "$ROOT/gstbeam" migrate --input "$WORK/in" --output "$WORK/out-$name" --preset "$PRESET" "$@" ${EXTRA[@]+"${EXTRA[@]}"} > "$WORK/$name.log" 2>&1
  echo "$(now) - $t0" | bc
}
printf "%-6s %10s %10s %10s %8s\n" round whole_p1 seg_p1 seg_p2 p1/p2
for r in $(seq 1 "$ROUNDS"); do
  w1=$(run whole --parallelism 1)
  s1=$(run seg1 --segment-seconds 10 --parallelism 1)
  s2=$(run seg2 --segment-seconds 10 --parallelism 2)
  printf "%-6s %10.1f %10.1f %10.1f %8.2f\n" "$r" "$w1" "$s1" "$s2" "$(echo "$s1 / $s2" | bc -l)"
  cp "$WORK"/out-seg1/_manifest/results-*.jsonl "$WORK/seg1-r$r.jsonl"
  cp "$WORK"/out-seg2/_manifest/results-*.jsonl "$WORK/seg2-r$r.jsonl"
done
python3 - "$WORK" "$ROUNDS" <<'PY'
import json, sys, glob
work, rounds = sys.argv[1], int(sys.argv[2])
for name in ("seg1", "seg2"):
    row = json.loads(open(f"{work}/{name}-r{rounds}.jsonl").readline())
    segs = row["segment_details"]
    times = [s["encode_seconds"] for s in segs]
    print(f"{name} (last round): status {row['status']}, {row['segments']} segments, frames {row['frames_in']} -> {row['frames_out']},"
          f" PSNR mean {row['psnr_mean']} min {row['psnr_min']}; segment encode s: " + " ".join(f"{t:.1f}" for t in times)
          + f"; sum {sum(times):.1f}, max {max(times):.1f}; job wall (plan to commit) {row['wall_seconds']:.1f}")
PY
