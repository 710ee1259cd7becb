package dev.gstbeam.internal.gst;

import com.sun.jna.Platform;

/** Shared-library names as JNA should load them on this platform. */
final class GstLibraries {
  private GstLibraries() {}

  /**
   * Runtime packages (no -dev) ship only the versioned file, e.g. {@code libgstreamer-1.0.so.0}; JNA
   * finds versioned names on Linux when given the base name, and on macOS and Windows the base name is
   * what they use.
   */
  static String name(String base) {
    if (Platform.isWindows()) {
      return base + "-0";
    }
    return base;
  }
}
