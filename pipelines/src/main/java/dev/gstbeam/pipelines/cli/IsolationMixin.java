package dev.gstbeam.pipelines.cli;

import picocli.CommandLine.Option;

/** {@code --isolation in-process|process}: where GStreamer runs. */
final class IsolationMixin {
  @Option(
      names = "--isolation",
      paramLabel = "in-process|process",
      defaultValue = "in-process",
      description = "Where GStreamer work runs: in-process (default, fastest) or process (a worker process per busy"
          + " slot: a native crash fails that input as CORRUPT with the signal, and an input that crashes two workers"
          + " is quarantined; the job goes on).")
  String isolation;

  boolean process() {
    switch (isolation) {
      case "process":
        return true;
      case "in-process":
        return false;
      default:
        throw new UsageException("--isolation: '" + isolation + "' is not valid (valid: in-process, process)");
    }
  }
}
