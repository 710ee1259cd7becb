package dev.gstbeam.bench;

import dev.gstbeam.internal.gst.GstProber;
import dev.gstbeam.internal.gst.NativeHeap;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * What {@code malloc_trim(0)} costs in a process that has probed for a while: 1,000 calls back to back
 * (little to return after the first), then one full pass over the corpus per policy, probe times with
 * and without a trim after every probe (a trim after each probe returns what that probe freed, and the
 * next probe faults those pages in again: both costs show in the per-probe time).
 *
 * <p>Usage: TrimCostBench CORPUS_DIR [WARMUP_PROBES]
 */
public final class TrimCostBench {
  public static void main(String[] args) throws IOException {
    Path corpus = Paths.get(args[0]);
    int warmup = args.length > 1 ? Integer.parseInt(args[1]) : 400;
    List<Path> files;
    try (Stream<Path> s = Files.walk(corpus)) {
      files = s.filter(Files::isRegularFile).sorted().collect(Collectors.toList());
    }
    Collections.shuffle(files, new Random(20261124L));
    GstProber prober = new GstProber(Duration.ofSeconds(30));
    for (int n = 0; n < warmup; n++) {
      if (n > 0 && n % 100 == 0) {
        prober.close();
        prober = new GstProber(Duration.ofSeconds(30));
      }
      Path f = files.get(n % files.size());
      prober.probe(f, f.toUri().toString(), Files.size(f));
    }
    System.gc();
    System.out.printf("after %d probes: rss_kib=%d%n", warmup, ProbeRssBench.rssKib());
    if (System.getenv("CURVE") != null) {
      // RSS as malloc's cache refills after a trim: k probes after it.
      int next = warmup;
      for (int rep = 0; rep < 4; rep++) {
        System.gc();
        NativeHeap.trim();
        StringBuilder line = new StringBuilder("curve rss_mb after trim: " + ProbeRssBench.rssKib() / 1024);
        for (int k = 1; k <= 100; k++) {
          Path f = files.get(next++ % files.size());
          prober.probe(f, f.toUri().toString(), Files.size(f));
          if (k == 1 || k == 2 || k == 5 || k == 10 || k == 20 || k == 50 || k == 100) {
            line.append(" k").append(k).append('=').append(ProbeRssBench.rssKib() / 1024);
          }
        }
        System.out.println(line);
      }
      prober.close();
      return;
    }
    long t0 = System.nanoTime();
    NativeHeap.trim();
    long first = System.nanoTime() - t0;
    System.out.printf("first trim: %.2f ms, rss_kib=%d%n", first / 1e6, ProbeRssBench.rssKib());
    t0 = System.nanoTime();
    for (int i = 0; i < 1000; i++) {
      NativeHeap.trim();
    }
    long thousand = System.nanoTime() - t0;
    System.out.printf("1000 trims back to back: %.1f ms (%.3f ms each), rss_kib=%d%n", thousand / 1e6,
        thousand / 1e6 / 1000, ProbeRssBench.rssKib());
    String[] policies = {"none", "each", "none", "each"};
    for (String policy : policies) {
      long probeNanos = 0;
      long trimNanos = 0;
      long maxTrim = 0;
      for (Path f : files) {
        long a = System.nanoTime();
        prober.probe(f, f.toUri().toString(), Files.size(f));
        long b = System.nanoTime();
        probeNanos += b - a;
        if (policy.equals("each")) {
          NativeHeap.trim();
          long c = System.nanoTime() - b;
          trimNanos += c;
          maxTrim = Math.max(maxTrim, c);
        }
      }
      System.gc();
      System.out.printf("policy=%s probes=%d probe_ms_mean=%.2f trim_ms_mean=%.3f trim_ms_max=%.2f rss_kib=%d%n",
          policy, files.size(), probeNanos / 1e6 / files.size(), trimNanos / 1e6 / files.size(), maxTrim / 1e6,
          ProbeRssBench.rssKib());
    }
    prober.close();
  }
}
