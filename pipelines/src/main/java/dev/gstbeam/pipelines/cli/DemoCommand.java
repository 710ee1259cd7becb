package dev.gstbeam.pipelines.cli;

import dev.gstbeam.pipelines.io.CatalogFormat;
import dev.gstbeam.pipelines.probe.ProbeJob;
import dev.gstbeam.pipelines.probe.Summary;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code gstbeam demo}: the main job on the bundled test data, on the embedded Flink runner. */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = {
      "Probe the bundled test data (real media from public test suites, damaged files included)",
      "on an embedded Flink cluster and write a catalog, then migrate its 'other' folder (interlaced",
      "ProRes, VC-1/WMA Pro, Theora, VP9, H.264 in TS, damaged files) to H.264/AAC, each output verified."
    },
    footer = {"", "Examples:", "  gstbeam demo", "  gstbeam demo --output /tmp/demo --parallelism 2", "",
      "Exit code 3 is expected: the bundled data holds damaged and unsupported files on purpose."})
final class DemoCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--output", paramLabel = "DIR", defaultValue = "gstbeam-demo",
      description = "Output directory (default: ${DEFAULT-VALUE}).")
  String output;

  @Option(names = "--data", paramLabel = "DIR",
      description = "Test data directory (default: testdata/corpus of this checkout).")
  String data;

  @Option(names = "--parallelism", paramLabel = "N", description = "Parallel subtasks (default: cores).")
  Integer parallelism;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    Path corpus = data != null ? Paths.get(data) : defaultCorpus();
    if (!Files.isDirectory(corpus)) {
      throw new UsageException("no test data at " + corpus + " (use --data DIR)");
    }
    RunnerMixin runner = new RunnerMixin();
    runner.runner = dev.gstbeam.runners.RunnerSelection.Kind.FLINK;
    runner.parallelism = parallelism;
    runner.defaultParallelism = ProbeCommand.probeParallelism();
    String pattern = Inputs.pattern(corpus.toString());
    String dir = Inputs.outputDir(output);
    out.printf("gstbeam demo: probing %s on embedded Flink -> %s%n", pattern, dir);
    long start = System.nanoTime();
    Summary s;
    try (ProgressReporter progress = ProgressReporter.start("probe", !Main.quiet)) {
      s = new ProbeJob(pattern, dir, CatalogFormat.JSONL, Duration.ofSeconds(30)).run(runner.options("gstbeam-demo"));
    }
    double wall = (System.nanoTime() - start) / 1e9;
    ProbeCommand.report(out, s, wall, dir, CatalogFormat.JSONL);

    String migrateOut = dir + "/migrated";
    String selection = corpus.toAbsolutePath() + "/" + MIGRATION_SAMPLE;
    out.printf("%ngstbeam demo: migrating %s to mp4-h264-aac -> %s%n", MIGRATION_SAMPLE, migrateOut);
    RunnerMixin migrateRunner = new RunnerMixin();
    migrateRunner.runner = dev.gstbeam.runners.RunnerSelection.Kind.FLINK;
    migrateRunner.parallelism = parallelism;
    migrateRunner.defaultParallelism = Runtime.getRuntime().availableProcessors();
    dev.gstbeam.MediaIO.Transcode transcode = dev.gstbeam.MediaIO.transcode().withProfile("mp4-h264-aac")
        .withPreset("veryfast").from(selection).to(migrateOut).withEncoderThreads(0);
    start = System.nanoTime();
    Summary m;
    try (ProgressReporter progress = ProgressReporter.start("migrate", !Main.quiet)) {
      m = new dev.gstbeam.pipelines.migrate.MigrateJob(transcode, migrateOut).run(migrateRunner.options("gstbeam-demo-migrate"));
    }
    wall = (System.nanoTime() - start) / 1e9;
    out.printf("%d inputs: %d migrated and verified, %d failed; %.1f media seconds in %.1f s%n",
        m.inputs(), m.succeeded(), m.failed(), m.mediaSeconds(), wall);
    StringBuilder reasons = new StringBuilder();
    m.failuresByReason().forEach((k, v) -> reasons.append(reasons.length() == 0 ? "" : ", ").append(k).append(' ').append(v));
    if (m.failed() > 0) {
      out.printf("  failures by reason: %s (each a row with its message)%n", reasons);
    }
    out.printf("  results:  %s/results-*.jsonl%n", dev.gstbeam.pipelines.migrate.MigrateJob.manifestDir(migrateOut));
    out.printf("  report:   %s/report.html (open it in a browser)%n",
        dev.gstbeam.pipelines.migrate.MigrateJob.manifestDir(migrateOut));
    return s.failed() > 0 || m.failed() > 0 ? ExitCodes.SOME_FAILED : ExitCodes.OK;
  }

  /** Legacy formats from the bundled corpus that the demo migrates (a Beam glob below the corpus). */
  static final String MIGRATION_SAMPLE = "other/*";

  static Path defaultCorpus() {
    String home = System.getenv("GSTBEAM_HOME");
    Path root = home != null ? Paths.get(home) : Paths.get("");
    return root.resolve("testdata").resolve("corpus").toAbsolutePath();
  }
}
