package dev.gstbeam;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.DoubleAdder;

/**
 * How far the jobs running in this JVM have got: inputs matched and finished (failed among them),
 * segments planned and encoded, media seconds finished. The transforms count here as they go, so a
 * launcher running the job in its own JVM (the embedded Flink cluster, the DirectRunner) can show
 * progress while Beam's metrics are only reported at the end. On a remote cluster the counts stay in
 * the TaskManagers.
 */
public final class JobProgress {
  private static final AtomicLong MATCHED = new AtomicLong();
  private static final AtomicLong FINISHED = new AtomicLong();
  private static final AtomicLong FAILED = new AtomicLong();
  private static final AtomicLong SEGMENTS_PLANNED = new AtomicLong();
  private static final AtomicLong SEGMENTS_DONE = new AtomicLong();
  private static final DoubleAdder MEDIA_SECONDS = new DoubleAdder();

  private JobProgress() {}

  /** Counts so far. */
  public record Snapshot(long matched, long finished, long failed, long segmentsPlanned, long segmentsDone,
      double mediaSeconds) {}

  public static Snapshot snapshot() {
    return new Snapshot(MATCHED.get(), FINISHED.get(), FAILED.get(), SEGMENTS_PLANNED.get(), SEGMENTS_DONE.get(),
        MEDIA_SECONDS.sum());
  }

  /** Back to zero, before a job starts. */
  public static void reset() {
    MATCHED.set(0);
    FINISHED.set(0);
    FAILED.set(0);
    SEGMENTS_PLANNED.set(0);
    SEGMENTS_DONE.set(0);
    MEDIA_SECONDS.reset();
  }

  public static void matched() {
    MATCHED.incrementAndGet();
  }

  /** One input done, with its media seconds (0 when unknown). */
  public static void finished(boolean ok, double mediaSeconds) {
    FINISHED.incrementAndGet();
    if (!ok) {
      FAILED.incrementAndGet();
    }
    if (mediaSeconds > 0) {
      MEDIA_SECONDS.add(mediaSeconds);
    }
  }

  public static void segmentsPlanned(int n) {
    SEGMENTS_PLANNED.addAndGet(n);
  }

  public static void segmentDone() {
    SEGMENTS_DONE.incrementAndGet();
  }
}
