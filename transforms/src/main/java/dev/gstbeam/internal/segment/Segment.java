package dev.gstbeam.internal.segment;

import java.io.Serializable;

/**
 * One segment of a {@link SegmentPlan}: the source frames whose presentation timestamps fall in
 * {@code [startPts, endPts)}, and how to read them.
 *
 * @param index position in the plan, from 0
 * @param startPts first timestamp in the segment (inclusive); {@link Long#MIN_VALUE} for the first
 * @param endPts timestamp where the next segment starts (exclusive); {@link Long#MAX_VALUE} for the last
 * @param seekPts the keyframe where decoding starts, or {@link #FROM_START}
 * @param packetsBeforeEnd packets with a timestamp before {@code endPts} to feed the decoder from the
 *     seek keyframe on (decode order); after them the decoder is drained. {@link Long#MAX_VALUE}: all
 * @param frames frames the segment must give (by timestamp)
 * @param keyframeCut whether the segment starts at a keyframe (else it decodes from an earlier one
 *     and drops the frames before its start)
 * @param mayNotDecode frames at the stream's start shown before its first keyframe, which a decoder
 *     may drop (first segment only)
 * @param packetsFed packets fed to the decoder (decode order) from the seek keyframe to the last one needed
 * @param offsetNanos segment start relative to the first frame
 * @param untilNanos segment end relative to the first frame
 */
public record Segment(
    int index,
    long startPts,
    long endPts,
    long seekPts,
    long packetsBeforeEnd,
    long frames,
    boolean keyframeCut,
    long mayNotDecode,
    long packetsFed,
    long offsetNanos,
    long untilNanos) implements Serializable {

  /** {@link #seekPts()} of a segment read from the start of the file. */
  public static final long FROM_START = -1;

  public boolean first() {
    return startPts == Long.MIN_VALUE;
  }

  public boolean last() {
    return endPts == Long.MAX_VALUE;
  }

  /** Whether a frame with this timestamp belongs here. */
  public boolean contains(long pts) {
    return pts >= startPts && pts < endPts;
  }

  /** Whether {@code decoded} frames are what this segment should give. */
  public boolean complete(long decoded) {
    return decoded == frames || (decoded < frames && frames - decoded <= mayNotDecode);
  }

  public double seconds() {
    return (untilNanos - offsetNanos) / 1e9;
  }
}
