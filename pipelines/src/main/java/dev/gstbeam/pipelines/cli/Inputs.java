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

  static boolean hasScheme(String s) {
    int colon = s.indexOf("://");
    return colon > 0 && s.substring(0, colon).matches("[a-zA-Z][a-zA-Z0-9+.-]*");
  }

  private static boolean containsGlob(String s) {
    return s.contains("*") || s.contains("?") || s.contains("[") || s.contains("{");
  }
}
