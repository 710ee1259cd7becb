#!/usr/bin/env bash
# Peak Java heap of `gstbeam migrate` on a >= 1 GB object read from, and written back to, an S3-protocol
# server (S3Proxy on the local file system): the object is copied to a local scratch file through a
# 1 MiB buffer, so the heap should not grow with the object's size.
#
# Usage: bench/s3-heap.sh [WORKDIR]     (default: a fresh mktemp -d; KEEP=1 keeps the big files)
# Needs: the shaded jar and pipelines/target/s3proxy/s3proxy.jar, ffmpeg/ffprobe, curl >= 7.75, a JDK
# (jcmd), GNU time at /usr/bin/time, python3.
# Writes into WORKDIR: migrate.log (the job's output), time-v.txt (/usr/bin/time -v), gc.log,
# heap-samples.txt (jcmd GC.heap_info every 2 s), s3proxy.log, result.txt (the result block).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
JAR="$ROOT/pipelines/target/gstbeam-pipelines-0.1.0-SNAPSHOT-all.jar"
S3PROXY_JAR="$ROOT/pipelines/target/s3proxy/s3proxy.jar"
SECONDS_OF_MEDIA=${SECONDS_OF_MEDIA:-36}   # 250 Mbit/s: about 1.1e9 bytes
MIN_BYTES=1000000000
BUCKET=bench
KEY=in/big.mpg

say() { printf 's3-heap: %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }

[ -f "$JAR" ] || die "missing $JAR; build first: mvn -DskipTests package"
[ -f "$S3PROXY_JAR" ] || die "missing $S3PROXY_JAR (copied by a build without -DskipTests, or: mvn -pl pipelines dependency:copy@s3proxy)"
for tool in ffmpeg ffprobe curl java jcmd python3; do
  command -v "$tool" >/dev/null 2>&1 || die "missing tool: $tool"
done
[ -x /usr/bin/time ] || die "missing GNU time at /usr/bin/time (Debian: apt-get install time)"

if [ $# -ge 1 ]; then
  WORKDIR="$1"
  mkdir -p "$WORKDIR"
else
  WORKDIR="$(mktemp -d)"
fi
WORKDIR="$(cd "$WORKDIR" && pwd)"
say "work directory: $WORKDIR"
# A re-run in the same directory starts from nothing.
rm -rf "$WORKDIR/s3data" "$WORKDIR/scratch" "$WORKDIR/tmp" "$WORKDIR/big.mpg" "$WORKDIR/gstbeam.jar" \
  "$WORKDIR/s3proxy.jar" "$WORKDIR/gc.log" "$WORKDIR/heap-samples.txt" "$WORKDIR/migrate.log" "$WORKDIR/time-v.txt" "$WORKDIR/result.txt"
mkdir -p "$WORKDIR/s3data" "$WORKDIR/scratch" "$WORKDIR/tmp"

# Run copies: the checkout's jar may be rebuilt while this runs.
cp "$JAR" "$WORKDIR/gstbeam.jar"
cp "$S3PROXY_JAR" "$WORKDIR/s3proxy.jar"

S3PROXY_PID=""
TIME_PID=""
JAVA_PID=""
SAMPLER_PID=""
cleanup() {
  local rc=$?
  for p in "$SAMPLER_PID" "$JAVA_PID" "$TIME_PID" "$S3PROXY_PID"; do
    if [ -n "$p" ] && kill -0 "$p" 2>/dev/null; then kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; fi
  done
  rm -f "$WORKDIR/s3proxy.properties"   # holds the run's secret
  if [ "${KEEP:-0}" != "1" ]; then
    rm -rf "$WORKDIR/s3data" "$WORKDIR/scratch" "$WORKDIR/tmp" "$WORKDIR/big.mpg" "$WORKDIR/gstbeam.jar" "$WORKDIR/s3proxy.jar"
    say "big files removed (KEEP=1 keeps them); logs stay in $WORKDIR"
  else
    say "kept everything in $WORKDIR"
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- 1. The source: MPEG-2 program stream, 1080p25, constant 250 Mbit/s, sine audio in MP2.
SRC="$WORKDIR/big.mpg"
say "generating ${SECONDS_OF_MEDIA} s of 1080p25 MPEG-2 at 250 Mbit/s"
gen_start=$(date +%s.%N)
ffmpeg -hide_banner -nostdin -loglevel error -y \
  -f lavfi -i "testsrc2=size=1920x1080:rate=25" \
  -f lavfi -i "sine=frequency=440:sample_rate=48000" \
  -t "$SECONDS_OF_MEDIA" -map 0:v -map 1:a \
  -c:v mpeg2video -b:v 250M -minrate 250M -maxrate 250M -bufsize 100M -g 25 \
  -c:a mp2 -b:a 192k -ac 2 -f mpeg "$SRC"
gen_seconds=$(python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.1f}')" "$gen_start" "$(date +%s.%N)")
SRC_BYTES=$(stat -c %s "$SRC")
[ "$SRC_BYTES" -ge "$MIN_BYTES" ] || die "source is only $SRC_BYTES bytes (< $MIN_BYTES); raise SECONDS_OF_MEDIA"
say "source: $SRC_BYTES bytes in ${gen_seconds} s"

# --- 2. S3Proxy on a free port, with a random secret.
PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
SECRET=$(python3 -c 'import secrets; print(secrets.token_hex(20))')
ENDPOINT="http://127.0.0.1:$PORT"
PROPS="$WORKDIR/s3proxy.properties"
(
  umask 077
  cat >"$PROPS" <<EOF
s3proxy.authorization=aws-v2-or-v4
s3proxy.endpoint=$ENDPOINT
s3proxy.identity=benchkey
s3proxy.credential=$SECRET
jclouds.provider=filesystem-nio2
jclouds.identity=local
jclouds.credential=local
jclouds.filesystem.basedir=$WORKDIR/s3data
EOF
)
java -Xmx256m -jar "$WORKDIR/s3proxy.jar" --properties "$PROPS" >"$WORKDIR/s3proxy.log" 2>&1 &
S3PROXY_PID=$!
say "S3Proxy (pid $S3PROXY_PID) on $ENDPOINT"
for i in $(seq 1 120); do
  code=$(curl -s -o /dev/null -w '%{http_code}' "$ENDPOINT/" || true)
  [ "$code" != "000" ] && break
  kill -0 "$S3PROXY_PID" 2>/dev/null || { tail -20 "$WORKDIR/s3proxy.log" >&2; die "S3Proxy exited"; }
  [ "$i" -eq 120 ] && { tail -20 "$WORKDIR/s3proxy.log" >&2; die "S3Proxy did not answer in 60 s"; }
  sleep 0.5
done

s3curl() {
  curl -fsS --aws-sigv4 "aws:amz:us-east-1:s3" --user "benchkey:$SECRET" \
    -H 'x-amz-content-sha256: UNSIGNED-PAYLOAD' "$@"
}
s3curl -X PUT "$ENDPOINT/$BUCKET" -o /dev/null || die "cannot create bucket $BUCKET"
up_start=$(date +%s.%N)
s3curl -T "$SRC" "$ENDPOINT/$BUCKET/$KEY" -o /dev/null || die "cannot upload $KEY"
up_seconds=$(python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.1f}')" "$up_start" "$(date +%s.%N)")
stored="$WORKDIR/s3data/$BUCKET/$KEY"
[ "$(stat -c %s "$stored" 2>/dev/null || echo 0)" -eq "$SRC_BYTES" ] || die "upload stored $(stat -c %s "$stored" 2>/dev/null || echo no) bytes, expected $SRC_BYTES"
say "uploaded s3a://$BUCKET/$KEY in ${up_seconds} s"
# The local file is no longer needed: the server's copy is the source (and disk is not doubled).
rm -f "$SRC"

# --- 3. The migration, S3 to S3, with GC log, /usr/bin/time -v and jcmd samples.
# MALLOC_ARENA_MAX=2 as ./gstbeam runs the CLI. The scratch copy goes into WORKDIR/scratch (local disk);
# TMPDIR=WORKDIR/tmp catches GStreamer's own temporaries (mp4mux's faststart file), outside the scratch area.
say "running gstbeam migrate (log: $WORKDIR/migrate.log)"
mig_start=$(date +%s)
AWS_ACCESS_KEY_ID=benchkey AWS_SECRET_ACCESS_KEY="$SECRET" \
  MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-2}" GSTBEAM_SCRATCH_DIR="$WORKDIR/scratch" TMPDIR="$WORKDIR/tmp" \
  /usr/bin/time -v -o "$WORKDIR/time-v.txt" \
  java -Xmx512m "-Xlog:gc*:file=$WORKDIR/gc.log:uptime,level,tags" -jar "$WORKDIR/gstbeam.jar" migrate \
  --input "s3a://$BUCKET/in/*" --output "s3a://$BUCKET/out" --s3-endpoint "$ENDPOINT" --preset ultrafast \
  >"$WORKDIR/migrate.log" 2>&1 &
TIME_PID=$!

for _ in $(seq 1 100); do
  JAVA_PID=$(pgrep -P "$TIME_PID" 2>/dev/null | head -1 || true)
  [ -n "$JAVA_PID" ] && break
  kill -0 "$TIME_PID" 2>/dev/null || break
  sleep 0.1
done

# Sampler, every 2 s: the heap (jcmd, itself a small JVM kept cheap), the bytes in the scratch area and
# in TMPDIR, and the job's CPU ticks so far (utime + stime from /proc, to tell the phases apart).
CLK_TCK=$(getconf CLK_TCK)
sample() {
  local jpid=$1
  while kill -0 "$jpid" 2>/dev/null; do
    {
      printf '=== t=%s scratch_bytes=%s tmp_bytes=%s cpu_ticks=%s\n' "$(( $(date +%s) - mig_start ))" \
        "$(du -sb "$WORKDIR/scratch" 2>/dev/null | cut -f1)" "$(du -sb "$WORKDIR/tmp" 2>/dev/null | cut -f1)" \
        "$(sed 's/.*) //' "/proc/$jpid/stat" 2>/dev/null | awk '{print $12 + $13}')"
      jcmd -J-XX:TieredStopAtLevel=1 -J-XX:+UseSerialGC -J-Xmx64m "$jpid" GC.heap_info 2>&1 || true
    } >>"$WORKDIR/heap-samples.txt"
    sleep 2
  done
}
if [ -n "$JAVA_PID" ]; then
  sample "$JAVA_PID" &
  SAMPLER_PID=$!
else
  say "warning: no java process found under /usr/bin/time; no heap samples"
fi

RC=0
wait "$TIME_PID" || RC=$?
TIME_PID=""
JAVA_PID=""
if [ -n "$SAMPLER_PID" ]; then wait "$SAMPLER_PID" 2>/dev/null || true; SAMPLER_PID=""; fi

# --- 4. The numbers.
WALL=$(python3 - "$WORKDIR/time-v.txt" <<'EOF'
import re, sys
t = open(sys.argv[1]).read()
m = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)", t)
secs = 0.0
for part in (m.group(1).split(":") if m else []):
    secs = secs * 60 + float(part)
print(f"{secs:.1f}")
EOF
)
RSS_KB=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$WORKDIR/time-v.txt")
RSS_KB=${RSS_KB:-0}
CPU=$(awk -F': ' '/User time/ {u=$2} /System time/ {s=$2} /Percent of CPU/ {p=$2} END {printf "user %.1f s, sys %.1f s, %s of a core", u, s, p}' "$WORKDIR/time-v.txt")

# GC log: the largest occupancy before a collection, "GC(12) Pause Young ... 300M->120M(512M) 3.4ms".
GC_PEAK=$(python3 - "$WORKDIR/gc.log" <<'EOF'
import re, sys
unit = {"B": 1 / 1048576, "K": 1 / 1024, "M": 1, "G": 1024}
peak, n, cap, at, live, live_at = 0.0, 0, 0.0, "?", 0.0, "?"
try:
    lines = open(sys.argv[1], errors="replace").readlines()
except FileNotFoundError:
    lines = []
for line in lines:
    if "Pause" not in line:
        continue
    m = re.search(r"(\d+)([BKMG])->(\d+)([BKMG])\((\d+)([BKMG])\)", line)
    if not m:
        continue
    n += 1
    before, after = int(m.group(1)) * unit[m.group(2)], int(m.group(3)) * unit[m.group(4)]
    u = re.match(r"\[([0-9.]+)s\]", line)
    if before > peak:
        peak, cap = before, int(m.group(5)) * unit[m.group(6)]
        at = u.group(1) if u else "?"
    if after > live and re.search(r"Pause (Young|Full)", line):  # Remark/Cleanup do not evacuate
        live, live_at = after, u.group(1) if u else "?"
print(f"{peak:.0f} MB (at uptime {at} s, heap committed {cap:.0f} MB then; {n} pauses)"
      f"|{live:.0f} MB (at uptime {live_at} s)")
EOF
)

# jcmd samples: the heap's "used" (G1: one line; generational collectors: the sum of the generations).
JCMD_PEAK=$(python3 - "$WORKDIR/heap-samples.txt" "$SRC_BYTES" "$CLK_TCK" <<'EOF'
import re, sys
try:
    text = open(sys.argv[1], errors="replace").read()
except FileNotFoundError:
    text = ""
unit = {"K": 1 / 1024, "M": 1, "G": 1024}
peak, at, n, scratch, tmp = 0.0, "?", 0, 0, 0
src_bytes, clk_tck = int(sys.argv[2]), int(sys.argv[3])
rows = []  # (t, scratch bytes, cpu ticks)
for block in text.split("=== ")[1:]:
    head, _, body = block.partition("\n")
    used, found = 0.0, False
    for line in body.splitlines():
        if re.search(r"Metaspace|class space", line):
            continue
        m = re.search(r"total \d+[KMG], used (\d+)([KMG])", line)
        if m:
            used += int(m.group(1)) * unit[m.group(2)]
            found = True
    s = re.search(r"scratch_bytes=(\d+)", head)
    if s:
        scratch = max(scratch, int(s.group(1)))
    tm = re.search(r"tmp_bytes=(\d+)", head)
    if tm:
        tmp = max(tmp, int(tm.group(1)))
    c = re.search(r"cpu_ticks=(\d+)", head)
    if s and c:
        rows.append((int(re.search(r"t=(\d+)", head).group(1)), int(s.group(1)), int(c.group(1))))
    if found:
        n += 1
        if used > peak:
            peak, at = used, re.search(r"t=(\d+)", head).group(1)
# Phases from the samples: start-up until the scratch copy begins, the copy, the copy done until the
# output lands in the scratch area (probe + transcode), then the rest (verification, upload, exit).
def first(pred):
    return next((r for r in rows if pred(r)), None)
marks = [("start", rows[0] if rows else None),
         ("copy", first(lambda r: r[1] > 1 << 20)),
         ("transcode", first(lambda r: r[1] >= src_bytes)),
         ("verify+upload", first(lambda r: r[1] > src_bytes + (1 << 20)))]
marks = [(name, r) for name, r in marks if r is not None]
phases = []
for i, (name, r) in enumerate(marks):
    end = marks[i + 1][1] if i + 1 < len(marks) else (rows[-1] if rows else r)
    dt = end[0] - r[0]
    if dt <= 0:
        prev = max((x[0] for x in rows if x[0] < r[0]), default=0)
        phases.append(f"{name} within t={prev}..{r[0]} s (between two samples)")
        continue
    phases.append(f"{name} t={r[0]}..{end[0]} s ({(end[2] - r[2]) / clk_tck / dt:.2f} cores)")
print(f"{peak:.0f} MB (at t={at} s; {n} samples)|{scratch}|{tmp}|" + "; ".join(phases))
EOF
)
GC_LIVE=${GC_PEAK#*|}
GC_PEAK=${GC_PEAK%%|*}
IFS='|' read -r JCMD_PEAK SCRATCH_PEAK TMP_PEAK PHASES <<<"$JCMD_PEAK"

# --- 5. Did it work: summary.json and the output object.
SUMMARY_FILE="$WORKDIR/s3data/$BUCKET/out/_manifest/summary.json"
SUCCEEDED=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1])).get("succeeded"))' "$SUMMARY_FILE" 2>/dev/null || echo "no summary.json")
OUT_FILE=$(find "$WORKDIR/s3data/$BUCKET/out" -type f -name '*.mp4' 2>/dev/null | head -1 || true)
if [ -n "$OUT_FILE" ]; then
  OUT_BYTES=$(stat -c %s "$OUT_FILE")
  PROBE=$(ffprobe -v error -show_entries format=duration:stream=codec_type,codec_name -of json "$OUT_FILE" |
    python3 -c '
import json, sys
j = json.load(sys.stdin)
s = {x["codec_type"]: x["codec_name"] for x in j.get("streams", [])}
print("duration %.2f s, video %s, audio %s" % (float(j["format"]["duration"]), s.get("video"), s.get("audio")))') ||
    PROBE="ffprobe failed on $OUT_FILE"
  OUT_REL=${OUT_FILE#"$WORKDIR/s3data/"}
else
  OUT_BYTES="none"; PROBE="no .mp4 under s3a://$BUCKET/out"; OUT_REL="-"
fi

OK=yes
[ "$RC" -eq 0 ] || OK=no
[ "$SUCCEEDED" = "1" ] || OK=no
case "$PROBE" in *"video h264"*) ;; *) OK=no ;; esac

{
  echo "== s3-heap: gstbeam migrate, S3 -> S3 (S3Proxy, filesystem-nio2), -Xmx512m, --preset ultrafast"
  echo "source object:       s3a://$BUCKET/$KEY, $SRC_BYTES bytes (${SECONDS_OF_MEDIA} s 1080p25 MPEG-2 PS; generated in ${gen_seconds} s, uploaded in ${up_seconds} s)"
  echo "exit code:           $RC"
  echo "wall seconds:        $WALL   ($CPU)"
  echo "peak heap used (GC): $GC_PEAK"
  echo "max heap after GC:   $GC_LIVE"
  echo "peak heap used jcmd: $JCMD_PEAK"
  echo "max RSS (time -v):   $RSS_KB kB ($(( RSS_KB / 1024 )) MB)"
  echo "summary succeeded:   $SUCCEEDED"
  echo "output object:       s3a://$OUT_REL, $OUT_BYTES bytes"
  echo "ffprobe output:      $PROBE"
  echo "phases (2 s samples): $PHASES"
  echo "scratch (local disk): the object is streamed to a local scratch file through a 1 MiB buffer, not held"
  echo "                      in the heap; peak $SCRATCH_PEAK bytes in WORKDIR/scratch, $TMP_PEAK bytes in TMPDIR"
  echo "                      (GStreamer's own temporaries) (sampled every 2 s)"
  echo "verdict:             $([ "$OK" = yes ] && echo OK || echo FAILED)"
} | tee "$WORKDIR/result.txt"
if [ "$OK" != yes ]; then
  say "the job did not succeed; last lines of $WORKDIR/migrate.log:"
  tail -30 "$WORKDIR/migrate.log" >&2 || true
  exit 1
fi
