package dev.gstbeam.pipelines.cli;

import dev.gstbeam.runners.RunnerSelection;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.options.PipelineOptions;
import picocli.CommandLine.Option;
import picocli.CommandLine.Unmatched;

/** Options every job shares: runner, cluster, parallelism, and Beam/Flink options passed through. */
public final class RunnerMixin {
  @Option(
      names = "--runner",
      paramLabel = "flink|direct",
      description = "Runner: flink (default; an embedded local cluster unless --flink-master) or direct.",
      defaultValue = "flink",
      converter = RunnerConverter.class)
  RunnerSelection.Kind runner;

  @Option(
      names = "--flink-master",
      paramLabel = "HOST:PORT",
      description = "Submit to a running Flink cluster (its REST address) instead of an embedded one.")
  String flinkMaster;

  @Option(
      names = "--parallelism",
      paramLabel = "N",
      description = "Parallel subtasks (default: the job's own; probe uses 4 per core, since probing waits on I/O and GStreamer's threads more than it computes).")
  Integer parallelism;

  /** The job's default when --parallelism is not given (null: the runner's). */
  Integer defaultParallelism;

  @Unmatched List<String> passThrough = new ArrayList<>();

  PipelineOptions options(String jobName) {
    if (parallelism != null && parallelism < 1) {
      throw new UsageException("--parallelism must be at least 1, was " + parallelism);
    }
    List<String> beamArgs = new ArrayList<>();
    for (String a : passThrough) {
      if (!a.startsWith("--") || a.length() == 2) {
        throw new UsageException("unexpected argument '" + a + "'");
      }
      beamArgs.add(a);
    }
    try {
      Integer p = parallelism != null ? parallelism : (flinkMaster == null ? defaultParallelism : null);
      return RunnerSelection.options(runner, flinkMaster, p, jobName, beamArgs);
    } catch (IllegalArgumentException e) {
      String flag = beamArgs.isEmpty() ? "" : " (" + String.join(" ", names(beamArgs)) + ")";
      throw new UsageException("unknown option" + flag + ": " + firstLine(e.getMessage()));
    }
  }

  private static List<String> names(List<String> args) {
    List<String> out = new ArrayList<>();
    for (String a : args) {
      int eq = a.indexOf('=');
      out.add(eq < 0 ? a : a.substring(0, eq));
    }
    return out;
  }

  static String firstLine(String s) {
    if (s == null) {
      return "";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }

  /** Runner names, case-insensitive, with the valid values in the error. */
  static final class RunnerConverter implements picocli.CommandLine.ITypeConverter<RunnerSelection.Kind> {
    @Override
    public RunnerSelection.Kind convert(String value) {
      try {
        return RunnerSelection.Kind.parse(value);
      } catch (IllegalArgumentException e) {
        throw new picocli.CommandLine.TypeConversionException(
            "'" + value + "' is not a runner (valid: flink, direct)");
      }
    }
  }
}
