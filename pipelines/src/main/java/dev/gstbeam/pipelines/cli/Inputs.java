package dev.gstbeam.pipelines.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/** Turns what users type for --input/--output into what Beam's file systems match. */
final class Inputs {
  private Inputs() {}

  /** A URI pattern stays; a local directory means everything below it; relative paths become absolute. */
  static String pattern(String input) {
    if (hasScheme(input)) {
      return input;
    }
    Path p = Paths.get(input);
    if (!containsGlob(input) && Files.isDirectory(p)) {
      return p.toAbsolutePath().normalize() + "/**";
    }
    return p.isAbsolute() ? input : Paths.get("").toAbsolutePath().resolve(input).toString();
  }

  static String outputDir(String output) {
    if (hasScheme(output)) {
      return output;
    }
    return Paths.get(output).toAbsolutePath().normalize().toString();
  }

  /**
   * How many files {@code pattern} matches outside {@code outputRoot}, for progress on a remote cluster
   * (whose own count is not visible from here); 0 when not known cheaply.
   */
  static long count(String pattern, String outputRoot) {
    if (pattern.contains("**") && hasScheme(pattern) && !pattern.startsWith("file://")) {
      return 0; // listed by the job itself (see MatchFiles)
    }
    try {
      org.apache.beam.sdk.io.fs.MatchResult m = org.apache.beam.sdk.io.FileSystems.match(pattern,
          org.apache.beam.sdk.io.fs.EmptyMatchTreatment.ALLOW);
      String root = outputRoot.endsWith("/") ? outputRoot : outputRoot + "/";
      return m.metadata().stream().filter(md -> !md.resourceId().isDirectory())
          .filter(md -> !md.resourceId().toString().startsWith(root)).count();
    } catch (java.io.IOException | RuntimeException e) {
      return 0;
    }
  }

  static boolean hasScheme(String s) {
    int colon = s.indexOf("://");
    return colon > 0 && s.substring(0, colon).matches("[a-zA-Z][a-zA-Z0-9+.-]*");
  }

  private static boolean containsGlob(String s) {
    return s.contains("*") || s.contains("?") || s.contains("[") || s.contains("{");
  }
}
