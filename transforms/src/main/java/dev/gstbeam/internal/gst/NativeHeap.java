package dev.gstbeam.internal.gst;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Platform;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The C heap that GStreamer allocates from. Every pipeline brings streaming threads, and glibc gives
 * threads their own malloc arenas (up to eight per core); what a finished pipeline freed stays mapped
 * in them, fragmented, so the process RSS climbs with the number of pipelines run although nothing
 * leaks. Measured over 2,000 probes in one JVM (bench/probe-rss.sh): 345 MB to 821 MB with glibc's
 * defaults, 227 MB to 247 MB with {@code MALLOC_ARENA_MAX=2} and a trim per bundle.
 *
 * <p>glibc fixes the arena limit when the process starts its second thread, so it can only come from
 * the environment ({@code MALLOC_ARENA_MAX}, or {@code GLIBC_TUNABLES=glibc.malloc.arena_max=N}):
 * {@code ./gstbeam} and the cluster launcher set it; a JVM started otherwise is told once, in the log.
 * {@link #trim()} hands free pages back to the system when a bundle's GStreamer work ends.
 *
 * <p>The mmap threshold, by contrast, can be set at any time, and {@link #fixMmapThreshold()} does so
 * when GStreamer is initialised. glibc serves a block of 128 KiB or more with its own mapping, returned
 * to the system when freed, but it raises that threshold (up to 32 MiB) each time such a block is freed.
 * Demuxed frames, decoded pictures, encoder buffers: after a few pipelines, blocks of megabytes come from
 * the arenas instead and, freed, stay there as malloc's cache until the next trim, fragmented. Over
 * 5,000 probes and 200 transcodes in one JVM (bench/probe-rss.sh, docs/BENCHMARKS.md) RSS grew 21 %
 * after warm-up (296 to 358 MB); with the threshold held at glibc's initial 128 KiB it stayed within
 * 1.6-3.3 % (212-221 MB), for about 15 % more CPU (system time: mapping and faulting those blocks in)
 * and, on a loaded 2-core machine, probing that took longer in wall time (the trade-off is measured in
 * docs/BENCHMARKS.md; {@code MALLOC_MMAP_THRESHOLD_} in the environment overrides it).
 */
public final class NativeHeap {
  private static final Logger LOG = LoggerFactory.getLogger(NativeHeap.class);

  /** glibc's initial mmap threshold (and trim threshold), held there instead of rising. */
  static final int MMAP_THRESHOLD = 128 * 1024;

  private static final int M_TRIM_THRESHOLD = -1;
  private static final int M_MMAP_THRESHOLD = -3;

  /** Settings by which a user has tuned these thresholds (or switched their adjustment off) already. */
  private static final List<String> TUNING_VARIABLES =
      List.of("MALLOC_MMAP_THRESHOLD_", "MALLOC_TRIM_THRESHOLD_", "MALLOC_TOP_PAD_", "MALLOC_MMAP_MAX_");
  private static final List<String> TUNABLES =
      List.of("glibc.malloc.mmap_threshold", "glibc.malloc.trim_threshold", "glibc.malloc.top_pad",
          "glibc.malloc.mmap_max");

  private NativeHeap() {}

  private interface LibC extends Library {
    int malloc_trim(long pad);

    int mallopt(int param, int value);
  }

  private static final LibC LIBC = load();

  private static LibC load() {
    if (!Platform.isLinux()) {
      return null;
    }
    try {
      LibC libc = Native.load("c", LibC.class);
      libc.malloc_trim(0); // glibc only (musl has no malloc_trim): fail here, not later
      return libc;
    } catch (UnsatisfiedLinkError e) {
      return null;
    }
  }

  /** Logs, once per JVM, when glibc's arena count is left at its default (see the class comment). */
  static void checkArenaLimit() {
    String tunables = System.getenv("GLIBC_TUNABLES");
    if (LIBC != null && System.getenv("MALLOC_ARENA_MAX") == null
        && (tunables == null || !tunables.contains("arena_max"))) {
      LOG.info("MALLOC_ARENA_MAX is not set: GStreamer's native memory will grow with the pipelines this"
          + " JVM runs (fragmented malloc arenas). Start the JVM with MALLOC_ARENA_MAX=2.");
    }
  }

  /**
   * Holds glibc's mmap and trim thresholds at their initial 128 KiB (see the class comment), unless the
   * environment tunes them already. Process-wide and idempotent; a no-op without glibc.
   */
  static void fixMmapThreshold() {
    if (LIBC == null || tunedByUser(System.getenv())) {
      return;
    }
    // mallopt returns 1 on success. Setting either threshold also ends glibc's dynamic adjustment.
    if (LIBC.mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD) != 1 || LIBC.mallopt(M_TRIM_THRESHOLD, MMAP_THRESHOLD) != 1) {
      LOG.warn("mallopt refused the mmap threshold: native memory may swing by ~100 MB between trims");
    }
  }

  /** Whether {@code env} sets one of glibc's threshold settings (then gstbeam leaves them alone). */
  static boolean tunedByUser(Map<String, String> env) {
    if (TUNING_VARIABLES.stream().anyMatch(env::containsKey)) {
      return true;
    }
    String tunables = env.get("GLIBC_TUNABLES");
    return tunables != null && TUNABLES.stream().anyMatch(tunables::contains);
  }

  /** Returns free C-heap pages of every arena to the system (glibc); a no-op elsewhere. */
  public static void trim() {
    if (LIBC != null) {
      LIBC.malloc_trim(0);
    }
  }
}
