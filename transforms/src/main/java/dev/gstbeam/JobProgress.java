package dev.gstbeam;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.DoubleAdder;

/**
 * How far the jobs running in this JVM have got: inputs matched and finished (failed among them),
 * segments planned and encoded, media seconds finished. The transforms count here as they go, so a
 * launcher running the job in its own JVM (the embedded Flink cluster, the DirectRunner) can show
 * progress while Beam's metrics are only reported at the end. Each count is also a Beam counter in
 * namespace {@value #NAMESPACE} (Flink shows them as metrics, which a launcher of a job on a remote
 * cluster reads from the REST API and {@link #publish}es here).
 */
public final class JobProgress {
  private static final AtomicLong MATCHED = new AtomicLong();
  private static final AtomicLong FINISHED = new AtomicLong();
  private static final AtomicLong FAILED = new AtomicLong();
  private static final AtomicLong SEGMENTS_PLANNED = new AtomicLong();
  private static final AtomicLong SEGMENTS_DONE = new AtomicLong();
  private static final DoubleAdder MEDIA_SECONDS = new DoubleAdder();

  public static final String NAMESPACE = "gstbeam.progress";
  private static final org.apache.beam.sdk.metrics.Counter B_MATCHED = counter("matched");
  private static final org.apache.beam.sdk.metrics.Counter B_FINISHED = counter("finished");
  private static final org.apache.beam.sdk.metrics.Counter B_FAILED = counter("failed");
  private static final org.apache.beam.sdk.metrics.Counter B_PLANNED = counter("segments_planned");
  private static final org.apache.beam.sdk.metrics.Counter B_SEGMENTS = counter("segments_done");
  private static final org.apache.beam.sdk.metrics.Counter B_MEDIA = counter("media_millis");
  private static volatile Snapshot published;

  private static org.apache.beam.sdk.metrics.Counter counter(String name) {
    return org.apache.beam.sdk.metrics.Metrics.counter(NAMESPACE, name);
  }

  private JobProgress() {}

  /** Counts read from elsewhere (a remote cluster's metrics): {@link #snapshot} returns them from now on. */
  public static void publish(Snapshot s) {
    published = s;
  }

  /** Counts so far. */
  public record Snapshot(long matched, long finished, long failed, long segmentsPlanned, long segmentsDone,
      double mediaSeconds) {}

  public static Snapshot snapshot() {
    Snapshot p = published;
    if (p != null) {
      return p;
    }
    return new Snapshot(MATCHED.get(), FINISHED.get(), FAILED.get(), SEGMENTS_PLANNED.get(), SEGMENTS_DONE.get(),
        MEDIA_SECONDS.sum());
  }

  /** Back to zero, before a job starts. */
  public static void reset() {
    published = null;
    MATCHED.set(0);
    FINISHED.set(0);
    FAILED.set(0);
    SEGMENTS_PLANNED.set(0);
    SEGMENTS_DONE.set(0);
    MEDIA_SECONDS.reset();
  }

  public static void matched() {
    MATCHED.incrementAndGet();
    B_MATCHED.inc();
  }

  /** One input done, with its media seconds (0 when unknown). */
  public static void finished(boolean ok, double mediaSeconds) {
    FINISHED.incrementAndGet();
    B_FINISHED.inc();
    if (!ok) {
      FAILED.incrementAndGet();
      B_FAILED.inc();
    }
    if (mediaSeconds > 0) {
      MEDIA_SECONDS.add(mediaSeconds);
      B_MEDIA.inc(Math.round(mediaSeconds * 1000));
    }
  }

  public static void segmentsPlanned(int n) {
    SEGMENTS_PLANNED.addAndGet(n);
    B_PLANNED.inc(n);
  }

  public static void segmentDone() {
    SEGMENTS_DONE.incrementAndGet();
    B_SEGMENTS.inc();
  }
}
