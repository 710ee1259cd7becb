package dev.gstbeam.internal.gst;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Platform;
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
 */
public final class NativeHeap {
  private static final Logger LOG = LoggerFactory.getLogger(NativeHeap.class);

  private NativeHeap() {}

  private interface LibC extends Library {
    int malloc_trim(long pad);
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

  /** Returns free C-heap pages of every arena to the system (glibc); a no-op elsewhere. */
  public static void trim() {
    if (LIBC != null) {
      LIBC.malloc_trim(0);
    }
  }
}
