#!/usr/bin/env bash
# Probe fuzzing: a seeded mutation loop over ~30 small corpus files (bit flips, byte runs, truncation,
# chunk duplication, splices, container length-field edits, stacked), each mutant probed in a worker
# process (as --isolation process does) so that a native crash is a finding, not the end of the run.
# Findings (worker crash, hang, the prober's TIMEOUT, INTERNAL, an exception) go to FINDINGS_DIR with
# findings.tsv; every outcome to outcomes.tsv; a summary at the end. Not part of CI's run.
# Usage: bench/fuzz-probe.sh [SECONDS] [SEED]     (defaults 300 and 1)
#   FINDINGS_DIR (default pipelines/target/fuzz-findings), FUZZ_TIMEOUT (prober timeout, s; default 5),
#   FUZZ_ITERATIONS (a bound on iterations as well), FUZZ_REPLAY=I (write and probe iteration I only)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SECONDS_BOUND=${1:-300}
SEED=${2:-1}
FINDINGS=${FINDINGS_DIR:-$ROOT/pipelines/target/fuzz-findings}
GSTBEAM_SETUP_ONLY=deps "$ROOT/gstbeam"
cd "$ROOT"
# Offline when everything is in the local repository already; online otherwise.
build() { mvn -B -q -Dstyle.color=never -o "$@" >/dev/null 2>&1 || mvn -B -q -Dstyle.color=never "$@" >/dev/null; }
build -pl pipelines -am test-compile dependency:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile=target/fuzz.classpath
# The reactor's modules (transforms, runners) are in that list as their target/ folders.
CP="pipelines/target/test-classes:pipelines/target/classes:$(cat pipelines/target/fuzz.classpath)"
ARGS=(--seconds "$SECONDS_BOUND" --seed "$SEED" --findings "$FINDINGS" --timeout-seconds "${FUZZ_TIMEOUT:-5}")
[ -n "${FUZZ_ITERATIONS:-}" ] && ARGS+=(--iterations "$FUZZ_ITERATIONS")
[ -n "${FUZZ_REPLAY:-}" ] && ARGS+=(--replay "$FUZZ_REPLAY")
export MALLOC_ARENA_MAX=${MALLOC_ARENA_MAX:-2}
exec java -Xmx512m -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "$CP" dev.gstbeam.pipelines.fuzz.ProbeFuzz "${ARGS[@]}"
