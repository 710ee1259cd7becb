#!/usr/bin/env bash
# Native memory of the prober: RSS after 200 and after 2,000 probes (and more) in one JVM, on the
# bundled corpus round-robin, a new prober per 100 files as per bundle in a job.
# Usage: bench/probe-rss.sh [TOTAL]   (default 2000; the issue's target: RSS(2000) within 10 % of RSS(200))
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOTAL=${1:-2000}
GSTBEAM_SETUP_ONLY=1 "$ROOT/gstbeam"
cd "$ROOT"
mvn -q -B -Dstyle.color=never -pl transforms test-compile dependency:build-classpath \
  -Dmdep.includeScope=test -Dmdep.outputFile=target/bench.classpath >/dev/null
CP="transforms/target/classes:transforms/target/test-classes:$(cat transforms/target/bench.classpath)"
points="200 500 1000 2000"
[ "$TOTAL" -gt 2000 ] && points="$points $TOTAL"
# As ./gstbeam runs it (MALLOC_ARENA_MAX=2); MALLOC_ARENA_MAX=16 is glibc's default on 2 cores.
export MALLOC_ARENA_MAX=${MALLOC_ARENA_MAX:-2}
exec java -Xmx512m -cp "$CP" dev.gstbeam.bench.ProbeRssBench testdata/corpus "$TOTAL" $points
