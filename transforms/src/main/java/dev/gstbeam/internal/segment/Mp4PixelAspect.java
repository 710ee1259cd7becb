package dev.gstbeam.internal.segment;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The pixel aspect an MP4/MOV/3GP video track states in its {@code pasp} box (ISO/IEC 14496-12
 * 12.1.4), read from the file. Where the box is present it is the track's pixel aspect, as ffmpeg reads
 * it (a container's stated aspect wins over the codec's); GStreamer 1.22 overrides it: qtdemux derives one
 * from the track header's display size (Samsung slow-motion files: 27:64 for a 1:1 box), and
 * avdec_h263 takes the H.263 format's nominal 12:11 over a stated 1:1. Pure Java over the file's boxes.
 */
public final class Mp4PixelAspect {
  private Mp4PixelAspect() {}

  /**
   * The first video track's {@code pasp} ratio, reduced: {horizontal, vertical} spacing; null when the
   * file is not an MP4/MOV, has no video track, its track has no {@code pasp} box, or the box is unusable.
   */
  public static int[] of(Path file) {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      ByteBuffer moov = Mp4Boxes.moov(ch);
      return moov == null ? null : of(moov);
    } catch (IOException | RuntimeException e) {
      return null; // not readable as boxes: GStreamer's aspect stands
    }
  }

  static int[] of(ByteBuffer moov) {
    int[] children = Mp4Boxes.videoSampleEntryChildren(moov);
    if (children == null) {
      return null;
    }
    int pos = children[0];
    while (pos + 8 <= children[1]) {
      long size = moov.getInt(pos) & 0xffffffffL;
      if (size < 8 || pos + size > children[1]) {
        return null;
      }
      if (size >= 16 && Mp4Boxes.type(moov, pos + 4).equals("pasp")) {
        long h = moov.getInt(pos + 8) & 0xffffffffL;
        long v = moov.getInt(pos + 12) & 0xffffffffL;
        if (h == 0 || v == 0) {
          return null;
        }
        long g = gcd(h, v);
        h /= g;
        v /= g;
        return h > Integer.MAX_VALUE || v > Integer.MAX_VALUE ? null : new int[] {(int) h, (int) v};
      }
      pos += (int) size;
    }
    return null;
  }

  private static long gcd(long a, long b) {
    return b == 0 ? a : gcd(b, a % b);
  }
}
