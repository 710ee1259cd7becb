package dev.gstbeam.pipelines.cli;

import dev.gstbeam.JobProgress;
import java.io.PrintStream;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Progress of a job running in this JVM, on stderr: on a terminal a bar (files done of matched, percent,
 * ETA, failures, segments, media seconds per second); otherwise a plain line now and then, with no
 * control characters. Counts come from {@link JobProgress}.
 */
final class ProgressReporter implements AutoCloseable {
  /** Seconds between plain lines when stderr is not a terminal (system property; default 30). */
  static final String INTERVAL_PROPERTY = "gstbeam.progress.interval";

  private final String task;
  private final boolean terminal;
  private final PrintStream err;
  private final long startNanos = System.nanoTime();
  private final Thread thread;
  private volatile boolean running = true;
  private ProgressBar bar;

  /** Set when the job goes to a remote cluster: counts come from its REST API. */
  private final boolean remote;
  private final org.apache.beam.runners.flink.GpuAwareFlinkRunner.Submission before =
      org.apache.beam.runners.flink.GpuAwareFlinkRunner.lastSubmission();
  private final java.util.Map<String, Double> seen = new java.util.HashMap<>();
  /** Inputs the launcher counted before submitting (0: unknown): the total while the cluster's count is not visible. */
  private volatile long expectedInputs;

  /** The number of inputs, when the launcher knows it. */
  ProgressReporter expecting(long inputs) {
    this.expectedInputs = inputs;
    return this;
  }

  private ProgressReporter(String task, boolean terminal, PrintStream err, boolean remote) {
    this.remote = remote;
    this.task = task;
    this.terminal = terminal;
    this.err = err;
    JobProgress.reset();
    this.thread = new Thread(this::loop, "gstbeam-progress");
    thread.setDaemon(true);
  }

  /** Starts reporting a job in this JVM, or does nothing when {@code enabled} is false (quiet). */
  static ProgressReporter start(String task, boolean enabled) {
    return start(task, enabled, false);
  }

  /**
   * Starts reporting; {@code remote}: the job runs on a Flink cluster, and its counts are read from
   * the cluster's REST API (the job's {@code gstbeam.progress.*} metrics, summed over its operators).
   */
  static ProgressReporter start(String task, boolean enabled, boolean remote) {
    ProgressReporter r = new ProgressReporter(task, System.console() != null, System.err, remote);
    if (enabled) {
      r.thread.start();
    }
    return r;
  }

  private void loop() {
    try {
      run();
    } catch (RuntimeException | Error e) {
      err.println("progress: no longer reported (" + e + ")");
    }
  }

  private void run() {
    if (remote) {
      // Polled apart from the display: a slow REST answer delays the counts, never the lines.
      Thread poller = new Thread(() -> {
        while (running) {
          pollCluster();
          try {
            Thread.sleep(2000);
          } catch (InterruptedException e) {
            return;
          }
        }
      }, "gstbeam-progress-poll");
      poller.setDaemon(true);
      poller.start();
    }
    long interval = Math.max(1, Long.getLong(INTERVAL_PROPERTY, 30)) * 1000;
    long lastLine = System.currentTimeMillis();
    String lastText = "";
    while (running) {
      try {
        Thread.sleep(250);
      } catch (InterruptedException e) {
        return;
      }
      JobProgress.Snapshot s = JobProgress.snapshot();
      if (terminal) {
        updateBar(s);
      } else if (System.currentTimeMillis() - lastLine >= interval) {
        String text = plainLine(s, elapsedSeconds());
        if (!text.equals(lastText)) {
          err.println(text);
          lastText = text;
        }
        lastLine = System.currentTimeMillis();
      }
    }
  }

  /** Reads the submitted job's progress metrics from the cluster's REST API into {@link JobProgress}. */
  private void pollCluster() {
    org.apache.beam.runners.flink.GpuAwareFlinkRunner.Submission sub =
        org.apache.beam.runners.flink.GpuAwareFlinkRunner.lastSubmission();
    if (sub == null || sub == before || sub.restUrl() == null) {
      return; // not submitted yet
    }
    try {
      String job = sub.restUrl() + "/jobs/" + sub.jobId();
      for (com.fasterxml.jackson.databind.JsonNode v : dev.gstbeam.runners.FlinkRest.get(job, 5).path("vertices")) {
        if (!v.path("status").asText().equals("RUNNING")) {
          continue; // no metrics yet, or gone with its finished tasks (the last values seen are kept)
        }
        String metrics = job + "/vertices/" + v.path("id").asText() + "/subtasks/metrics";
        java.util.List<String> ids = new java.util.ArrayList<>();
        for (com.fasterxml.jackson.databind.JsonNode m : dev.gstbeam.runners.FlinkRest.get(metrics, 5)) {
          if (progressName(m.path("id").asText()) != null) {
            ids.add(m.path("id").asText());
          }
        }
        if (ids.isEmpty()) {
          continue;
        }
        String get = java.net.URLEncoder.encode(String.join(",", ids), java.nio.charset.StandardCharsets.UTF_8)
            .replace("+", "%20");
        for (com.fasterxml.jackson.databind.JsonNode m : dev.gstbeam.runners.FlinkRest.get(metrics + "?get=" + get, 5)) {
          String id = m.path("id").asText();
          String name = progressName(id);
          // A finished task's metrics leave the REST API: keep what each vertex last showed.
          seen.merge(v.path("id").asText() + "|" + name, m.path("sum").asDouble(0), Math::max);
        }
      }
      java.util.Map<String, Double> sums = new java.util.HashMap<>();
      seen.forEach((k, val) -> sums.merge(k.substring(k.indexOf('|') + 1), val, Double::sum));
      if (expectedInputs > 0) {
        sums.merge("matched", (double) expectedInputs, Math::max);
      }
      JobProgress.publish(new JobProgress.Snapshot(Math.round(sums.getOrDefault("matched", 0.0)),
          Math.round(sums.getOrDefault("finished", 0.0)), Math.round(sums.getOrDefault("failed", 0.0)),
          Math.round(sums.getOrDefault("segments_planned", 0.0)), Math.round(sums.getOrDefault("segments_done", 0.0)),
          sums.getOrDefault("media_millis", 0.0) / 1000));
    } catch (java.io.IOException | RuntimeException e) {
      // the cluster is busy or the job not yet listed: the next poll will tell
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * The progress counter a Flink metric id names ({@code finished} of {@code "<operator>.gstbeam.progress.finished"},
   * or with the underscores Flink's REST API shows), or null.
   */
  static String progressName(String id) {
    for (String prefix : new String[] {JobProgress.NAMESPACE + ".", JobProgress.NAMESPACE.replace('.', '_') + "_"}) {
      int i = id.lastIndexOf(prefix);
      if (i >= 0 && (i == 0 || id.charAt(i - 1) == '.')) {
        return id.substring(i + prefix.length());
      }
    }
    return null;
  }

  private synchronized void updateBar(JobProgress.Snapshot s) {
    if (bar == null) {
      if (s.matched() == 0) {
        return; // nothing matched yet: no bar until the total is known to be non-zero
      }
      bar = new ProgressBarBuilder().setTaskName(task).setInitialMax(s.matched()).setStyle(ProgressBarStyle.ASCII)
          .setUpdateIntervalMillis(250).setSpeedUnit(ChronoUnit.SECONDS).setUnit(" files", 1)
          .setConsumer(new ConsoleProgressBarConsumer(err)).setMaxRenderedLength(120).continuousUpdate().build();
    }
    bar.maxHint(Math.max(s.matched(), s.finished()));
    bar.stepTo(s.finished());
    bar.setExtraMessage(extra(s, elapsedSeconds()));
  }

  private double elapsedSeconds() {
    return (System.nanoTime() - startNanos) / 1e9;
  }

  static String extra(JobProgress.Snapshot s, double elapsed) {
    StringBuilder b = new StringBuilder();
    b.append(s.failed()).append(" failed");
    if (s.segmentsPlanned() > 0) {
      b.append(", segments ").append(s.segmentsDone()).append('/').append(s.segmentsPlanned());
    } else if (s.segmentsDone() > 0) {
      b.append(", segments ").append(s.segmentsDone()).append(" done");
    }
    b.append(String.format(Locale.ROOT, ", %.1f media s/s", elapsed > 0 ? s.mediaSeconds() / elapsed : 0));
    return b.toString();
  }

  /** One line, printable characters only. */
  static String plainLine(JobProgress.Snapshot s, double elapsed) {
    long total = Math.max(s.matched(), s.finished());
    if (total == 0) {
      return "progress: starting and matching inputs, " + human(Duration.ofSeconds(Math.round(elapsed))) + " elapsed";
    }
    String pct = total == 0 ? "" : String.format(Locale.ROOT, " (%d%%)", Math.round(100.0 * s.finished() / total));
    String eta = "";
    if (s.finished() > 0 && total > s.finished()) {
      long left = Math.round(elapsed * (total - s.finished()) / s.finished());
      eta = ", ETA " + human(Duration.ofSeconds(left));
    }
    return String.format(Locale.ROOT, "progress: %d/%d inputs%s, %s, %s elapsed%s", s.finished(), total, pct,
        extra(s, elapsed), human(Duration.ofSeconds(Math.round(elapsed))), eta);
  }

  static String human(Duration d) {
    long s = d.getSeconds();
    return s >= 3600 ? String.format(Locale.ROOT, "%dh%02dm", s / 3600, s / 60 % 60)
        : s >= 60 ? String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60) : s + "s";
  }

  @Override
  public void close() {
    running = false;
    thread.interrupt();
    try {
      thread.join(2000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    synchronized (this) {
      if (bar != null) {
        JobProgress.Snapshot s = JobProgress.snapshot();
        bar.maxHint(Math.max(s.matched(), s.finished()));
        bar.stepTo(s.finished());
        bar.setExtraMessage(extra(s, elapsedSeconds()));
        bar.close();
      }
    }
  }
}
