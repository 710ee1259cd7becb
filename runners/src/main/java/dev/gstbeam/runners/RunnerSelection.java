package dev.gstbeam.runners;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.apache.beam.runners.direct.DirectRunner;
import org.apache.beam.runners.flink.FlinkPipelineOptions;
import org.apache.beam.runners.flink.FlinkRunner;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;

/**
 * Pipeline options for the runners gstbeam supports: Flink (an embedded local cluster by default, or a
 * running cluster at {@code --flink-master}) and Beam's DirectRunner.
 */
public final class RunnerSelection {
  private RunnerSelection() {}

  /** Which runner. */
  public enum Kind {
    FLINK,
    DIRECT;

    public static Kind parse(String s) {
      return Kind.valueOf(s.trim().toUpperCase(Locale.ROOT));
    }
  }

  /**
   * Options for {@code kind}. {@code passThrough} are further Beam/Flink options ({@code --name=value});
   * an option no registered PipelineOptions interface knows throws {@link IllegalArgumentException}
   * naming it.
   */
  public static PipelineOptions options(
      Kind kind, String flinkMaster, Integer parallelism, String jobName, List<String> passThrough) {
    List<String> args = new ArrayList<>(passThrough);
    PipelineOptionsFactory.register(FlinkPipelineOptions.class);
    PipelineOptions options = PipelineOptionsFactory.fromArgs(args.toArray(new String[0])).create();
    if (jobName != null) {
      options.setJobName(jobName);
    }
    if (kind == Kind.DIRECT) {
      options.setRunner(DirectRunner.class);
      org.apache.beam.runners.direct.DirectOptions direct =
          options.as(org.apache.beam.runners.direct.DirectOptions.class);
      if (parallelism != null) {
        direct.setTargetParallelism(parallelism);
      }
      // The DirectRunner's per-element copy checks cost more than probing itself on large records;
      // pipelines' own tests keep them on (TestPipeline), jobs run without.
      direct.setEnforceImmutability(false);
      direct.setEnforceEncodability(false);
      return options;
    }
    FlinkPipelineOptions flink = options.as(FlinkPipelineOptions.class);
    flink.setRunner(FlinkRunner.class);
    flink.setFlinkMaster(flinkMaster == null ? "[local]" : flinkMaster);
    int p = parallelism != null ? parallelism : Runtime.getRuntime().availableProcessors();
    flink.setParallelism(p);
    if (flinkMaster != null) {
      // A running cluster: the GPU-aware runner places the transcoding steps, and the job ships
      // gstbeam's jar without Flink's classes (the cluster has its own).
      flink.setRunner(org.apache.beam.runners.flink.GpuAwareFlinkRunner.class);
      if (flink.getFilesToStage() == null) {
        try {
          flink.setFilesToStage(JobJar.filesToStage());
        } catch (IOException e) {
          throw new UncheckedIOException("cannot write the job jar", e);
        }
      }
    }
    if (flinkMaster == null) {
      // One embedded TaskManager with a slot per parallel subtask; the web UI stays off.
      flink.setMaxParallelism(Math.max(p, 1));
      if (flink.getFlinkConfDir() == null) {
        flink.setFlinkConfDir(embeddedConfDir().toString());
      }
    }
    return flink;
  }

  /**
   * A configuration directory for the embedded cluster whose {@code io.tmp.dirs} is a directory of this
   * JVM's own, deleted when the JVM exits: Flink unpacks its RPC system (a 22 MB jar) and keeps its
   * mini-cluster working directories there, and leaves both behind in the system temp directory
   * otherwise, one set per job.
   */
  private static synchronized Path embeddedConfDir() {
    if (embeddedConf == null) {
      try {
        Path base = Files.createTempDirectory("gstbeam-flink-");
        Path tmp = Files.createDirectories(base.resolve("tmp"));
        Path conf = Files.createDirectories(base.resolve("conf"));
        Files.writeString(conf.resolve("flink-conf.yaml"), "io.tmp.dirs: " + tmp + "\n", StandardCharsets.UTF_8);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(base), "gstbeam-flink-tmp-cleanup"));
        embeddedConf = conf;
      } catch (IOException e) {
        throw new UncheckedIOException("cannot create a temporary directory for the embedded Flink cluster", e);
      }
    }
    return embeddedConf;
  }

  private static Path embeddedConf;

  private static void deleteTree(Path root) {
    try (Stream<Path> walk = Files.walk(root)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException | UncheckedIOException e) {
      // best effort at exit
    }
  }
}
