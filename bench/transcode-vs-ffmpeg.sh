#!/usr/bin/env bash
# Transcoding speed and quality: a 75 s 854x480 25 fps H.264/AAC clip (generated, fixed content, real
# motion and temporal noise) to H.264 veryfast CRF 23 + AAC 128 kb/s, three ways on the same machine in
# the same run, ROUNDS times alternating:
#   ffmpeg -c:v libx264 -preset veryfast -crf 23 -c:a aac -b:a 128k
#   gst-launch-1.0, the same chain gstbeam builds (x264enc settings from EncoderSettings)
#   ./gstbeam migrate --profile mp4-h264-aac --preset veryfast --crf 23 (JVM start, probe, verification
#   with PSNR, commit; its encode step alone is the row's encode_seconds)
# Reports wall times, CPU seconds (user + system, the process and its children), sizes, PSNR against the
# source (ffmpeg's psnr filter) and ratios to ffmpeg. The CPU column bounds what any scheduling can do:
# a run that needs C CPU seconds takes at least C / (cores) seconds of wall time.
# Usage: bench/transcode-vs-ffmpeg.sh [ROUNDS]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ROUNDS=${1:-3}
WORK=${BENCH_WORK:-${TMPDIR:-/tmp}/gstbeam-bench}/transcode
mkdir -p "$WORK"
GSTBEAM_SETUP_ONLY=1 "$ROOT/gstbeam"
CLIP="$WORK/clip-75s-854x480.mp4"
if [ ! -f "$CLIP" ]; then
  ffmpeg -v error -y -f lavfi -i "testsrc2=size=854x480:rate=25,noise=alls=8:allf=t+u" \
    -f lavfi -i "sine=frequency=330:sample_rate=48000:beep_factor=4" -t 75 \
    -c:v libx264 -preset fast -crf 16 -pix_fmt yuv420p -c:a aac -b:a 192k -shortest "$CLIP"
fi
now() { date +%s.%N; }
# timed VAR CMD...: runs CMD, sets VAR to its wall seconds and VAR_cpu to its user + system CPU seconds.
timed() {
  local var=$1; shift
  local f="$WORK/time.$var" TIMEFORMAT='%R %U %S'
  { time "$@" > "$f.out" ; } 2> "$f"  # the command's own output: $WORK/time.VAR.out
  read -r w u s < <(tail -1 "$f")
  printf -v "$var" '%s' "$w"; printf -v "${var}_cpu" '%s' "$(echo "$u + $s" | bc)"
}
CORES=$(nproc)
psnr() { ffmpeg -hide_banner -i "$1" -i "$CLIP" -lavfi "[0:v][1:v]psnr" -f null - 2>&1 | grep -o 'average:[0-9.]*' | cut -d: -f2; }

# gstbeam keeps the source's channels up to the profile's 2 (this clip's sine is mono) and feeds the
# encoder 48 kHz: the gst-launch chain does the same (an earlier version forced stereo here, which
# doubled its audio encoding cost and was not the chain gstbeam builds).
CH=$(ffprobe -v error -select_streams a:0 -show_entries stream=channels -of csv=p=0 "$CLIP")
[ "$CH" -gt 2 ] && CH=2
for r in $(seq 1 "$ROUNDS"); do
  rm -f "$WORK/ff.mp4" "$WORK/gst.mp4"; rm -rf "$WORK/migrate" "$WORK/in"; mkdir -p "$WORK/in"; ln -f "$CLIP" "$WORK/in/clip.mp4"
  timed ff ffmpeg -v error -y -i "$CLIP" -c:v libx264 -preset veryfast -crf 23 -c:a aac -b:a 128k "$WORK/ff.mp4"
  timed gs gst-launch-1.0 -q filesrc location="$CLIP" ! qtdemux name=d \
    d.video_0 ! queue ! h264parse ! avdec_h264 ! videoconvert ! videoscale ! video/x-raw,format=I420,width=854,height=480,pixel-aspect-ratio=1/1 \
      ! x264enc speed-preset=veryfast pass=qual quantizer=23 bitrate=2048000 threads=0 ! h264parse ! mp4mux name=m faststart=true ! filesink location="$WORK/gst.mp4" \
    d.audio_0 ! queue ! aacparse ! avdec_aac ! audioconvert ! audioresample ! audio/x-raw,channels=$CH,rate=48000 ! avenc_aac bitrate=128000 ! aacparse ! m.
  timed gb "$ROOT/gstbeam" migrate --input "$WORK/in" --output "$WORK/migrate" --preset veryfast --crf 23
  row=$(cat "$WORK"/migrate/_manifest/results-*.jsonl)
  enc=$(echo "$row" | grep -o '"encode_seconds":[0-9.]*' | cut -d: -f2)
  rowpsnr=$(echo "$row" | grep -o '"psnr_mean":[0-9.]*' | cut -d: -f2)
  out="$WORK/migrate/clip.mp4"
  pf=$(psnr "$WORK/ff.mp4"); pg=$(psnr "$WORK/gst.mp4"); pb=$(psnr "$out")
  sf=$(stat -c %s "$WORK/ff.mp4"); sg=$(stat -c %s "$WORK/gst.mp4"); sb=$(stat -c %s "$out")
  printf '| round %d | ffmpeg | %.1f s | 1.00 | %.1f s | %d B | %s dB |\n' "$r" "$ff" "$ff_cpu" "$sf" "$pf"
  printf '| round %d | gst-launch | %.1f s | %.2f | %.1f s | %d B (%+.1f %%) | %s dB |\n' "$r" "$gs" "$(echo "$gs/$ff" | bc -l)" "$gs_cpu" "$sg" "$(echo "100*($sg-$sf)/$sf" | bc -l)" "$pg"
  printf '| round %d | gstbeam migrate, encode step | %.1f s | %.2f | | %d B (%+.1f %%) | %s dB (row: %s) |\n' "$r" "$enc" "$(echo "$enc/$ff" | bc -l)" "$sb" "$(echo "100*($sb-$sf)/$sf" | bc -l)" "$pb" "$rowpsnr"
  printf '| round %d | gstbeam migrate, whole job | %.1f s | %.2f | %.1f s | | |\n' "$r" "$gb" "$(echo "$gb/$ff" | bc -l)" "$gb_cpu"
  printf '| round %d | bound | 1.10 x ffmpeg = %.1f s on %d cores holds at most %.1f CPU s; the whole job used %.1f |\n' "$r" "$(echo "1.1*$ff" | bc -l)" "$CORES" "$(echo "1.1*$ff*$CORES" | bc -l)" "$gb_cpu"
done
