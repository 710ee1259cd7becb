package dev.gstbeam.internal.segment;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * How many frames of an MP4's first video track a player shows: the samples whose composition time
 * falls inside the track's edit (ISO/IEC 14496-12 8.6.6), counted from the sample tables. Pure Java.
 *
 * <p>Verification used to decode the whole written file once more for this number. The frames' bits
 * are already decoded while encoding (the encoder's output, teed after the parser, is the bytes the
 * muxer writes); what the muxer can still change is which of them are shown, and that is this count.
 * Only the simple layouts mp4mux writes are counted; anything else answers -1 and is decoded instead.
 */
public final class Mp4ShownFrames {
  private Mp4ShownFrames() {}

  /**
   * The frames shown, or -1 when this file is not one this counts (no moov or video track, fragments,
   * an edit list of more than one edit or an empty edit, tables that do not add up).
   */
  public static long count(Path file) {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      if (Mp4Boxes.topLevel(ch, "moof") != null) {
        return -1; // fragmented: samples live in the fragments
      }
      ByteBuffer moov = Mp4Boxes.moov(ch);
      return moov == null ? -1 : count(moov);
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  static long count(ByteBuffer moov) {
    int mvhd = Mp4Boxes.child(moov, 0, moov.limit(), "mvhd");
    int trak = Mp4Boxes.videoTrak(moov);
    if (mvhd < 0 || trak < 0) {
      return -1;
    }
    int trakSize = moov.getInt(trak);
    int mdia = Mp4Boxes.child(moov, trak, trakSize, "mdia");
    int mdhd = mdia < 0 ? -1 : Mp4Boxes.child(moov, mdia, moov.getInt(mdia), "mdhd");
    int minf = mdia < 0 ? -1 : Mp4Boxes.child(moov, mdia, moov.getInt(mdia), "minf");
    int stbl = minf < 0 ? -1 : Mp4Boxes.child(moov, minf, moov.getInt(minf), "stbl");
    if (mdhd < 0 || stbl < 0) {
      return -1;
    }
    int stblSize = moov.getInt(stbl);
    int stts = Mp4Boxes.child(moov, stbl, stblSize, "stts");
    int ctts = Mp4Boxes.child(moov, stbl, stblSize, "ctts");
    int stsz = Mp4Boxes.child(moov, stbl, stblSize, "stsz");
    if (stts < 0 || stsz < 0) {
      return -1;
    }
    long samples = moov.getInt(stsz + 16) & 0xffffffffL;

    // The edit: [start, end) on the media timeline; no edit list shows every sample from time 0.
    long start = 0;
    long end = Long.MAX_VALUE;
    int edts = Mp4Boxes.child(moov, trak, trakSize, "edts");
    int elst = edts < 0 ? -1 : Mp4Boxes.child(moov, edts, moov.getInt(edts), "elst");
    if (elst >= 0) {
      int version = moov.get(elst + 8);
      if (moov.getInt(elst + 12) != 1) {
        return -1;
      }
      long duration = version == 1 ? moov.getLong(elst + 16) : moov.getInt(elst + 16) & 0xffffffffL;
      start = version == 1 ? moov.getLong(elst + 24) : moov.getInt(elst + 20);
      if (start < 0) {
        return -1; // an empty edit (a delay): not a layout this counts
      }
      long movieScale = Mp4Boxes.timescale(moov, mvhd);
      long mediaScale = Mp4Boxes.timescale(moov, mdhd);
      if (movieScale <= 0 || mediaScale <= 0) {
        return -1;
      }
      if (duration > 0) {
        try {
          end = Math.addExact(start, Math.multiplyExact(duration, mediaScale) / movieScale);
        } catch (ArithmeticException tooLong) {
          end = Long.MAX_VALUE; // longer than any timeline: every sample is inside
        }
      }
    }

    long first = start;
    long last = end;
    long[] shown = new long[1];
    long seen = Mp4Boxes.forEachSample(moov, stts, ctts, (cts, duration) -> {
      if (cts >= first && cts < last) {
        shown[0]++;
      }
    });
    return seen == samples ? shown[0] : -1;
  }
}
