package dev.gstbeam;

import dev.gstbeam.model.Failure;
import java.util.Map;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.PInput;
import org.apache.beam.sdk.values.POutput;
import org.apache.beam.sdk.values.PValue;
import org.apache.beam.sdk.values.TupleTag;

/**
 * The two outputs of a media transform: one record per input that worked, and one {@link Failure} per
 * input that did not. Every input lands in exactly one of them.
 *
 * @param <T> the record type of successful inputs
 */
public final class ProbeResult<T> implements POutput {
  private final Pipeline pipeline;
  private final TupleTag<T> outputTag;
  private final PCollection<T> output;
  private final TupleTag<Failure> failureTag;
  private final PCollection<Failure> failures;

  ProbeResult(PCollectionTuple tuple, TupleTag<T> outputTag, TupleTag<Failure> failureTag) {
    this.pipeline = tuple.getPipeline();
    this.outputTag = outputTag;
    this.output = tuple.get(outputTag);
    this.failureTag = failureTag;
    this.failures = tuple.get(failureTag);
  }

  /** Records of the inputs that worked. */
  public PCollection<T> output() {
    return output;
  }

  /** One record per input that failed, with stage, reason and message. */
  public PCollection<Failure> failures() {
    return failures;
  }

  @Override
  public Pipeline getPipeline() {
    return pipeline;
  }

  @Override
  public Map<TupleTag<?>, PValue> expand() {
    return Map.of(outputTag, output, failureTag, failures);
  }

  @Override
  public void finishSpecifyingOutput(
      String transformName, PInput input, PTransform<?, ?> transform) {}
}
