package dev.gstbeam.pipelines.cli;

import dev.gstbeam.pipelines.io.CatalogFormat;
import dev.gstbeam.pipelines.probe.ProbeJob;
import dev.gstbeam.pipelines.probe.Summary;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code gstbeam probe}: the metadata catalog. */
@Command(
    name = "probe",
    mixinStandardHelpOptions = true,
    description = "Write a metadata catalog (one record per readable input) and a failure list.",
    footer = {
      "",
      "Examples:",
      "  gstbeam probe --input '/archive/**' --output catalog --format parquet",
      "  gstbeam probe --input 'testdata/corpus/other/*' --output out --format jsonl --runner direct",
      "",
      "Outputs: media-*.{jsonl,avro,parquet}, failures-*.{...}, summary.json.",
      "Exit codes: 0 all inputs probed, 3 some inputs failed (see failures-*), 2 usage, 1 job failed."
    })
final class ProbeCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--input", required = true, paramLabel = "PATTERN",
      description = "A path, a glob (dir/*.mp4, dir/**) or a URI pattern. A directory means everything below it.")
  String input;

  @Option(names = "--output", required = true, paramLabel = "DIR", description = "Output directory.")
  String output;

  @Option(names = "--format", paramLabel = "avro|parquet|jsonl", defaultValue = "jsonl",
      description = "Catalog format (default: ${DEFAULT-VALUE}).", converter = FormatConverter.class)
  CatalogFormat format;

  @Option(names = "--timeout-seconds", paramLabel = "S", defaultValue = "30",
      description = "Watchdog per file (default: ${DEFAULT-VALUE}).")
  long timeoutSeconds;

  @Mixin RunnerMixin runner;

  @Mixin LimitsMixin limits;

  @Mixin IsolationMixin isolation;

  @Override
  public Integer call() throws Exception {
    if (timeoutSeconds < 1) {
      throw new UsageException("--timeout-seconds must be at least 1, was " + timeoutSeconds);
    }
    String pattern = Inputs.pattern(input);
    String out = Inputs.outputDir(output);
    PrintWriter console = spec.commandLine().getOut();
    runner.defaultParallelism = probeParallelism();
    var options = runner.options("gstbeam-probe");
    runner.storage(options, pattern, out);
    runner.remoteBundleSize(options, 25); // a probe takes tens of milliseconds: progress about every second
    console.printf("gstbeam probe: %s -> %s (%s, %s)%n", pattern, out, format.suffix(), describe(runner));
    long start = System.nanoTime();
    Summary summary;
    try (ProgressReporter progress = ProgressReporter.start("probe", !Main.quiet, runner.flinkMaster != null)
        .expecting(runner.flinkMaster != null && !Main.quiet ? Inputs.count(pattern, out) : 0)) {
      summary = new ProbeJob(pattern, out, format, Duration.ofSeconds(timeoutSeconds))
          .withLimits(limits.limits()).withProcessIsolation(isolation.process()).run(options);
    }
    double wall = (System.nanoTime() - start) / 1e9;
    report(console, summary, wall, out, format);
    return summary.failed() > 0 ? ExitCodes.SOME_FAILED : ExitCodes.OK;
  }

  /**
   * Probing a file is mostly waiting (disk, demuxer and parser threads, preroll): measured on 2 cores,
   * 8 subtasks probe 3,280 files 1.8x faster than 2 (docs/BENCHMARKS.md).
   */
  static int probeParallelism() {
    return 4 * Runtime.getRuntime().availableProcessors();
  }

  static String describe(RunnerMixin r) {
    switch (r.runner) {
      case DIRECT:
        return "direct runner";
      case FLINK:
      default:
        return r.flinkMaster == null ? "embedded Flink" : "Flink at " + r.flinkMaster;
    }
  }

  static void report(PrintWriter console, Summary s, double wall, String out, CatalogFormat format) {
    StringBuilder reasons = new StringBuilder();
    s.failuresByReason().forEach((k, v) -> reasons.append(reasons.length() == 0 ? "" : ", ").append(k).append(' ').append(v));
    console.printf(
        "%d inputs: %d catalogued, %d failed%s; %.1f media seconds in %.1f s%n",
        s.inputs(), s.succeeded(), s.failed(), s.failed() > 0 ? " (" + reasons + ")" : "", s.mediaSeconds(), wall);
    console.printf("  catalog:  %s/media-*.%s%n", out, format.suffix());
    console.printf("  failures: %s/failures-*.%s%n", out, format.suffix());
    console.printf("  summary:  %s/summary.json%n", out);
  }

  static final class FormatConverter implements picocli.CommandLine.ITypeConverter<CatalogFormat> {
    @Override
    public CatalogFormat convert(String value) {
      try {
        return CatalogFormat.parse(value);
      } catch (IllegalArgumentException e) {
        throw new picocli.CommandLine.TypeConversionException(e.getMessage());
      }
    }
  }
}
