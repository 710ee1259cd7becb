package dev.gstbeam.pipelines.probe;

import dev.gstbeam.model.Failure;
import dev.gstbeam.model.MediaInfo;
import org.apache.beam.sdk.coders.SerializableCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.TypeDescriptor;
import org.apache.beam.sdk.values.TypeDescriptors;

/** Counts successes and failures into one summary JSON line (without wall time, which the driver adds). */
public final class Summarize extends PTransform<PCollection<MediaInfo>, PCollection<String>> {
  private static final long serialVersionUID = 1L;
  private final PCollection<Failure> failures;

  private Summarize(PCollection<Failure> failures) {
    this.failures = failures;
  }

  public static Summarize withFailures(PCollection<Failure> failures) {
    return new Summarize(failures);
  }

  @Override
  public PCollection<String> expand(PCollection<MediaInfo> media) {
    PCollection<Summary> ok =
        media
            .apply("OkToSummary", MapElements.into(TypeDescriptor.of(Summary.class)).via(Summarize::ofMedia))
            .setCoder(SerializableCoder.of(Summary.class));
    PCollection<Summary> failed =
        failures
            .apply("FailureToSummary", MapElements.into(TypeDescriptor.of(Summary.class)).via(Summarize::ofFailure))
            .setCoder(SerializableCoder.of(Summary.class));
    return PCollectionList.of(ok)
        .and(failed)
        .apply("All", Flatten.pCollections())
        .apply(
            "Sum",
            Combine.globally((SerializableFunction<Iterable<Summary>, Summary>) Summarize::sum))
        .setCoder(SerializableCoder.of(Summary.class))
        .apply("ToJson", MapElements.into(TypeDescriptors.strings()).via(s -> s.toJson(null)))
        .setCoder(StringUtf8Coder.of());
  }

  private static Summary sum(Iterable<Summary> parts) {
    Summary total = new Summary();
    for (Summary s : parts) {
      total.merge(s);
    }
    return total;
  }

  static Summary ofMedia(MediaInfo m) {
    Summary s = new Summary();
    s.succeeded = 1;
    s.mediaSeconds = m.getDurationSeconds() == null ? 0 : m.getDurationSeconds();
    return s;
  }

  static Summary ofFailure(Failure f) {
    Summary s = new Summary();
    s.failed = 1;
    s.failuresByReason.put(f.getReason(), 1L);
    return s;
  }
}
