package dev.gstbeam.internal.segment;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;

/**
 * Plans the segments of one video stream from its demux-only index: the presentation timestamps of
 * its frames in decode order and which of them are keyframes. Pure Java; no GStreamer.
 *
 * <p>A segment is a half-open range of presentation timestamps {@code [start, end)}: every source
 * frame falls in exactly one segment, whatever the decode order (B-frames, open GOPs), so the
 * segments' frames add up to the source's. Cuts are made at keyframes near multiples of the target
 * length; where keyframes are too far apart a cut is made at an ordinary frame, and that segment
 * decodes from the keyframe before it and drops the frames before its start.
 *
 * <p>Each segment says how its worker reads the source: which keyframe to start feeding the decoder
 * at ({@link Segment#seekPts()}), and how many packets with a timestamp before the segment's end it
 * must feed from there ({@link Segment#packetsBeforeEnd()}); after those the decoder can be drained,
 * because decoders give frames out in presentation order.
 */
public final class SegmentPlanner {
  private SegmentPlanner() {}

  /** No segment (but a whole-file one) is shorter than this fraction of the target. */
  static final double MIN_FRACTION = 0.5;

  /**
   * Plans segments of about {@code targetSeconds}.
   *
   * @param packetPts presentation timestamps (ns) of the video packets in decode order
   * @param keyframes which packets are keyframes
   * @param frameDurationNanos the nominal frame duration (for the length of the last frame), or 0
   * @throws IllegalArgumentException when the index cannot be planned (no timestamps, no keyframe)
   */
  public static SegmentPlan plan(long[] packetPts, BitSet keyframes, long frameDurationNanos, double targetSeconds) {
    if (!(targetSeconds > 0)) {
      throw new IllegalArgumentException("segment length must be positive: " + targetSeconds);
    }
    int n = packetPts.length;
    if (n == 0) {
      throw new IllegalArgumentException("no video frames in the index");
    }
    for (long p : packetPts) {
      if (p < 0) {
        throw new IllegalArgumentException("a video frame without a timestamp: cannot place it in a segment");
      }
    }
    long[] sorted = packetPts.clone();
    Arrays.sort(sorted);
    for (int i = 1; i < n; i++) {
      if (sorted[i] == sorted[i - 1]) {
        throw new IllegalArgumentException("two video frames with the same timestamp: cannot order them");
      }
    }
    long[] keys = keyframes.stream().filter(i -> i < n).mapToLong(i -> packetPts[i]).sorted().toArray();
    if (keys.length == 0) {
      throw new IllegalArgumentException("no keyframe in the index");
    }
    long first = sorted[0];
    long lastFrame = sorted[n - 1];
    long frame = frameDurationNanos > 0 ? frameDurationNanos : (n > 1 ? (lastFrame - first) / (n - 1) : 0);
    long end = lastFrame + frame;
    long target = Math.round(targetSeconds * 1e9);
    long min = Math.round(target * MIN_FRACTION);

    List<Long> cuts = new ArrayList<>();
    long start = first;
    while (end - (start + target) >= min) {
      long desired = start + target;
      long lo = Math.max(start + min, desired - target / 2);
      long hi = Math.min(end - min, desired + target / 2);
      long cut = nearestIn(keys, desired, lo, hi);
      if (cut == Long.MIN_VALUE) {
        // Keyframes too far apart: cut at the first frame at or after the desired time.
        cut = firstAtOrAfter(sorted, desired);
        if (cut == Long.MIN_VALUE || cut > hi || cut <= start) {
          break;
        }
      }
      cuts.add(cut);
      start = cut;
    }

    List<Segment> segments = new ArrayList<>();
    for (int s = 0; s <= cuts.size(); s++) {
      long segStart = s == 0 ? Long.MIN_VALUE : cuts.get(s - 1);
      long segEnd = s == cuts.size() ? Long.MAX_VALUE : cuts.get(s);
      long seek = s == 0 ? Segment.FROM_START : floor(keys, segStart);
      int from = s == 0 ? 0 : decodeIndexOfKeyframe(packetPts, keyframes, seek);
      long before = 0;
      int lastNeeded = -1;
      for (int i = from; i < n; i++) {
        if (packetPts[i] < segEnd) {
          before++;
          lastNeeded = i;
        }
      }
      long frames = 0;
      for (long p : sorted) {
        if (p >= segStart && p < segEnd) {
          frames++;
        }
      }
      boolean keyCut = s == 0 || Arrays.binarySearch(keys, segStart) >= 0;
      long undecodable = 0;
      if (s == 0) {
        // Frames shown before the first keyframe (an open GOP's leading pictures at the file's start,
        // or a stream cut mid-GOP) may not decode at all.
        for (long p : sorted) {
          if (p < keys[0]) {
            undecodable++;
          }
        }
      }
      segments.add(new Segment(s, segStart, segEnd, seek, segEnd == Long.MAX_VALUE ? Long.MAX_VALUE : before,
          frames, keyCut, undecodable, lastNeeded - from + 1,
          (s == 0 ? first : segStart) - first, (segEnd == Long.MAX_VALUE ? end : segEnd) - first));
    }
    return new SegmentPlan(List.copyOf(segments), n, first, end - first);
  }

  private static long nearestIn(long[] sortedKeys, long desired, long lo, long hi) {
    long best = Long.MIN_VALUE;
    long bestDistance = Long.MAX_VALUE;
    for (long k : sortedKeys) {
      if (k < lo || k > hi) {
        continue;
      }
      long d = Math.abs(k - desired);
      if (d < bestDistance) {
        best = k;
        bestDistance = d;
      }
    }
    return best;
  }

  private static long firstAtOrAfter(long[] sorted, long t) {
    int i = Arrays.binarySearch(sorted, t);
    if (i < 0) {
      i = -i - 1;
    }
    return i < sorted.length ? sorted[i] : Long.MIN_VALUE;
  }

  /** The greatest keyframe at or before {@code t}. */
  private static long floor(long[] sortedKeys, long t) {
    long best = sortedKeys[0];
    for (long k : sortedKeys) {
      if (k <= t) {
        best = k;
      }
    }
    return best;
  }

  private static int decodeIndexOfKeyframe(long[] packetPts, BitSet keyframes, long pts) {
    for (int i = keyframes.nextSetBit(0); i >= 0 && i < packetPts.length; i = keyframes.nextSetBit(i + 1)) {
      if (packetPts[i] == pts) {
        return i;
      }
    }
    throw new IllegalStateException("keyframe " + pts + " not in the index");
  }
}
