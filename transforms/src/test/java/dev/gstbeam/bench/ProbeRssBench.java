package dev.gstbeam.bench;

import dev.gstbeam.internal.gst.GstProber;
import dev.gstbeam.internal.gst.NativeHeap;
import dev.gstbeam.internal.gst.ProbeOutcome;
import dev.gstbeam.internal.gst.Transcoder;
import dev.gstbeam.internal.transcode.Profile;
import dev.gstbeam.internal.transcode.Profiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Native memory over many probes and transcodes in one JVM: probes the corpus round-robin in a shuffled
 * order, a new prober per "bundle" of 100 files (as ProbingDoFn does per bundle), and, with
 * {@code -Dbench.transcodes=N}, one transcode (the library's {@link Transcoder}, mp4-h264-aac ultrafast,
 * one encoder thread) of a short clip after every PROBES/N probes. Nothing here trims malloc's heap that
 * the library would not trim itself: what the library does after a probe, a transcode or a closed
 * prober is what a job gets.
 *
 * <p>At each checkpoint (a probe count) it prints, after a full GC, the process RSS (the figure that
 * counts), then the RSS after an extra {@code malloc_trim(0)} (live native memory: what malloc keeps
 * cached for reuse goes back to the system, a leak stays). At the end: growth of the last and of the
 * largest checkpoint after warm-up against the warm-up checkpoint.
 *
 * <p>Usage: ProbeRssBench CORPUS_DIR TOTAL_PROBES [CHECKPOINT ...]; system properties
 * {@code bench.transcodes} (default 0), {@code bench.clip} (the file to transcode), {@code bench.warmup}
 * (the checkpoint that ends the warm-up; default the first checkpoint ≥ 1,000 probes).
 */
public final class ProbeRssBench {
  private static final Profile PROFILE = Profiles.resolve("mp4-h264-aac").withPreset("ultrafast");

  public static void main(String[] args) throws IOException {
    Path corpus = Paths.get(args[0]);
    int total = Integer.parseInt(args[1]);
    List<Integer> checkpoints = new ArrayList<>();
    for (int i = 2; i < args.length; i++) {
      checkpoints.add(Integer.parseInt(args[i]));
    }
    int transcodes = Integer.getInteger("bench.transcodes", 0);
    int transcodeEvery = transcodes > 0 ? Math.max(1, total / transcodes) : Integer.MAX_VALUE;
    Path clip = transcodes > 0 ? Paths.get(System.getProperty("bench.clip")) : null;
    int warmup = Integer.getInteger("bench.warmup",
        checkpoints.stream().filter(c -> c >= 1000).findFirst().orElse(checkpoints.isEmpty() ? 0 : checkpoints.get(0)));
    List<Path> files;
    try (Stream<Path> s = Files.walk(corpus)) {
      files = s.filter(Files::isRegularFile).sorted().collect(Collectors.toList());
    }
    // In a job, files reach a worker in no particular order (after a reshuffle). Sorted, the first 200
    // probes would see only the corpus's first folders, and plugins loaded later for the other formats
    // would count as growth. A fixed seed keeps runs comparable.
    Collections.shuffle(files, new Random(20261124L));
    Path out = Files.createTempFile("probe-rss-bench", ".mp4");
    int ok = 0;
    int failed = 0;
    int transcoded = 0;
    int transcodeFailed = 0;
    long warmRss = -1;
    long warmTrimmed = -1;
    long lastRss = -1;
    long maxRss = -1;
    long minRss = Long.MAX_VALUE;
    int maxAt = -1;
    long lastTrimmed = -1;
    long maxTrimmed = -1;
    long start = System.nanoTime();
    GstProber prober = null;
    for (int n = 1; n <= total; n++) {
      if ((n - 1) % 100 == 0) {
        if (prober != null) {
          prober.close(); // as a job's bundle ends (ProbingDoFn)
        }
        prober = new GstProber(Duration.ofSeconds(30));
      }
      Path f = files.get((n - 1) % files.size());
      ProbeOutcome o = prober.probe(f, f.toUri().toString(), Files.size(f));
      if (o.succeeded()) {
        ok++;
      } else {
        failed++;
      }
      if (n % transcodeEvery == 0 && transcoded < transcodes) {
        transcoded++;
        if (!Transcoder.transcode(clip, out, PROFILE, Duration.ofMinutes(2), 1).ok()) {
          transcodeFailed++;
        }
      }
      if (checkpoints.contains(n)) {
        System.gc();
        long gcRss = rssKib();
        long rss = settledRssKib(gcRss);
        // Extra trim, bench only (the next checkpoint is hundreds of probes away, malloc's cache refills
        // within about a hundred): the second column, live native memory.
        NativeHeap.trim();
        long trimmed = rssKib();
        System.out.printf(
            "probes=%d transcodes=%d rss_kib=%d rss_trimmed_kib=%d rss_at_gc_kib=%d heap_used_kib=%d ok=%d"
                + " failed=%d transcode_failed=%d elapsed_s=%.1f%n",
            n, transcoded, rss, trimmed, gcRss,
            (Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory()) / 1024,
            ok, failed, transcodeFailed, (System.nanoTime() - start) / 1e9);
        if (n == warmup) {
          warmRss = rss;
          warmTrimmed = trimmed;
        } else if (n > warmup && warmRss > 0) {
          if (rss > maxRss) {
            maxRss = rss;
            maxAt = n;
          }
          minRss = Math.min(minRss, rss);
          maxTrimmed = Math.max(maxTrimmed, trimmed);
          lastRss = rss;
          lastTrimmed = trimmed;
        }
      }
    }
    if (prober != null) {
      prober.close();
    }
    Files.deleteIfExists(out);
    if (warmRss > 0 && lastRss > 0) {
      System.out.printf("warm-up at %d probes: rss %d MB (trimmed %d MB)%n", warmup, warmRss / 1024, warmTrimmed / 1024);
      System.out.printf("final vs warm-up: rss %+.1f %% (trimmed %+.1f %%)%n", pct(lastRss, warmRss),
          pct(lastTrimmed, warmTrimmed));
      System.out.printf("max after warm-up (at %d probes) vs warm-up: rss %+.1f %% (max trimmed %+.1f %%)%n", maxAt,
          pct(maxRss, warmRss), pct(maxTrimmed, warmTrimmed));
      System.out.printf("checkpoints after warm-up: rss %d..%d MB (max %+.1f %% over min)%n", minRss / 1024,
          maxRss / 1024, pct(maxRss, minRss));
    }
  }

  /**
   * RSS once it stops moving after a full GC: G1 gives unused heap regions back on a thread of its own
   * right after the collection (tens of MB here), so a reading taken at once depends on how far it got.
   * Nothing else runs meanwhile (no probe, no transcode, so no trim by the library either).
   */
  static long settledRssKib(long previous) throws IOException {
    for (int i = 0; i < 25; i++) {
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
      long now = rssKib();
      if (Math.abs(now - previous) < 512) {
        return now;
      }
      previous = now;
    }
    return previous;
  }

  private static double pct(long v, long base) {
    return 100.0 * (v - base) / base;
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
