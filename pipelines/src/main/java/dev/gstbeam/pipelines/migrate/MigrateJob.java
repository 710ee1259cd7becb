package dev.gstbeam.pipelines.migrate;

import dev.gstbeam.MediaIO;
import dev.gstbeam.model.MigrationResult;
import dev.gstbeam.pipelines.io.CatalogFormat;
import dev.gstbeam.pipelines.io.CatalogWriter;
import dev.gstbeam.pipelines.io.JobOutputs;
import dev.gstbeam.pipelines.probe.Summary;
import dev.gstbeam.pipelines.report.Report;
import java.io.IOException;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.coders.SerializableCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.io.TextIO;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TypeDescriptor;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The migrate job: every input probed, transcoded with the profile, verified and committed; one row
 * per input in {@code _manifest/results-*.jsonl} and {@code .avro}, and {@code _manifest/summary.json}.
 */
public final class MigrateJob {
  private static final Logger LOG = LoggerFactory.getLogger(MigrateJob.class);

  private final MediaIO.Transcode transcode;
  private final String output;

  public MigrateJob(MediaIO.Transcode transcode, String output) {
    this.transcode = transcode;
    this.output = output;
  }

  public static String manifestDir(String output) {
    return (output.endsWith("/") ? output : output + "/") + "_manifest";
  }

  public void expandInto(Pipeline p) {
    String manifest = manifestDir(output);
    PCollection<MigrationResult> rows = p.apply("Migrate", transcode);
    rows.apply("WriteResultsJson", CatalogWriter.of(MigrationResult.class, CatalogFormat.JSONL, manifest, "results"));
    rows.apply("WriteResultsAvro", CatalogWriter.of(MigrationResult.class, CatalogFormat.AVRO, manifest, "results"));
    rows.apply("ToSummary", MapElements.into(TypeDescriptor.of(Summary.class)).via(MigrateJob::summaryOf))
        .setCoder(SerializableCoder.of(Summary.class))
        .apply("Sum", Combine.globally((SerializableFunction<Iterable<Summary>, Summary>) Summary::sum))
        .setCoder(SerializableCoder.of(Summary.class))
        .apply("SummaryJson", MapElements.into(TypeDescriptors.strings()).via(s -> s.toJson(null)))
        .setCoder(StringUtf8Coder.of())
        .apply("WriteSummary",
            TextIO.write().to(JobOutputs.partialSummaryPrefix(manifest)).withSuffix(".json").withoutSharding());
  }

  static Summary summaryOf(MigrationResult r) {
    boolean ok = "ok".equals(r.getStatus());
    double seconds = r.getSourceDurationSeconds() == null ? 0 : r.getSourceDurationSeconds();
    return Summary.ofOne(ok, r.getReason(), seconds);
  }

  /** Runs to completion; returns the summary (written with the wall time). */
  public Summary run(PipelineOptions options) throws IOException {
    long start = System.nanoTime();
    Pipeline p = Pipeline.create(options);
    JobOutputs.clearPrevious(manifestDir(output), "results-", "summary.json", "_summary-partial", "report.html");
    expandInto(p);
    PipelineResult.State state = p.run().waitUntilFinish();
    if (state != PipelineResult.State.DONE) {
      throw new IllegalStateException("the job ended in state " + state);
    }
    Summary summary = JobOutputs.finishSummary(manifestDir(output), (System.nanoTime() - start) / 1e9);
    try {
      Report.write(manifestDir(output));
    } catch (IOException | RuntimeException e) {
      // The rows and summary.json are the job's record; the page is a view of them.
      LOG.warn("could not write {}/report.html: {}", manifestDir(output), e.toString());
    }
    return summary;
  }
}
