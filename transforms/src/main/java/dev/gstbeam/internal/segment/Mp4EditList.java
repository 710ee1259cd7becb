package dev.gstbeam.internal.segment;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Repairs the end of a single-track MP4's edit list so that every sample is shown.
 *
 * <p>GStreamer's mp4mux writes the edit's duration as the sum of the sample durations (the decode
 * timeline). With B-frames and a variable frame rate the last frame shown can start at or after that
 * end (its composition time is later than the decode timeline's end), so players and demuxers that
 * honour the edit list drop it: a segment intermediate lost its last frame in the stitch. This sets
 * the edit's duration to the end of the latest-shown sample (composition time plus duration, minus
 * the edit's media start), and the track and movie durations to match, when that is longer. Pure
 * Java over the file's boxes; no other byte changes.
 */
public final class Mp4EditList {
  private Mp4EditList() {}

  /** Whether the file was changed. */
  public static boolean extendToLastSample(Path file) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      long[] box = Mp4Boxes.topLevel(ch, "moov");
      if (box == null || box[1] > Integer.MAX_VALUE) {
        return false;
      }
      long moovAt = box[0];
      long moovSize = box[1];
      ByteBuffer moov = Mp4Boxes.read(ch, moovAt, (int) moovSize);
      java.util.List<Boxes> traks = new java.util.ArrayList<>();
      int mvhd = findTraks(moov, 8, (int) moovSize, traks);
      if (mvhd < 0) {
        return false;
      }
      long movieScale = Mp4Boxes.timescale(moov, mvhd);
      boolean changed = false;
      for (Boxes t : traks) {
        long needed = extend(moov, t, movieScale);
        if (needed > 0) {
          setDuration(moov, t.tkhd, needed, true);
          setDuration(moov, mvhd, needed, false);
          changed = true;
        }
      }
      if (!changed) {
        return false;
      }
      moov.position(0);
      ch.write(moov, moovAt);
      return true;
    }
  }

  /** Top-level boxes of moov: mvhd's position (returned) and each trak's boxes. */
  private static int findTraks(ByteBuffer buf, int from, int to, java.util.List<Boxes> traks) {
    int mvhd = -1;
    int pos = from;
    while (pos + 8 <= to) {
      long size = buf.getInt(pos) & 0xffffffffL;
      if (size < 8 || pos + size > to) {
        break;
      }
      String type = Mp4Boxes.type(buf, pos + 4);
      if (type.equals("mvhd")) {
        mvhd = pos;
      } else if (type.equals("trak")) {
        Boxes b = new Boxes();
        walk(buf, pos + 8, (int) (pos + size), b);
        traks.add(b);
      }
      pos += (int) size;
    }
    return mvhd;
  }

  /**
   * The edit duration (movie timescale) that shows every sample of this track, when longer than the
   * one written (which is then replaced in {@code moov}); else 0.
   */
  private static long extend(ByteBuffer moov, Boxes b, long movieScale) {
    if (b.elst < 0 || b.stts < 0 || b.mdhd < 0) {
      return 0;
    }
    boolean subtitles = "sbtl".equals(b.handler) || "text".equals(b.handler) || "subt".equals(b.handler);
    long mediaScale = Mp4Boxes.timescale(moov, b.mdhd);
    int sttsCount = moov.getInt(b.stts + 12);
    boolean changed = false;
    if (sttsCount > 1 && moov.getInt(b.stts + 20 + 8 * (sttsCount - 1)) == 0) {
      // A last sample of no duration (mp4mux writes the last buffer's duration, and sources with bogus
      // frame durations give none) is never shown: give it its predecessor's. In a subtitle track the
      // last samples are empty ends of cue (mp4mux gives a sparse track's last sample no duration, see
      // TextSubtitles): one tick each, so that the cue before them keeps its length and nothing is added.
      int previous = subtitles ? 1 : moov.getInt(b.stts + 20 + 8 * (sttsCount - 2));
      long count = moov.getInt(b.stts + 16 + 8 * (sttsCount - 1)) & 0xffffffffL;
      moov.putInt(b.stts + 20 + 8 * (sttsCount - 1), previous);
      setDuration(moov, b.mdhd, mediaDuration(moov, b.mdhd) + count * (previous & 0xffffffffL), false);
      changed = true;
    }
    // Sample end times on the composition timeline.
    long[] latest = {Long.MIN_VALUE};
    Mp4Boxes.forEachSample(moov, b.stts, b.ctts, (cts, duration) -> latest[0] = Math.max(latest[0], cts + duration));
    long end = latest[0];
    int elstVersion = moov.get(b.elst + 8);
    int entries = moov.getInt(b.elst + 12);
    int entrySize = elstVersion == 1 ? 20 : 12;
    // One media edit, or an empty edit (the track starts after the movie: a subtitle track's first cue
    // can come before the video's first frame) and then one media edit.
    long empty = 0;
    if (entries == 2) {
      long firstMediaTime = elstVersion == 1 ? moov.getLong(b.elst + 24) : moov.getInt(b.elst + 20);
      if (firstMediaTime != -1) {
        return 0;
      }
      empty = elstVersion == 1 ? moov.getLong(b.elst + 16) : moov.getInt(b.elst + 16) & 0xffffffffL;
    } else if (entries != 1) {
      return 0;
    }
    int durAt = b.elst + 16 + entrySize * (entries - 1);
    long segDuration;
    long mediaTime;
    if (elstVersion == 1) {
      segDuration = moov.getLong(durAt);
      mediaTime = moov.getLong(durAt + 8);
    } else {
      segDuration = moov.getInt(durAt) & 0xffffffffL;
      mediaTime = moov.getInt(durAt + 4);
    }
    if (mediaTime < 0 || end == Long.MIN_VALUE) {
      return 0;
    }
    long needed = ceilDiv((end - mediaTime) * movieScale, mediaScale);
    if (needed <= segDuration) {
      return changed ? empty + segDuration : 0;
    }
    if (elstVersion == 1) {
      moov.putLong(durAt, needed);
    } else {
      if (needed > 0xffffffffL) {
        return 0;
      }
      moov.putInt(durAt, (int) needed);
    }
    return empty + needed;
  }

  private static final class Boxes {
    int traks;
    int mvhd = -1;
    int tkhd = -1;
    int elst = -1;
    int mdhd = -1;
    int stts = -1;
    int ctts = -1;
    String handler;
  }

  private static void walk(ByteBuffer buf, int from, int to, Boxes b) {
    int pos = from;
    while (pos + 8 <= to) {
      long size = buf.getInt(pos) & 0xffffffffL;
      String type = Mp4Boxes.type(buf, pos + 4);
      if (size < 8 || pos + size > to) {
        return;
      }
      switch (type) {
        case "trak":
          b.traks++;
          walk(buf, pos + 8, (int) (pos + size), b);
          break;
        case "edts", "mdia", "minf", "stbl":
          walk(buf, pos + 8, (int) (pos + size), b);
          break;
        case "mvhd":
          b.mvhd = pos;
          break;
        case "tkhd":
          b.tkhd = pos;
          break;
        case "elst":
          b.elst = pos;
          break;
        case "mdhd":
          b.mdhd = pos;
          break;
        case "stts":
          b.stts = pos;
          break;
        case "ctts":
          b.ctts = pos;
          break;
        case "hdlr":
          b.handler = Mp4Boxes.type(buf, pos + 16); // after size, type, version/flags, pre_defined
          break;
        default:
          break;
      }
      pos += (int) size;
    }
  }

  private static long mediaDuration(ByteBuffer buf, int mdhd) {
    int version = buf.get(mdhd + 8);
    return version == 1 ? buf.getLong(mdhd + 32) : buf.getInt(mdhd + 24) & 0xffffffffL;
  }

  /** mvhd: duration after the timescale; tkhd: after creation, modification, track id and 4 reserved bytes. */
  private static void setDuration(ByteBuffer buf, int box, long duration, boolean tkhd) {
    if (box < 0) {
      return;
    }
    int version = buf.get(box + 8);
    int at = tkhd
        ? box + 12 + (version == 1 ? 16 : 8) + 8
        : box + 12 + (version == 1 ? 16 : 8) + 4;
    if (version == 1) {
      if (buf.getLong(at) < duration) {
        buf.putLong(at, duration);
      }
    } else if ((buf.getInt(at) & 0xffffffffL) < duration && duration <= 0xffffffffL) {
      buf.putInt(at, (int) duration);
    }
  }

  private static long ceilDiv(long a, long b) {
    return -Math.floorDiv(-a, b);
  }
}
