package dev.gstbeam.internal.segment;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The tracks of an MP4/MOV/3GP as its boxes list them: handler, sample count, duration. Pure Java. It lets
 * a migration see a track GStreamer does not expose: GStreamer 1.22's qtdemux skips every track whose
 * media duration is under 20 % of the movie's ("assuming preview image or something"), so a file
 * whose only video lasts 0.05 s beside 1 s of audio looked like an audio file and lost its video.
 */
public final class Mp4Tracks {
  private Mp4Tracks() {}

  /**
   * One track.
   *
   * @param handler the handler type ({@code vide}, {@code soun}, {@code text}, …)
   * @param samples its sample count (stsz)
   * @param seconds its media duration (mdhd)
   * @param skippedByQtdemux whether GStreamer 1.22's qtdemux skips it for being short, by its own test
   */
  public record Track(String handler, long samples, double seconds, boolean skippedByQtdemux) {}

  /** The file's tracks in order; empty when it is not an MP4/MOV, is fragmented, or cannot be read. */
  public static List<Track> of(Path file) {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      if (Mp4Boxes.topLevel(ch, "moof") != null) {
        return List.of(); // fragmented: samples and durations live in the fragments
      }
      ByteBuffer moov = Mp4Boxes.moov(ch);
      return moov == null ? List.of() : of(moov);
    } catch (IOException | RuntimeException e) {
      return List.of();
    }
  }

  static List<Track> of(ByteBuffer moov) {
    int mvhd = Mp4Boxes.child(moov, 0, moov.limit(), "mvhd");
    if (mvhd < 0) {
      return List.of();
    }
    long movieScale = Mp4Boxes.timescale(moov, mvhd);
    long movieDuration = Mp4Boxes.duration(moov, mvhd);
    List<Track> tracks = new ArrayList<>();
    for (int trak : Mp4Boxes.traks(moov)) {
      Track t = track(moov, trak, movieScale, movieDuration);
      if (t != null) {
        tracks.add(t);
      }
    }
    return tracks;
  }

  private static Track track(ByteBuffer moov, int trak, long movieScale, long movieDuration) {
    String handler = Mp4Boxes.handler(moov, trak);
    int mdia = Mp4Boxes.child(moov, trak, moov.getInt(trak), "mdia");
    if (handler == null || mdia < 0) {
      return null;
    }
    int mdiaSize = moov.getInt(mdia);
    int mdhd = Mp4Boxes.child(moov, mdia, mdiaSize, "mdhd");
    int minf = Mp4Boxes.child(moov, mdia, mdiaSize, "minf");
    int stbl = minf < 0 ? -1 : Mp4Boxes.child(moov, minf, moov.getInt(minf), "stbl");
    int stsz = stbl < 0 ? -1 : Mp4Boxes.child(moov, stbl, moov.getInt(stbl), "stsz");
    if (mdhd < 0) {
      return null;
    }
    long scale = Mp4Boxes.timescale(moov, mdhd);
    long duration = Mp4Boxes.duration(moov, mdhd);
    long samples = stsz < 0 || stsz + 20 > moov.limit() ? 0 : moov.getInt(stsz + 16) & 0xffffffffL;
    // qtdemux_parse_trak (1.22): tdur1 = track timescale x movie duration, tdur2 = movie timescale x track
    // duration; skipped when tdur1 != 0 and tdur2 * 10 / tdur1 < 2, with both durations known.
    boolean skipped = false;
    if (movieDuration != 0xffffffffL && duration != 0xffffffffL) {
      BigInteger tdur1 = BigInteger.valueOf(scale).multiply(BigInteger.valueOf(movieDuration));
      BigInteger tdur2 = BigInteger.valueOf(movieScale).multiply(BigInteger.valueOf(duration));
      skipped = tdur1.signum() != 0 && tdur2.multiply(BigInteger.TEN).divide(tdur1).compareTo(BigInteger.TWO) < 0;
    }
    return new Track(handler, samples, scale > 0 ? (double) duration / scale : 0, skipped);
  }
}
