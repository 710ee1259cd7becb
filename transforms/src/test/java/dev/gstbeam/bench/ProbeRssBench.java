package dev.gstbeam.bench;

import dev.gstbeam.internal.gst.GstProber;
import dev.gstbeam.internal.gst.ProbeOutcome;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Native memory over many probes in one JVM: probes the corpus round-robin, a new prober per "bundle"
 * of 100 files (as ProbeFn does per bundle), and prints the process RSS at checkpoints.
 *
 * <p>Usage: ProbeRssBench CORPUS_DIR TOTAL_PROBES [CHECKPOINT ...]
 */
public final class ProbeRssBench {
  public static void main(String[] args) throws IOException {
    Path corpus = Paths.get(args[0]);
    int total = Integer.parseInt(args[1]);
    List<Integer> checkpoints = new ArrayList<>();
    for (int i = 2; i < args.length; i++) {
      checkpoints.add(Integer.parseInt(args[i]));
    }
    List<Path> files;
    try (Stream<Path> s = Files.walk(corpus)) {
      files = s.filter(Files::isRegularFile).sorted().collect(Collectors.toList());
    }
    // In a job, files reach a worker in no particular order (after a reshuffle). Sorted, the first 200
    // probes would see only the corpus's first folders, and plugins loaded later for the other formats
    // would count as growth. A fixed seed keeps runs comparable.
    java.util.Collections.shuffle(files, new java.util.Random(20261124L));
    int ok = 0;
    int failed = 0;
    long start = System.nanoTime();
    GstProber prober = null;
    for (int n = 1; n <= total; n++) {
      if ((n - 1) % 100 == 0) {
        if (prober != null) {
          prober.close();
          dev.gstbeam.internal.gst.NativeHeap.trim(); // as a job's bundle ends (ProbingDoFn)
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
      if (checkpoints.contains(n)) {
        System.gc();
        long rss = rssKib();
        // What malloc keeps cached for reuse goes back to the system: what is left is live native memory
        // (a leak stays), so the trimmed figure is the steady one to compare across checkpoints.
        dev.gstbeam.internal.gst.NativeHeap.trim();
        System.out.printf(
            "probes=%d rss_kib=%d rss_trimmed_kib=%d heap_used_kib=%d ok=%d failed=%d elapsed_s=%.1f%n",
            n, rss, rssKib(), (Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory()) / 1024,
            ok, failed, (System.nanoTime() - start) / 1e9);
      }
    }
    if (prober != null) {
      prober.close();
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
