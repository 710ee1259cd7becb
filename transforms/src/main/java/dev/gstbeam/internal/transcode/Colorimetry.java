package dev.gstbeam.internal.transcode;

import java.util.Map;

/**
 * A decoded stream's colorimetry as GStreamer writes it in caps ({@code range:matrix:transfer:primaries},
 * its enum numbers, or one of its names), and the relabelling that keeps full-range video full range.
 *
 * <p>Two ways GStreamer 1.22 loses a source's full range, both found on phone recordings of the corpus
 * (ffprobe: {@code yuvj420p}, {@code pc}):
 * <ul>
 *   <li>qtdemux reads the range flag of an MP4 {@code colr}/{@code nclx} box from the wrong byte (the low
 *       byte of the matrix), so every full-range {@code nclx} comes out limited, and its caps override the
 *       stream's own signalling downstream;
 *   <li>a stream that signals only its range (H.264 VUI with no colour description) decodes as
 *       {@code 1:0:0:0}, and x264enc then writes limited range: it needs the other three known.
 * </ul>
 * Either way the output kept the full-range samples labelled limited: clipped blacks and whites on every
 * player. The fix is a label, not a conversion: the samples are already full range.
 */
public final class Colorimetry {
  /** GStreamer's range enum: 0 unknown, 1 0-255, 2 16-235. */
  public static final int RANGE_FULL = 1;
  public static final int RANGE_LIMITED = 2;

  /** GStreamer 1.22's named colorimetries (video-color.c), as range, matrix, transfer, primaries. */
  private static final Map<String, int[]> NAMED = Map.of(
      "bt601", new int[] {2, 4, 16, 4},
      "bt709", new int[] {2, 3, 5, 1},
      "smpte240m", new int[] {2, 5, 6, 5},
      "sRGB", new int[] {1, 1, 7, 1},
      "bt2020", new int[] {2, 6, 11, 7},
      "bt2020-10", new int[] {2, 6, 13, 7},
      "bt2100-pq", new int[] {2, 6, 14, 7},
      "bt2100-hlg", new int[] {2, 6, 15, 7});

  private final int range;
  private final int matrix;
  private final int transfer;
  private final int primaries;

  private Colorimetry(int range, int matrix, int transfer, int primaries) {
    this.range = range;
    this.matrix = matrix;
    this.transfer = transfer;
    this.primaries = primaries;
  }

  /** Parses a caps colorimetry string; null when absent or not one GStreamer writes. */
  public static Colorimetry parse(String text) {
    if (text == null || text.isEmpty()) {
      return null;
    }
    int[] named = NAMED.get(text);
    if (named != null) {
      return new Colorimetry(named[0], named[1], named[2], named[3]);
    }
    String[] parts = text.split(":", -1);
    if (parts.length != 4) {
      return null;
    }
    int[] v = new int[4];
    try {
      for (int i = 0; i < 4; i++) {
        v[i] = Integer.parseInt(parts[i]);
      }
    } catch (NumberFormatException e) {
      return null;
    }
    return new Colorimetry(v[0], v[1], v[2], v[3]);
  }

  public int range() {
    return range;
  }

  /** Numeric form, which GStreamer parses back whatever the combination. */
  @Override
  public String toString() {
    return range + ":" + matrix + ":" + transfer + ":" + primaries;
  }

  /**
   * The colorimetry to label the decoded frames with before they are encoded, or null to leave them as
   * decoded.
   *
   * @param decoded the decoder's caps colorimetry (may be null)
   * @param height the decoded frame height, for the default of unknown fields
   * @param containerFullRange what the container's own colour box says of the range (MP4 {@code nclx},
   *     read by us because qtdemux 1.22 misreads it): true full, false limited, null no box
   */
  public static String relabel(String decoded, int height, Boolean containerFullRange) {
    Colorimetry c = parse(decoded);
    if (c == null) {
      return null;
    }
    int r = c.range;
    if (Boolean.TRUE.equals(containerFullRange) && r == RANGE_LIMITED) {
      r = RANGE_FULL;
    }
    if (r != RANGE_FULL) {
      return null; // limited or unknown: as decoded (encoders write limited, as for any such stream)
    }
    // Unknown fields take what players assume for a stream that says nothing: BT.709 above 576 lines,
    // BT.601 up to it. (The range is what matters; the encoder needs the rest known to write it.)
    boolean hd = height > 576;
    int m = c.matrix != 0 ? c.matrix : hd ? 3 : 4;
    int t = c.transfer != 0 ? c.transfer : hd ? 5 : 16;
    int p = c.primaries != 0 ? c.primaries : hd ? 1 : 4;
    Colorimetry fixed = new Colorimetry(r, m, t, p);
    return fixed.sameAs(c) ? null : fixed.toString();
  }

  private boolean sameAs(Colorimetry o) {
    return range == o.range && matrix == o.matrix && transfer == o.transfer && primaries == o.primaries;
  }
}
