package dev.gstbeam.pipelines.xlang;

import dev.gstbeam.MediaIO;
import dev.gstbeam.ProbeResult;
import dev.gstbeam.model.MediaInfo;
import java.time.Duration;
import java.util.List;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.schemas.transforms.SchemaTransform;
import org.apache.beam.sdk.schemas.transforms.SchemaTransformProvider;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollectionRowTuple;
import org.apache.beam.sdk.values.Row;

/**
 * {@code MediaIO.probe()} as a schema transform, for other SDKs through an expansion service
 * ({@code gstbeam expansion-service}). Configuration: {@code pattern} (required), {@code timeout_seconds}
 * (optional, default 30). Outputs: {@code output} (rows of the MediaInfo schema) and {@code failures}
 * (rows of the Failure schema).
 */
public final class ProbeSchemaTransformProvider implements SchemaTransformProvider {
  public static final String IDENTIFIER = "beam:schematransform:org.gstbeam:probe:v1";

  public static final Schema CONFIGURATION = Schema.builder()
      .addField(Schema.Field.of("pattern", Schema.FieldType.STRING)
          .withDescription("Files to probe: a path, a glob (dir/*.mp4, dir/**) or a file system URI pattern."))
      .addField(Schema.Field.nullable("timeout_seconds", Schema.FieldType.INT64)
          .withDescription("Watchdog per file, seconds (default 30)."))
      .build();

  @Override
  public String identifier() {
    return IDENTIFIER;
  }

  @Override
  public String description() {
    return "Probes the media files matching a pattern with GStreamer (gstbeam MediaIO.probe()). "
        + "Output 'output': one MediaInfo row per readable file (ffprobe's vocabulary); "
        + "output 'failures': one Failure row per file that could not be probed.";
  }

  @Override
  public Schema configurationSchema() {
    return CONFIGURATION;
  }

  @Override
  public List<String> inputCollectionNames() {
    return List.of();
  }

  @Override
  public List<String> outputCollectionNames() {
    return List.of("output", "failures");
  }

  @Override
  public SchemaTransform from(Row configuration) {
    String pattern = configuration.getString("pattern");
    if (pattern == null || pattern.isBlank()) {
      throw new IllegalArgumentException("probe: 'pattern' is required");
    }
    Long timeout = configuration.getInt64("timeout_seconds");
    if (timeout != null && timeout <= 0) {
      throw new IllegalArgumentException("probe: 'timeout_seconds' must be positive, was " + timeout);
    }
    return new Probe(pattern, timeout);
  }

  static final class Probe extends SchemaTransform {
    private static final long serialVersionUID = 1L;
    private final String pattern;
    private final Long timeoutSeconds;

    Probe(String pattern, Long timeoutSeconds) {
      this.pattern = pattern;
      this.timeoutSeconds = timeoutSeconds;
    }

    @Override
    public PCollectionRowTuple expand(PCollectionRowTuple input) {
      MediaIO.Probe probe = MediaIO.probe().from(pattern);
      if (timeoutSeconds != null) {
        probe = probe.withTimeout(Duration.ofSeconds(timeoutSeconds));
      }
      ProbeResult<MediaInfo> r = PBegin.in(input.getPipeline()).apply("ProbeMedia", probe);
      return PCollectionRowTuple.of(
          "output", r.output().apply("MediaInfoRows", Rows.of(Rows.MEDIA_INFO)),
          "failures", r.failures().apply("FailureRows", Rows.of(Rows.FAILURE)));
    }
  }
}
