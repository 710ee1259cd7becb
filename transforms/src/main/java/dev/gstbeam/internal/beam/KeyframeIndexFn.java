package dev.gstbeam.internal.beam;

import dev.gstbeam.FailureReason;
import dev.gstbeam.Stage;
import dev.gstbeam.internal.gst.BusOutcome;
import dev.gstbeam.internal.gst.GstRuntime;
import dev.gstbeam.internal.gst.StreamScan;
import dev.gstbeam.model.Failure;
import dev.gstbeam.model.KeyframeIndex;
import java.io.IOException;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.io.FileIO;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.values.TupleTag;

/** Indexes the keyframes of each file's first video stream by demuxing and parsing (no decoding). */
public final class KeyframeIndexFn extends DoFn<FileIO.ReadableFile, KeyframeIndex> {
  private static final long serialVersionUID = 1L;
  private static final Counter INDEXED = Metrics.counter(KeyframeIndexFn.class, "files_indexed");
  private static final Counter FRAMES = Metrics.counter(KeyframeIndexFn.class, "frames_indexed");

  private final TupleTag<KeyframeIndex> indexTag;
  private final TupleTag<Failure> failureTag;
  private final long timeoutMillis;

  public KeyframeIndexFn(TupleTag<KeyframeIndex> indexTag, TupleTag<Failure> failureTag, Duration timeout) {
    this.indexTag = indexTag;
    this.failureTag = failureTag;
    this.timeoutMillis = timeout.toMillis();
  }

  @Setup
  public void setup() {
    GstRuntime.ensureInitialized();
  }

  @ProcessElement
  public void process(@Element FileIO.ReadableFile file, MultiOutputReceiver out) {
    String uri = LocalMedia.uriOf(file);
    FailureReason reason;
    String message;
    try (LocalMedia media = LocalMedia.of(file)) {
      StreamScan.Result scan = StreamScan.scan(media.path(), true, Duration.ofMillis(timeoutMillis));
      BusOutcome bus = scan.outcome();
      if (bus.ok()) {
        out.get(indexTag).output(toIndex(uri, scan));
        INDEXED.inc();
        return;
      }
      if (bus.end() == BusOutcome.End.TIMEOUT) {
        reason = FailureReason.TIMEOUT;
        message = "no end of stream within " + timeoutMillis + " ms";
      } else {
        reason = bus.error() == null ? FailureReason.CORRUPT : bus.error().reason();
        message = bus.error() == null ? "pipeline error" : bus.error().message();
      }
    } catch (ScratchArea.FullException e) {
      reason = FailureReason.LIMIT_EXCEEDED;
      message = ProbeFn.oneLine(e);
    } catch (IOException e) {
      reason = FailureReason.IO_ERROR;
      message = ProbeFn.oneLine(e);
    } catch (RuntimeException e) {
      reason = FailureReason.INTERNAL;
      message = e.getClass().getSimpleName() + ": " + ProbeFn.oneLine(e);
    }
    out.get(failureTag)
.output(Failures.of(uri, Stage.PROBE, reason, message, 1));
  }

  static KeyframeIndex toIndex(String uri, StreamScan.Result scan) {
    StreamScan.ScannedStream video = null;
    for (StreamScan.ScannedStream s : scan.streams()) {
      String caps = s.caps();
      if (caps != null && (caps.startsWith("video/") || caps.startsWith("image/"))) {
        video = s;
        break;
      }
    }
    List<Double> pts = new ArrayList<>();
    List<Long> numbers = new ArrayList<>();
    long frames = 0;
    Double first = null;
    if (video != null) {
      frames = video.frames();
      FRAMES.inc(frames);
      first = video.firstPtsNanos() >= 0 ? video.firstPtsNanos() / 1e9 : null;
      for (long p : video.keyframePtsNanos()) {
        pts.add(p >= 0 ? p / 1e9 : Double.NaN);
      }
      numbers.addAll(video.keyframeNumbers());
    }
    return KeyframeIndex.newBuilder()
        .setUri(uri)
        .setFrames(frames)
        .setFirstPtsSeconds(first)
        .setKeyframePtsSeconds(pts)
        .setKeyframeFrameNumbers(numbers)
        .setDurationSeconds(scan.durationNanos() > 0 ? scan.durationNanos() / 1e9 : null)
        .build();
  }
}
