package dev.gstbeam.internal.segment;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Writes a display rotation into an MP4's video track header (the {@code tkhd} matrix), in place.
 *
 * <p>GStreamer 1.22's mp4mux receives the source's {@code image-orientation} tag on its video pad but
 * writes an identity matrix (measured: a phone's portrait clip, rotate-90 in, no display matrix out),
 * so a portrait video came out lying on its side. The pixels are not turned; players turn them, as
 * they did for the source. Pure Java over the file's boxes; only the 36 matrix bytes change.
 */
public final class Mp4Rotation {
  private Mp4Rotation() {}

  /**
   * Sets the first video track's matrix to show it turned {@code degrees} clockwise (0, 90, 180 or 270,
   * as the probe's {@code rotation} and GStreamer's {@code rotate-N} tags count). Whether it was written.
   */
  public static boolean set(Path file, int degrees) throws IOException {
    int[] m = matrix(degrees);
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      long[] moov = Mp4Boxes.topLevel(ch, "moov");
      if (moov == null || moov[1] > Integer.MAX_VALUE) {
        return false;
      }
      ByteBuffer buf = Mp4Boxes.read(ch, moov[0], (int) moov[1]);
      int tkhd = videoTkhd(buf);
      if (tkhd < 0) {
        return false;
      }
      int version = buf.get(tkhd + 8);
      int at = tkhd + (version == 1 ? 60 : 48);
      ByteBuffer bytes = ByteBuffer.allocate(36);
      for (int v : m) {
        bytes.putInt(v);
      }
      bytes.flip();
      ch.write(bytes, moov[0] + at);
      return true;
    }
  }

  /** The 3x3 matrix {a b u; c d v; x y w} as stored: 16.16 fixed point, u/v/w 2.30. */
  static int[] matrix(int degrees) {
    int one = 1 << 16;
    int w = 1 << 30;
    return switch (Math.floorMod(degrees, 360)) {
      case 0 -> new int[] {one, 0, 0, 0, one, 0, 0, 0, w};
      case 90 -> new int[] {0, one, 0, -one, 0, 0, 0, 0, w};
      case 180 -> new int[] {-one, 0, 0, 0, -one, 0, 0, 0, w};
      case 270 -> new int[] {0, -one, 0, one, 0, 0, 0, 0, w};
      default -> throw new IllegalArgumentException("rotation must be 0, 90, 180 or 270: " + degrees);
    };
  }

  /** The clockwise display rotation a matrix means (as {@link #matrix} writes them), or -1. */
  static int degrees(int[] m) {
    for (int d : new int[] {0, 90, 180, 270}) {
      int[] r = matrix(d);
      if (r[0] == m[0] && r[1] == m[1] && r[3] == m[3] && r[4] == m[4]) {
        return d;
      }
    }
    return -1;
  }

  /** The rotation the first video track's matrix shows, or -1 (no video track, or another transform). */
  public static int read(Path file) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      long[] moov = Mp4Boxes.topLevel(ch, "moov");
      if (moov == null || moov[1] > Integer.MAX_VALUE) {
        return -1;
      }
      ByteBuffer buf = Mp4Boxes.read(ch, moov[0], (int) moov[1]);
      int tkhd = videoTkhd(buf);
      if (tkhd < 0) {
        return -1;
      }
      int at = tkhd + (buf.get(tkhd + 8) == 1 ? 60 : 48);
      int[] m = new int[9];
      for (int i = 0; i < 9; i++) {
        m[i] = buf.getInt(at + 4 * i);
      }
      return degrees(m);
    }
  }

  /** In moov (the buffer), the tkhd of the first trak whose handler is {@code vide}; -1 if none. */
  private static int videoTkhd(ByteBuffer moov) {
    int trak = Mp4Boxes.videoTrak(moov);
    return trak < 0 ? -1 : Mp4Boxes.child(moov, trak, moov.getInt(trak), "tkhd");
  }
}
