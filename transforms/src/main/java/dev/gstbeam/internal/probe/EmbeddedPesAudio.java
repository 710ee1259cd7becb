package dev.gstbeam.internal.probe;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/**
 * MPEG audio packets (PES stream ids 0xC0-0xDF, ISO/IEC 13818-1 2.4.3.7) inside a file the demuxer
 * took for an elementary video stream, read in pure Java.
 *
 * <p>Why: a program stream with junk before its first pack header is typefound by GStreamer 1.22 as
 * MPEG video, so its audio is never demuxed and a migration would drop it without a word (the corpus's
 * {@code ts/sample_with_junk}: ffprobe reads MP2 audio in it). In an MPEG-1/2, H.264 or HEVC
 * elementary stream these start codes cannot occur (they are no video start code, and a NAL header
 * with its top bit set is invalid; start codes are never emulated), so seeing them repeatedly means
 * the file is a program stream.
 */
public final class EmbeddedPesAudio {
  private EmbeddedPesAudio() {}

  static final int SCAN_BYTES = 4 * 1024 * 1024;

  /** Audio stream ids seen at least twice with a plausible PES header, with their packet counts. */
  public static Map<Integer, Integer> streams(Path file) throws IOException {
    byte[] d;
    try (InputStream in = Files.newInputStream(file)) {
      d = in.readNBytes(SCAN_BYTES);
    }
    return streams(d);
  }

  static Map<Integer, Integer> streams(byte[] d) {
    Map<Integer, Integer> seen = new TreeMap<>();
    for (int i = 0; i + 9 <= d.length; i++) {
      if (d[i] != 0 || d[i + 1] != 0 || d[i + 2] != 1) {
        continue;
      }
      int id = d[i + 3] & 0xff;
      if (id < 0xc0 || id > 0xdf) {
        continue;
      }
      int length = ((d[i + 4] & 0xff) << 8) | (d[i + 5] & 0xff);
      int flags = d[i + 6] & 0xff;
      // MPEG-2 PES header ('10' marker bits), or MPEG-1's (stuffing 0xff, STD buffer '01', or a timestamp).
      boolean header = (flags & 0xc0) == 0x80 || flags == 0xff || (flags & 0xc0) == 0x40 || (flags & 0xe0) == 0x20
          || flags == 0x0f;
      if (length > 0 && header) {
        seen.merge(id, 1, Integer::sum);
      }
    }
    seen.values().removeIf(n -> n < 2);
    return seen;
  }
}
