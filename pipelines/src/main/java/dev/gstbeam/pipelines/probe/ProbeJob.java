package dev.gstbeam.pipelines.probe;

import dev.gstbeam.MediaIO;
import dev.gstbeam.ProbeResult;
import dev.gstbeam.model.Failure;
import dev.gstbeam.model.MediaInfo;
import dev.gstbeam.pipelines.io.CatalogFormat;
import dev.gstbeam.pipelines.io.CatalogWriter;
import dev.gstbeam.pipelines.io.JobOutputs;
import java.io.IOException;
import java.time.Duration;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.io.TextIO;
import org.apache.beam.sdk.options.PipelineOptions;

/**
 * The probe job: match inputs, probe each one, write the catalog ({@code media-*}), the failures
 * ({@code failures-*}) and {@code summary.json} under the output directory.
 */
public final class ProbeJob {
  private final String input;
  private final String output;
  private final CatalogFormat format;
  private final Duration timeout;

  private dev.gstbeam.Limits limits = dev.gstbeam.Limits.defaults();

  /** Bounds (probe checks the file size before reading anything). */
  public ProbeJob withLimits(dev.gstbeam.Limits l) {
    this.limits = l;
    return this;
  }

  private boolean isolated;

  /** Probes in worker processes ({@code --isolation process}). */
  public ProbeJob withProcessIsolation(boolean on) {
    this.isolated = on;
    return this;
  }

  public ProbeJob(String input, String output, CatalogFormat format, Duration timeout) {
    this.input = input;
    this.output = output;
    this.format = format;
    this.timeout = timeout;
  }

  /** Builds the pipeline on {@code p}. */
  public void expandInto(Pipeline p) {
    ProbeResult<MediaInfo> probed = p.apply("ProbeMedia", MediaIO.probe().from(input).withTimeout(timeout).withLimits(limits).withProcessIsolation(isolated));
    probed.output().apply("WriteCatalog", CatalogWriter.of(MediaInfo.class, format, output, "media"));
    probed.failures().apply("WriteFailures", CatalogWriter.of(Failure.class, format, output, "failures"));
    probed
        .output()
        .apply("Summarize", Summarize.withFailures(probed.failures()))
        .apply(
            "WriteSummary",
            TextIO.write().to(JobOutputs.partialSummaryPrefix(output)).withSuffix(".json").withoutSharding());
  }

  /** Runs the job to completion and returns its summary, with summary.json written. */
  public Summary run(PipelineOptions options) throws IOException {
    long start = System.nanoTime();
    Pipeline p = Pipeline.create(options);
    JobOutputs.clearPrevious(output, "media-", "failures-", "summary.json", "_summary-partial");
    expandInto(p);
    PipelineResult result = p.run();
    PipelineResult.State state = result.waitUntilFinish();
    if (state != PipelineResult.State.DONE) {
      throw new IllegalStateException("the job ended in state " + state);
    }
    double wall = (System.nanoTime() - start) / 1e9;
    return JobOutputs.finishSummary(output, wall);
  }
}
