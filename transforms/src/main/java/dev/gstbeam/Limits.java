package dev.gstbeam;

import dev.gstbeam.model.MediaInfo;
import dev.gstbeam.model.Stream;
import java.io.Serializable;
import java.util.Locale;
import java.util.Map;

/**
 * Bounds against decompression bombs and absurd inputs, checked before anything is decoded: the file's
 * size before it is read at all (a remote object is not even copied), then frame size, duration and
 * stream count from the container's headers. An input over a bound fails with
 * {@link FailureReason#LIMIT_EXCEEDED} and a message naming the bound.
 *
 * <p>Defaults are generous for archives (8K and 12K scans, day-long recordings, 100 subtitle tracks)
 * and still stop what no archive holds: 16384x8192 pixels (134 megapixels) per frame, 48 hours, 512
 * streams, 1 TiB.
 */
public final class Limits implements Serializable {
  private static final long serialVersionUID = 1L;

  private final long maxPixels;
  private final double maxDurationSeconds;
  private final int maxStreams;
  private final long maxFileBytes;

  private Limits(long maxPixels, double maxDurationSeconds, int maxStreams, long maxFileBytes) {
    this.maxPixels = maxPixels;
    this.maxDurationSeconds = maxDurationSeconds;
    this.maxStreams = maxStreams;
    this.maxFileBytes = maxFileBytes;
  }

  public static Limits defaults() {
    return new Limits(16384L * 8192, 48 * 3600.0, 512, 1L << 40);
  }

  public Limits withMaxPixels(long pixels) {
    return new Limits(positive(pixels, "pixels"), maxDurationSeconds, maxStreams, maxFileBytes);
  }

  public Limits withMaxDurationSeconds(double seconds) {
    if (!(seconds > 0)) {
      throw new IllegalArgumentException("limit duration must be positive, was " + seconds);
    }
    return new Limits(maxPixels, seconds, maxStreams, maxFileBytes);
  }

  public Limits withMaxStreams(int streams) {
    return new Limits(maxPixels, maxDurationSeconds, (int) positive(streams, "streams"), maxFileBytes);
  }

  public Limits withMaxFileBytes(long bytes) {
    return new Limits(maxPixels, maxDurationSeconds, maxStreams, positive(bytes, "file-size"));
  }

  public long maxPixels() {
    return maxPixels;
  }

  public double maxDurationSeconds() {
    return maxDurationSeconds;
  }

  public int maxStreams() {
    return maxStreams;
  }

  public long maxFileBytes() {
    return maxFileBytes;
  }

  /**
   * Limits from {@code key=value} settings: {@code pixels} (count, or with K/M/G: {@code 36M}, or
   * {@code WxH}), {@code duration} (seconds, or with s/m/h: {@code 6h}), {@code streams} (count),
   * {@code file-size} (bytes, or with K/M/G/T, powers of 1024). Unset keys keep their defaults.
   *
   * @throws IllegalArgumentException naming the bad key or value and the valid ones
   */
  public static Limits parse(Map<String, String> settings) {
    Limits l = defaults();
    for (Map.Entry<String, String> e : settings.entrySet()) {
      String k = e.getKey().trim().toLowerCase(Locale.ROOT);
      String v = e.getValue().trim();
      try {
        switch (k) {
          case "pixels":
            l = l.withMaxPixels(v.toLowerCase(Locale.ROOT).contains("x") ? area(v) : count(v, 1000));
            break;
          case "duration":
            l = l.withMaxDurationSeconds(seconds(v));
            break;
          case "streams":
            l = l.withMaxStreams(Math.toIntExact(count(v, 1000)));
            break;
          case "file-size":
            l = l.withMaxFileBytes(count(v, 1024));
            break;
          default:
            throw new IllegalArgumentException("unknown limit '" + e.getKey()
                + "' (valid: pixels, duration, streams, file-size)");
        }
      } catch (NumberFormatException | ArithmeticException ex) {
        throw new IllegalArgumentException("limit " + k + ": not a valid value: '" + v + "'");
      }
    }
    return l;
  }

  /** Null when {@code sizeBytes} is within bounds, else why not. */
  public String fileSizeProblem(long sizeBytes) {
    if (sizeBytes > maxFileBytes) {
      return String.format(Locale.ROOT, "file size %s exceeds the limit of %s (--limit file-size=...)",
          bytes(sizeBytes), bytes(maxFileBytes));
    }
    return null;
  }

  /** Null when the probed input is within bounds, else why not (the first bound it crosses). */
  public String problem(long sizeBytes, MediaInfo media) {
    String size = fileSizeProblem(sizeBytes);
    if (size != null) {
      return size;
    }
    int streams = media.getStreams().size();
    if (streams > maxStreams) {
      return streams + " streams exceed the limit of " + maxStreams + " (--limit streams=...)";
    }
    for (Stream s : media.getStreams()) {
      if ("video".equals(s.getType()) && s.getWidth() != null && s.getHeight() != null) {
        long px = (long) s.getWidth() * s.getHeight();
        if (px > maxPixels) {
          if (maxPixels < 1_000_000) {
            return String.format(Locale.ROOT, "frame %dx%d (%d pixels) exceeds the limit of %d pixels"
                + " (--limit pixels=...)", s.getWidth(), s.getHeight(), px, maxPixels);
          }
          return String.format(Locale.ROOT, "frame %dx%d (%.1f megapixels) exceeds the limit of %.1f megapixels"
              + " (--limit pixels=...)", s.getWidth(), s.getHeight(), px / 1e6, maxPixels / 1e6);
        }
      }
    }
    Double d = media.getDurationSeconds();
    if (d != null && d > maxDurationSeconds) {
      return String.format(Locale.ROOT, "duration %.0f s exceeds the limit of %.0f s (--limit duration=...)",
          d, maxDurationSeconds);
    }
    return null;
  }

  private static long positive(long v, String what) {
    if (v <= 0) {
      throw new IllegalArgumentException("limit " + what + " must be positive, was " + v);
    }
    return v;
  }

  private static long count(String v, long unit) {
    String s = v.toUpperCase(Locale.ROOT);
    long mul = 1;
    char last = s.isEmpty() ? ' ' : s.charAt(s.length() - 1);
    int power = "KMGT".indexOf(last) + 1;
    if (power > 0) {
      for (int i = 0; i < power; i++) {
        mul = Math.multiplyExact(mul, unit);
      }
      s = s.substring(0, s.length() - 1);
    }
    return Math.multiplyExact(Long.parseLong(s.trim()), mul);
  }

  private static long area(String v) {
    String[] wh = v.toLowerCase(Locale.ROOT).split("x");
    if (wh.length != 2) {
      throw new NumberFormatException(v);
    }
    return Math.multiplyExact(Long.parseLong(wh[0].trim()), Long.parseLong(wh[1].trim()));
  }

  private static double seconds(String v) {
    String s = v.toLowerCase(Locale.ROOT);
    double mul = 1;
    if (s.endsWith("h")) {
      mul = 3600;
    } else if (s.endsWith("m")) {
      mul = 60;
    }
    if (s.endsWith("h") || s.endsWith("m") || s.endsWith("s")) {
      s = s.substring(0, s.length() - 1);
    }
    return Double.parseDouble(s.trim()) * mul;
  }

  private static String bytes(long b) {
    if (b >= 1L << 30) {
      return String.format(Locale.ROOT, "%.1f GiB", b / (double) (1L << 30));
    }
    return String.format(Locale.ROOT, "%.1f MiB", b / (double) (1L << 20));
  }

  @Override
  public String toString() {
    return String.format(Locale.ROOT, "pixels=%d, duration=%.0fs, streams=%d, file-size=%d", maxPixels,
        maxDurationSeconds, maxStreams, maxFileBytes);
  }
}
