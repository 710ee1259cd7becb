package dev.gstbeam.internal.segment;

import java.io.Serializable;
import java.util.List;

/**
 * The segments of one video stream, in order, covering every frame exactly once.
 *
 * @param segments in presentation order
 * @param frames frames in the index
 * @param firstPts timestamp of the first frame shown
 * @param durationNanos from the first frame to the end of the last
 */
public record SegmentPlan(List<Segment> segments, long frames, long firstPts, long durationNanos)
    implements Serializable {

  public int size() {
    return segments.size();
  }

  /**
   * Index (from 0, presentation order) of each segment's first frame in the stitched output, given
   * the frames each segment actually gave.
   */
  public static long[] firstFrameNumbers(long[] framesPerSegment) {
    long[] out = new long[framesPerSegment.length];
    long n = 0;
    for (int i = 0; i < out.length; i++) {
      out[i] = n;
      n += framesPerSegment[i];
    }
    return out;
  }
}
