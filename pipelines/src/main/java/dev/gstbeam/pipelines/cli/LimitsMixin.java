package dev.gstbeam.pipelines.cli;

import dev.gstbeam.Limits;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/** {@code --limit KEY=VALUE}: bounds against decompression bombs and absurd inputs. */
final class LimitsMixin {
  @Option(
      names = "--limit",
      paramLabel = "KEY=VALUE",
      description = "A bound checked before decoding (repeatable): pixels=16384x8192 (or 134M), duration=48h,"
          + " streams=512, file-size=1T (the defaults). Over a bound: a LIMIT_EXCEEDED failure. Probe checks file-size.")
  Map<String, String> settings = new LinkedHashMap<>();

  Limits limits() {
    try {
      return Limits.parse(settings);
    } catch (IllegalArgumentException e) {
      throw new UsageException("--limit: " + e.getMessage());
    }
  }
}
