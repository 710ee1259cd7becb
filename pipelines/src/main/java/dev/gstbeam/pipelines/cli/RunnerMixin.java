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

  @Option(
      names = "--s3-endpoint",
      paramLabel = "URL",
      description = "An S3-compatible endpoint for s3a:// paths (path-style access), e.g. http://127.0.0.1:9000."
          + " Credentials come from AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY or Hadoop's provider chain.")
  String s3Endpoint;

  @Option(names = "--s3-region", paramLabel = "REGION", description = "Region of the S3 endpoint (default: us-east-1).")
  String s3Region;

  @Option(
      names = "--hadoop-conf",
      paramLabel = "KEY=VALUE",
      description = "A Hadoop/S3A option for s3a:// paths (repeatable), e.g. fs.s3a.connection.maximum=200."
          + " Secrets are refused here.")
  List<String> hadoopConf = new ArrayList<>();

  @Unmatched List<String> passThrough = new ArrayList<>();

  /**
   * When a job reads or writes {@code s3a://}: registers S3A with Beam's file systems (in
   * {@code options}, so workers get it too) and checks every bucket it uses, failing in one line.
   */
  void storage(PipelineOptions options, String... locations) throws java.io.IOException {
    if (!dev.gstbeam.pipelines.io.S3Storage.uses(locations)) {
      if (s3Endpoint != null || !hadoopConf.isEmpty()) {
        throw new UsageException("--s3-endpoint and --hadoop-conf apply to s3a:// inputs and outputs; there are none");
      }
      return;
    }
    String bucket = null;
    for (String l : locations) {
      if (l != null && l.startsWith("s3a://")) {
        bucket = dev.gstbeam.pipelines.io.S3Storage.bucketOf(l);
        break;
      }
    }
    org.apache.hadoop.conf.Configuration conf;
    try {
      conf = dev.gstbeam.pipelines.io.S3Storage.configuration(bucket, s3Endpoint, s3Region,
          dev.gstbeam.pipelines.io.S3Storage.parsePairs(hadoopConf));
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
    options.as(org.apache.beam.sdk.io.hdfs.HadoopFileSystemOptions.class).setHdfsConfiguration(List.of(conf));
    org.apache.beam.sdk.io.FileSystems.setDefaultPipelineOptions(options);
    dev.gstbeam.pipelines.io.S3Storage.check(conf, java.util.Arrays.asList(locations));
  }

  /**
   * On a remote cluster Beam's Flink runner reports a step's metrics (and so the job's progress) when a
   * bundle ends: jobs whose elements take seconds each end a bundle after {@code elements} unless the
   * user chose {@code --maxBundleSize}.
   */
  void remoteBundleSize(PipelineOptions options, long elements) {
    if (flinkMaster == null || passThrough.stream().anyMatch(a -> a.startsWith("--maxBundleSize"))) {
      return;
    }
    options.as(org.apache.beam.runners.flink.FlinkPipelineOptions.class).setMaxBundleSize(elements);
  }

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
