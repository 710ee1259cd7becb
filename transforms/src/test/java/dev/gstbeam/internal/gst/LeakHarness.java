package dev.gstbeam.internal.gst;

import dev.gstbeam.internal.transcode.Profile;
import dev.gstbeam.internal.transcode.Profiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Native memory of one code path over many runs in one JVM: prints the process RSS every
 * {@code EVERY} runs after a warm-up, so that growth can be told apart from start-up allocation.
 * Run with {@code GST_TRACERS=leaks GST_DEBUG=GST_TRACER:7} to have GStreamer list, at exit, the
 * objects still alive.
 *
 * <p>Usage: LeakHarness MODE N WARMUP FILE... ; MODE is {@code scan} (StreamScan to preroll),
 * {@code scan-end} (to the end), {@code probe} (GstProber, a new one per 100 files) or
 * {@code transcode} (Transcoder.transcode, mp4-h264-aac ultrafast, into a temporary file).
 *
 * <p>Environment: {@code HARNESS_EVERY} (print interval), {@code HARNESS_NO_GC} (no System.gc before a
 * sample), {@code HARNESS_NO_TRIM} (no malloc_trim before a sample), {@code LEAK_SELFTEST} (leaks one
 * caps on purpose, to check that the tracer reports).
 */
public final class LeakHarness {
  private static final int EVERY = 100;
  private static final List<Object> SELFTEST = new ArrayList<>();
  private static final Profile PROFILE = Profiles.resolve("mp4-h264-aac").withPreset("ultrafast");

  public static void main(String[] args) throws Exception {
    String mode = args[0];
    int n = Integer.parseInt(args[1]);
    int warmup = Integer.parseInt(args[2]);
    List<Path> files = new ArrayList<>();
    for (int i = 3; i < args.length; i++) {
      files.add(Paths.get(args[i]));
    }
    Duration timeout = Duration.ofSeconds(30);
    GstProber prober = null;
    Path out = Files.createTempFile("leak-harness", ".mp4");
    int failed = 0;
    long warmRss = -1;
    long start = System.nanoTime();
    int every = System.getenv("HARNESS_EVERY") != null ? Integer.parseInt(System.getenv("HARNESS_EVERY"))
        : mode.equals("transcode") ? 20 : EVERY;
    for (int i = 1; i <= n; i++) {
      Path f = files.get((i - 1) % files.size());
      boolean ok;
      switch (mode) {
        case "scan":
        case "scan-end":
          ok = StreamScan.scan(f, mode.equals("scan-end"), timeout).outcome().ok();
          break;
        case "probe":
          if ((i - 1) % 100 == 0) {
            if (prober != null) {
              prober.close();
            }
            prober = new GstProber(timeout);
          }
          ok = prober.probe(f, f.toUri().toString(), Files.size(f)).succeeded();
          break;
        case "transcode":
          ok = Transcoder.transcode(f, out, PROFILE, Duration.ofMinutes(2), 1).ok();
          break;
        default:
          throw new IllegalArgumentException(mode);
      }
      if (!ok) {
        if (failed++ < 5) {
          System.out.println("failed: " + f);
        }
      }
      if (i == warmup || (i > warmup && i % every == 0) || i == n) {
        if (System.getenv("HARNESS_NO_GC") == null) {
          System.gc();
        }
        if (System.getenv("HARNESS_NO_TRIM") == null) {
          NativeHeap.trim();
        }
        long rss = rssKib();
        if (i == warmup) {
          warmRss = rss;
        }
        System.out.printf("%s runs=%d rss_kib=%d growth=%s failed=%d elapsed_s=%.1f%n", mode, i, rss,
            warmRss > 0 ? String.format("%+.1f%%", 100.0 * (rss - warmRss) / warmRss) : "-", failed,
            (System.nanoTime() - start) / 1e9);
      }
    }
    if (prober != null) {
      prober.close();
    }
    Files.deleteIfExists(out);
    // Drop Java proxies so that what the leaks tracer lists at exit is what native code still holds.
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(200);
    }
    if (System.getenv("GST_TRACERS") != null) {
      if (System.getenv("LEAK_SELFTEST") != null) {
        SELFTEST.add(new org.freedesktop.gstreamer.Caps("audio/x-selftest"));
      }
      System.out.println("deinit");
      org.freedesktop.gstreamer.Gst.deinit(); // the leaks tracer reports at deinit
      System.out.println("deinit done");
    }
  }

  static long rssKib() throws IOException {
    for (String line : Files.readAllLines(Paths.get("/proc/self/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    return -1;
  }
}
