#!/usr/bin/env bash
# Native memory of probing and transcoding in one JVM: the bundled corpus probed round-robin (a new
# prober per 100 files, as per bundle in a job) with one transcode (mp4-h264-aac ultrafast of a 1 s
# 1080x720 clip) after every PROBES/TRANSCODES probes; RSS after a full GC at checkpoints, and growth
# after warm-up (the checkpoint at 1,000 probes: three passes over the corpus).
# Usage: bench/probe-rss.sh [PROBES [TRANSCODES]]
#   default 5000 200 (issue #7: RSS growth < 5 % after warm-up); TRANSCODES defaults to PROBES/25,
#   0 probes only (the earlier bench: `bench/probe-rss.sh 2000 0`).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOTAL=${1:-5000}
TRANSCODES=${2:-$((TOTAL / 25))}
GSTBEAM_SETUP_ONLY=1 "$ROOT/gstbeam"
cd "$ROOT"
mvn -q -B -Dstyle.color=never -pl transforms test-compile dependency:build-classpath \
  -Dmdep.includeScope=test -Dmdep.outputFile=target/bench.classpath >/dev/null
CP="transforms/target/classes:transforms/target/test-classes:$(cat transforms/target/bench.classpath)"
points="200 500"
for ((p = 1000; p <= TOTAL; p += 500)); do points="$points $p"; done
[ "$TOTAL" -gt 1000 ] && [ $((TOTAL % 500)) -ne 0 ] && points="$points $TOTAL"
# As ./gstbeam runs it (MALLOC_ARENA_MAX=2); MALLOC_ARENA_MAX=16 is glibc's default on 2 cores.
export MALLOC_ARENA_MAX=${MALLOC_ARENA_MAX:-2}
exec java -Xmx512m -Dbench.transcodes="$TRANSCODES" \
  -Dbench.clip=testdata/corpus/androidx-media/mp4/sample_without_stss.mp4 \
  -cp "$CP" dev.gstbeam.bench.ProbeRssBench testdata/corpus "$TOTAL" $points
