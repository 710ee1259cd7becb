package dev.gstbeam.internal.segment;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

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
}
