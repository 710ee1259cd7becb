package dev.gstbeam.internal.segment;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.ArrayList;
import java.util.List;

/** Reading an MP4's box structure: the in-place editors' shared helpers. */
final class Mp4Boxes {
  private Mp4Boxes() {}

  /** Position and size of the first top-level box of this type, or null (none, or not a box structure). */
  static long[] topLevel(FileChannel ch, String wanted) throws IOException {
    long pos = 0;
    long size = ch.size();
    while (pos + 8 <= size) {
      ByteBuffer h = read(ch, pos, 16 <= size - pos ? 16 : 8);
      long boxSize = h.getInt(0) & 0xffffffffL;
      int header = 8;
      if (boxSize == 1) {
        boxSize = h.getLong(8);
        header = 16;
      } else if (boxSize == 0) {
        boxSize = size - pos;
      }
      if (boxSize < header) {
        return null;
      }
      if (type(h, 4).equals(wanted)) {
        return new long[] {pos, boxSize};
      }
      pos += boxSize;
    }
    return null;
  }

  /** The four-character box type at {@code at}. */
  static String type(ByteBuffer buf, int at) {
    byte[] t = new byte[4];
    for (int i = 0; i < 4; i++) {
      t[i] = buf.get(at + i);
    }
    return new String(t, java.nio.charset.StandardCharsets.ISO_8859_1);
  }

  /** {@code length} bytes from {@code pos} (fewer at the end of the file), ready to read. */
  static ByteBuffer read(FileChannel ch, long pos, int length) throws IOException {
    ByteBuffer buf = ByteBuffer.allocate(length);
    while (buf.hasRemaining()) {
      if (ch.read(buf, pos + buf.position()) < 0) {
        break;
      }
    }
    buf.flip();
    return buf;
  }

  /** In {@code buf}, the first child of the box at {@code parent} (of {@code parentSize} bytes, header 8) of this type; -1 if none. */
  static int child(ByteBuffer buf, int parent, int parentSize, String wanted) {
    int pos = parent + 8;
    int end = parent + parentSize;
    while (pos + 8 <= end) {
      long size = buf.getInt(pos) & 0xffffffffL;
      if (size < 8 || pos + size > end) {
        return -1;
      }
      if (type(buf, pos + 4).equals(wanted)) {
        return pos;
      }
      pos += (int) size;
    }
    return -1;
  }

  /** In moov (the buffer, moov at 0), the positions of its trak boxes in order, up to the first bad box. */
  static List<Integer> traks(ByteBuffer moov) {
    List<Integer> traks = new ArrayList<>();
    int pos = 8;
    while (pos + 8 <= moov.limit()) {
      long size = moov.getInt(pos) & 0xffffffffL;
      if (size < 8 || pos + size > moov.limit()) {
        break;
      }
      if (type(moov, pos + 4).equals("trak")) {
        traks.add(pos);
      }
      pos += (int) size;
    }
    return traks;
  }

  /** The handler type of the trak at {@code trak} ({@code vide}, {@code soun}, …), or null when it has none. */
  static String handler(ByteBuffer moov, int trak) {
    int mdia = child(moov, trak, moov.getInt(trak), "mdia");
    int hdlr = mdia < 0 ? -1 : child(moov, mdia, moov.getInt(mdia), "hdlr");
    return hdlr >= 0 && hdlr + 20 <= moov.limit() ? type(moov, hdlr + 16) : null;
  }

  /** In moov (the buffer, moov at 0), the first trak whose handler is {@code vide}; -1 if none. */
  static int videoTrak(ByteBuffer moov) {
    for (int trak : traks(moov)) {
      if ("vide".equals(handler(moov, trak))) {
        return trak;
      }
    }
    return -1;
  }

  /** Size of a visual sample entry before its child boxes (ISO/IEC 14496-12 12.1.3). */
  private static final int VISUAL_SAMPLE_ENTRY = 86 - 8;

  /**
   * In moov, where the child boxes of the first video track's first sample entry lie ({@code colr},
   * {@code pasp}, the codec's configuration): {start, end}, or null when there is no such entry.
   */
  static int[] videoSampleEntryChildren(ByteBuffer moov) {
    int box = videoTrak(moov);
    for (String name : new String[] {"mdia", "minf", "stbl", "stsd"}) {
      if (box < 0) {
        return null;
      }
      box = child(moov, box, moov.getInt(box), name);
    }
    if (box < 0) {
      return null;
    }
    // stsd: version and flags, entry count, then the entries; the first describes the track's video.
    int entry = box + 16;
    if (entry + 8 > box + moov.getInt(box)) {
      return null;
    }
    long entrySize = moov.getInt(entry) & 0xffffffffL;
    if (entrySize < 8 + VISUAL_SAMPLE_ENTRY || entry + entrySize > moov.limit()) {
      return null;
    }
    return new int[] {entry + 8 + VISUAL_SAMPLE_ENTRY, entry + (int) entrySize};
  }

  /** The whole moov box, read; null when the file has none or it is too large to be real. */
  static ByteBuffer moov(FileChannel ch) throws IOException {
    long[] moov = topLevel(ch, "moov");
    if (moov == null || moov[1] > Integer.MAX_VALUE) {
      return null;
    }
    return read(ch, moov[0], (int) moov[1]);
  }

  /** A sample's presentation: its composition time and its duration, in the track's media timescale. */
  interface SampleVisitor {
    void sample(long compositionTime, long duration);
  }

  /**
   * Walks a track's samples in decode order from its {@code stts} (decode deltas) and {@code ctts}
   * (composition offsets, -1 when absent) boxes; the number of samples walked.
   */
  static long forEachSample(ByteBuffer buf, int stts, int ctts, SampleVisitor visitor) {
    int sttsCount = buf.getInt(stts + 12);
    int cttsCount = ctts < 0 ? 0 : buf.getInt(ctts + 12);
    int cttsIndex = 0;
    long cttsLeft = cttsCount > 0 ? buf.getInt(ctts + 16) & 0xffffffffL : 0;
    long dts = 0;
    long samples = 0;
    for (int i = 0; i < sttsCount; i++) {
      long count = buf.getInt(stts + 16 + 8 * i) & 0xffffffffL;
      long delta = buf.getInt(stts + 20 + 8 * i) & 0xffffffffL;
      for (long k = 0; k < count; k++) {
        long offset = 0;
        if (cttsIndex < cttsCount) {
          offset = buf.getInt(ctts + 20 + 8 * cttsIndex); // signed (version 1) or small unsigned
          if (--cttsLeft == 0 && ++cttsIndex < cttsCount) {
            cttsLeft = buf.getInt(ctts + 16 + 8 * cttsIndex) & 0xffffffffL;
          }
        }
        visitor.sample(dts + offset, delta);
        dts += delta;
        samples++;
      }
    }
    return samples;
  }

  /** mvhd/mdhd: the duration, after the timescale (32 bits in version 0, 64 in version 1). */
  static long duration(ByteBuffer buf, int box) {
    int version = buf.get(box + 8);
    return version == 1 ? buf.getLong(box + 32) : buf.getInt(box + 24) & 0xffffffffL;
  }

  /** mvhd/mdhd: version 0 has 32-bit times, version 1 64-bit; the timescale follows the two times. */
  static long timescale(ByteBuffer buf, int box) {
    int version = buf.get(box + 8);
    return buf.getInt(box + 12 + (version == 1 ? 16 : 8)) & 0xffffffffL;
  }
}
