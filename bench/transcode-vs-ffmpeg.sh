#!/usr/bin/env bash
# Transcoding speed and quality: a 75 s 854x480 25 fps H.264/AAC clip (generated, fixed content, real
# motion and temporal noise) to H.264 veryfast CRF 23 + AAC 128 kb/s, three ways on the same machine in
# the same run, ROUNDS times alternating:
#   ffmpeg -c:v libx264 -preset veryfast -crf 23 -c:a aac -b:a 128k
#   gst-launch-1.0, the same chain gstbeam builds (x264enc settings from EncoderSettings)
#   ./gstbeam migrate --profile mp4-h264-aac --preset veryfast --crf 23 (JVM start, probe, verification
#   with PSNR, commit; its encode step alone is the row's encode_seconds)
# Reports wall times, sizes, PSNR against the source (ffmpeg's psnr filter) and ratios to ffmpeg.
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
psnr() { ffmpeg -hide_banner -i "$1" -i "$CLIP" -lavfi "[0:v][1:v]psnr" -f null - 2>&1 | grep -o 'average:[0-9.]*' | cut -d: -f2; }

# gstbeam keeps the source's channels up to the profile's 2 (this clip's sine is mono) and feeds the
# encoder 48 kHz: the gst-launch chain does the same (an earlier version forced stereo here, which
# doubled its audio encoding cost and was not the chain gstbeam builds).
CH=$(ffprobe -v error -select_streams a:0 -show_entries stream=channels -of csv=p=0 "$CLIP")
[ "$CH" -gt 2 ] && CH=2
for r in $(seq 1 "$ROUNDS"); do
  rm -f "$WORK/ff.mp4" "$WORK/gst.mp4"; rm -rf "$WORK/migrate" "$WORK/in"; mkdir -p "$WORK/in"; ln -f "$CLIP" "$WORK/in/clip.mp4"
  t0=$(now)
  ffmpeg -v error -y -i "$CLIP" -c:v libx264 -preset veryfast -crf 23 -c:a aac -b:a 128k "$WORK/ff.mp4"
  ff=$(echo "$(now) - $t0" | bc)
  t0=$(now)
  gst-launch-1.0 -q filesrc location="$CLIP" ! qtdemux name=d \
    d.video_0 ! queue ! h264parse ! avdec_h264 ! videoconvert ! videoscale ! video/x-raw,format=I420,width=854,height=480,pixel-aspect-ratio=1/1 \
      ! x264enc speed-preset=veryfast pass=qual quantizer=23 bitrate=2048000 threads=0 ! h264parse ! mp4mux name=m faststart=true ! filesink location="$WORK/gst.mp4" \
    d.audio_0 ! queue ! aacparse ! avdec_aac ! audioconvert ! audioresample ! audio/x-raw,channels=$CH,rate=48000 ! avenc_aac bitrate=128000 ! aacparse ! m. > /dev/null
  gs=$(echo "$(now) - $t0" | bc)
  t0=$(now)
  "$ROOT/gstbeam" migrate --input "$WORK/in" --output "$WORK/migrate" --preset veryfast --crf 23 > "$WORK/migrate.log" 2>&1
  gb=$(echo "$(now) - $t0" | bc)
  row=$(cat "$WORK"/migrate/_manifest/results-*.jsonl)
  enc=$(echo "$row" | grep -o '"encode_seconds":[0-9.]*' | cut -d: -f2)
  rowpsnr=$(echo "$row" | grep -o '"psnr_mean":[0-9.]*' | cut -d: -f2)
  out="$WORK/migrate/clip.mp4"
  pf=$(psnr "$WORK/ff.mp4"); pg=$(psnr "$WORK/gst.mp4"); pb=$(psnr "$out")
  sf=$(stat -c %s "$WORK/ff.mp4"); sg=$(stat -c %s "$WORK/gst.mp4"); sb=$(stat -c %s "$out")
  printf '| round %d | ffmpeg | %.1f s | 1.00 | %d B | %s dB |\n' "$r" "$ff" "$sf" "$pf"
  printf '| round %d | gst-launch | %.1f s | %.2f | %d B (%+.1f %%) | %s dB |\n' "$r" "$gs" "$(echo "$gs/$ff" | bc -l)" "$sg" "$(echo "100*($sg-$sf)/$sf" | bc -l)" "$pg"
  printf '| round %d | gstbeam migrate, encode step | %.1f s | %.2f | %d B (%+.1f %%) | %s dB (row: %s) |\n' "$r" "$enc" "$(echo "$enc/$ff" | bc -l)" "$sb" "$(echo "100*($sb-$sf)/$sf" | bc -l)" "$pb" "$rowpsnr"
  printf '| round %d | gstbeam migrate, whole job | %.1f s | %.2f | | |\n' "$r" "$gb" "$(echo "$gb/$ff" | bc -l)"
done
