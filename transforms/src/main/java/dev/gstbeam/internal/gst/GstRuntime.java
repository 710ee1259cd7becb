package dev.gstbeam.internal.gst;

import org.freedesktop.gstreamer.Gst;
import org.freedesktop.gstreamer.GstException;
import org.freedesktop.gstreamer.Version;

/**
 * GStreamer, initialised once per JVM (or per classloader that loads gst1-java-core: on Flink, put
 * gst1-java-core and JNA on the parent-first classpath so jobs share one). Never deinitialised.
 */
public final class GstRuntime {
  private static final Object LOCK = new Object();
  private static volatile boolean ready;
  private static volatile RuntimeException failure;

  private GstRuntime() {}

  /**
   * Initialises GStreamer if nothing in this JVM has. Throws {@link IllegalStateException} with a fix
   * hint when the native libraries are missing; the failure is remembered so each call fails fast.
   */
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(GstRuntime.class);

  public static void ensureInitialized() {
    if (ready) {
      return;
    }
    synchronized (LOCK) {
      if (ready) {
        return;
      }
      if (failure != null) {
        throw failure;
      }
      try {
        NativeHeap.fixMmapThreshold(); // before GStreamer allocates; again per classloader: idempotent
        if (!Gst.isInitialized()) {
          NativeHeap.checkArenaLimit();
          Gst.init(Version.of(1, 16), "gstbeam");
          preferRobustDecoders();
          LOG.info("{} initialised in this JVM", Gst.getVersionString());
        } else {
          // A later job on a Flink TaskManager: GStreamer is on the parent-first class path and shared.
          LOG.info("GStreamer already initialised in this JVM; shared");
        }
        ready = true;
      } catch (GstException | UnsatisfiedLinkError | NoClassDefFoundError e) {
        failure =
            new IllegalStateException(
                "GStreamer 1.16+ is not available to this JVM ("
                    + e.getMessage()
                    + "). On Debian/Ubuntu: apt-get install gstreamer1.0-tools"
                    + " gstreamer1.0-plugins-base gstreamer1.0-plugins-good gstreamer1.0-plugins-bad"
                    + " gstreamer1.0-plugins-ugly gstreamer1.0-libav",
                e);
        throw failure;
      }
    }
  }

  /**
   * a52dec (liba52) corrupts the heap on damaged AC-3 and takes the whole JVM down (found by fuzzing:
   * testdata/fuzz, the .ps fixtures); FFmpeg's AC-3 decoder, the one the ffmpeg/ffprobe oracle uses,
   * reads the same inputs. When both are here, a52dec goes below it. Likewise dtsdec below avdec_dca.
   */
  static void preferRobustDecoders() {
    below("a52dec", "avdec_ac3");
    // dtsdec (libdca) prints "Stream with high frequencies VQ coding" to the process's stdout for every
    // such DTS stream (the demo's output was full of it); FFmpeg's DTS decoder is the oracle's and quiet.
    below("dtsdec", "avdec_dca");
  }

  private static void below(String demoted, String preferred) {
    org.freedesktop.gstreamer.ElementFactory d = org.freedesktop.gstreamer.ElementFactory.find(demoted);
    org.freedesktop.gstreamer.ElementFactory p = org.freedesktop.gstreamer.ElementFactory.find(preferred);
    if (d != null && p != null && d.getRank() >= p.getRank()) {
      d.setRank(Math.max(0, p.getRank() - 1));
    }
  }

  /** The GStreamer version string, initialising if needed. */
  public static String version() {
    ensureInitialized();
    return Gst.getVersionString();
  }
}
