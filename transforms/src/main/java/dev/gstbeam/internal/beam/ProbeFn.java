package dev.gstbeam.internal.beam;

import dev.gstbeam.FailureReason;
import dev.gstbeam.Stage;
import dev.gstbeam.internal.gst.ProbeOutcome;
import dev.gstbeam.model.Failure;
import dev.gstbeam.model.MediaInfo;
import java.io.IOException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import org.apache.beam.sdk.io.FileIO;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Distribution;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.values.TupleTag;

/**
 * Probes each file with one GStreamer discoverer per bundle. Every input ends in exactly one output:
 * a {@link MediaInfo} on the main tag or a {@link Failure} on the failure tag.
 */
public final class ProbeFn extends ProbingDoFn<FileIO.ReadableFile, MediaInfo> {
  private static final long serialVersionUID = 1L;

  private static final Counter PROBED = Metrics.counter(ProbeFn.class, "files_probed");
  private static final Counter FAILED = Metrics.counter(ProbeFn.class, "files_failed");
  private static final Counter BYTES = Metrics.counter(ProbeFn.class, "bytes_in");
  private static final Distribution MEDIA_MILLIS = Metrics.distribution(ProbeFn.class, "media_millis");
  private static final Distribution PROBE_MILLIS = Metrics.distribution(ProbeFn.class, "probe_millis");

  private final TupleTag<MediaInfo> mediaTag;
  private final TupleTag<Failure> failureTag;
  private final String scratchDir;
  private final dev.gstbeam.Limits limits;
  private final boolean isolated;

  public ProbeFn(TupleTag<MediaInfo> mediaTag, TupleTag<Failure> failureTag, Duration timeout, String scratchDir,
      dev.gstbeam.Limits limits, boolean isolated) {
    super(timeout);
    this.limits = limits;
    this.isolated = isolated;
    this.mediaTag = mediaTag;
    this.failureTag = failureTag;
    this.scratchDir = scratchDir;
  }


  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ProbeFn.class);

  @ProcessElement
  public void process(@Element FileIO.ReadableFile file, MultiOutputReceiver out) {
    long start = System.nanoTime();
    ProbeOutcome outcome;
    String uri = LocalMedia.uriOf(file);
    useScratchDirectory();
    attempts = 1;
    String tooBig = limits.fileSizeProblem(file.getMetadata().sizeBytes());
    try (LocalMedia media = tooBig != null ? null : LocalMedia.of(file)) {
      outcome = tooBig != null
          ? ProbeOutcome.failed(FailureReason.LIMIT_EXCEEDED, tooBig)
          : isolated ? probeInWorker(media) : prober().probe(media.path(), media.uri(), media.sizeBytes());
    } catch (ScratchArea.FullException e) {
      outcome = ProbeOutcome.failed(FailureReason.LIMIT_EXCEEDED, oneLine(e));
    } catch (IOException e) {
      outcome = ProbeOutcome.failed(FailureReason.IO_ERROR, oneLine(e));
    } catch (RuntimeException e) {
      // INTERNAL is gstbeam's own fault, not the input's: the stack trace goes to the log.
      LOG.warn("probing {} failed inside gstbeam", uri, e);
      outcome = ProbeOutcome.failed(FailureReason.INTERNAL, e.getClass().getSimpleName() + ": " + oneLine(e));
    }
    PROBE_MILLIS.update((System.nanoTime() - start) / 1_000_000);
    BYTES.inc(file.getMetadata().sizeBytes());
    dev.gstbeam.JobProgress.finished(outcome.succeeded(), outcome.succeeded()
        && outcome.media().getDurationSeconds() != null ? outcome.media().getDurationSeconds() : 0);
    if (outcome.succeeded()) {
      PROBED.inc();
      Double d = outcome.media().getDurationSeconds();
      if (d != null) {
        MEDIA_MILLIS.update(Math.round(d * 1000));
      }
      out.get(mediaTag).output(outcome.media());
    } else {
      FAILED.inc();
      Metrics.counter(ProbeFn.class, "failures_" + outcome.reason().name()).inc();
      out.get(failureTag).output(Failures.of(uri, Stage.PROBE, outcome.reason(), outcome.message(), attempts));
    }
  }


  private ProbeOutcome probeInWorker(LocalMedia media) throws IOException {
    dev.gstbeam.internal.worker.Workers.Result<ProbeOutcome> r = dev.gstbeam.internal.worker.Workers.call(
        new dev.gstbeam.internal.worker.ProbeTask(media.path().toString(), media.uri(), media.sizeBytes(),
            probeTimeoutMillis()), Duration.ofMillis(probeTimeoutMillis()).plusSeconds(30));
    if (r.ok()) {
      return r.value();
    }
    attempts = r.attempts();
    return ProbeOutcome.failed(r.timedOut() ? FailureReason.TIMEOUT
        : r.crash() != null ? FailureReason.CORRUPT : FailureReason.INTERNAL, r.message());
  }

  private transient int attempts;

  private void useScratchDirectory() {
    // The scratch area is one per worker JVM: the first directory configured there wins.
    if (scratchDir != null && System.getProperty(ScratchArea.DIR_PROPERTY) == null) {
      System.setProperty(ScratchArea.DIR_PROPERTY, scratchDir);
    }
  }

  static String oneLine(Throwable e) {
    String m = e.getMessage();
    if (m == null) {
      return e.getClass().getSimpleName();
    }
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl);
  }
}
