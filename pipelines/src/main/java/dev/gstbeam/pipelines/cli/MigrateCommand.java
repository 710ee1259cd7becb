package dev.gstbeam.pipelines.cli;

import dev.gstbeam.MediaIO;
import dev.gstbeam.internal.transcode.Profiles;
import dev.gstbeam.pipelines.migrate.MigrateJob;
import dev.gstbeam.pipelines.probe.Summary;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code gstbeam migrate}: transcode a corpus with a profile, verify every output, write a manifest. */
@Command(
    name = "migrate",
    mixinStandardHelpOptions = true,
    description = "Transcode every input with a profile, verify each output against its source, and commit it"
        + " under --output only once verified. A re-run over the same output skips verified inputs.",
    footer = {
      "",
      "Profiles: mp4-h264-aac (default), mp4-hevc-aac, webm-vp9-opus, mkv-av1-opus, or a JSON profile file.",
      "",
      "Examples:",
      "  gstbeam migrate --input '/archive/**' --output /migrated --profile mp4-h264-aac",
      "  gstbeam migrate --input 'tapes/*.mov' --output out --profile webm-vp9-opus --preset fast",
      "",
      "Outputs: the transcoded files (input paths mirrored, the profile's extension),",
      "  _manifest/results-*.{jsonl,avro} (one row per input), _manifest/summary.json.",
      "Exit codes: 0 all inputs migrated, 3 some inputs failed (rows with status failed), 2 usage, 1 job failed."
    })
final class MigrateCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--input", required = true, paramLabel = "PATTERN",
      description = "A path, a glob (dir/*.mov, dir/**) or a URI pattern. A directory means everything below it.")
  String input;

  @Option(names = "--output", required = true, paramLabel = "DIR", description = "Output root.")
  String output;

  @Option(names = "--profile", paramLabel = "NAME|FILE.json", defaultValue = "mp4-h264-aac",
      description = "Built-in profile or JSON profile file (default: ${DEFAULT-VALUE}).")
  String profile;

  @Option(names = "--preset", paramLabel = "P",
      description = "Encoder speed preset: ultrafast, superfast, veryfast, faster, fast, medium, slow, slower, veryslow.")
  String preset;

  @Option(names = "--crf", paramLabel = "N", description = "Constant-quality level (the codec's own scale).")
  Integer crf;

  @Option(names = "--copy", paramLabel = "MODE",
      description = "auto: a source video stream that already fits the profile (codec and flavour, 8-bit 4:2:0,"
          + " progressive, size, at most the bitrate the profile would spend) is copied, not re-encoded; the row's"
          + " action is then remux. none: re-encode everything. Default: the profile's (auto for the built-ins).")
  String copy;

  @Option(names = "--segment-seconds", paramLabel = "S",
      description = "Split inputs longer than 2*S at keyframes into segments of about S seconds, transcoded in"
          + " parallel on any slot and stitched back frame-exact (audio encoded once per file).")
  Double segmentSeconds;

  @Option(names = "--encoder-threads", paramLabel = "N",
      description = "Threads per video encoder (0: the encoder's own choice for the machine). Default: 0 for whole"
          + " files; with --segment-seconds, the slot's share of the cores, at least 2.")
  Integer encoderThreads;

  @Mixin RunnerMixin runner;

  @Mixin LimitsMixin limits;

  @Mixin IsolationMixin isolation;

  @Override
  public Integer call() throws Exception {
    if (segmentSeconds != null && !(segmentSeconds >= 1)) {
      throw new UsageException("--segment-seconds must be at least 1, was " + segmentSeconds);
    }
    MediaIO.Transcode transcode;
    try {
      transcode = MediaIO.transcode().withProfile(profile);
      if (preset != null) {
        transcode = transcode.withPreset(preset);
      }
      if (crf != null) {
        transcode = transcode.withCrf(crf);
      }
      if (copy != null) {
        transcode = transcode.withCopy(copy);
      }
      transcode.resolvedProfile(); // validates overrides, naming the bad value
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage().replace("profile field video.preset", "--preset")
          .replace("profile field video.crf", "--crf").replace("profile field copy", "--copy").replace("unknown profile", "--profile: unknown profile"));
    }
    String pattern = Inputs.pattern(input);
    String out = Inputs.outputDir(output);
    int cores = Runtime.getRuntime().availableProcessors();
    runner.defaultParallelism = cores;
    var options = runner.options("gstbeam-migrate");
    runner.storage(options, pattern, out);
    runner.remoteBundleSize(options, 1); // a transcode or a segment takes seconds: progress per element
    // Whole files: each encoder picks its own thread count for the machine (x264: 1.5 per core, as
    // ffmpeg leaves it): one slot's encode has the machine when the others are probing or verifying,
    // and oversubscription when all encode costs little (measured in docs/BENCHMARKS.md).
    transcode = transcode.from(pattern).to(out).withEncoderThreads(0).withLimits(limits.limits())
        .withProcessIsolation(isolation.process());
    if (segmentSeconds != null) {
      // Segments keep every slot encoding at once: each encoder gets its slot's share of the cores.
      int slots = runner.parallelism != null ? runner.parallelism : cores;
      transcode = transcode.withSegmentSeconds(segmentSeconds).withEncoderThreads(Math.max(2, cores / slots));
    }
    if (encoderThreads != null) {
      if (encoderThreads < 0) {
        throw new UsageException("--encoder-threads must be 0 or more, was " + encoderThreads);
      }
      transcode = transcode.withEncoderThreads(encoderThreads);
    }
    PrintWriter console = spec.commandLine().getOut();
    console.printf("gstbeam migrate: %s -> %s (profile %s, %s)%n", pattern, out, transcode.resolvedProfile().name(),
        ProbeCommand.describe(runner));
    long start = System.nanoTime();
    Summary summary;
    try (ProgressReporter progress = ProgressReporter.start("migrate", !Main.quiet, runner.flinkMaster != null)
        .expecting(runner.flinkMaster != null && !Main.quiet ? Inputs.count(pattern, out) : 0)) {
      summary = new MigrateJob(transcode, out).run(options);
    }
    double wall = (System.nanoTime() - start) / 1e9;
    StringBuilder reasons = new StringBuilder();
    summary.failuresByReason().forEach((k, v) -> reasons.append(reasons.length() == 0 ? "" : ", ").append(k).append(' ').append(v));
    console.printf("%d inputs: %d migrated and verified, %d failed%s; %.1f media seconds in %.1f s%n",
        summary.inputs(), summary.succeeded(), summary.failed(), summary.failed() > 0 ? " (" + reasons + ")" : "",
        summary.mediaSeconds(), wall);
    console.printf("  outputs:  %s/%n", out);
    console.printf("  results:  %s/results-*.jsonl%n", MigrateJob.manifestDir(out));
    console.printf("  summary:  %s/summary.json%n", MigrateJob.manifestDir(out));
    console.printf("  report:   %s/report.html%n", MigrateJob.manifestDir(out));
    return summary.failed() > 0 ? ExitCodes.SOME_FAILED : ExitCodes.OK;
  }

  static String profiles() {
    return String.join(", ", Profiles.builtInNames());
  }
}
