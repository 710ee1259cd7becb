package dev.gstbeam.pipelines.xlang;

import dev.gstbeam.MediaIO;
import java.util.List;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.schemas.transforms.SchemaTransform;
import org.apache.beam.sdk.schemas.transforms.SchemaTransformProvider;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollectionRowTuple;
import org.apache.beam.sdk.values.Row;

/**
 * {@code MediaIO.transcode()} as a schema transform, for other SDKs through an expansion service.
 * Configuration: {@code pattern} and {@code output_root} (required); {@code profile} (default
 * {@code mp4-h264-aac}), {@code preset}, {@code crf}, {@code segment_seconds} (optional). Output
 * {@code output}: one MigrationResult row per input.
 */
public final class TranscodeSchemaTransformProvider implements SchemaTransformProvider {
  public static final String IDENTIFIER = "beam:schematransform:org.gstbeam:transcode:v1";

  public static final Schema CONFIGURATION = Schema.builder()
      .addField(Schema.Field.of("pattern", Schema.FieldType.STRING)
          .withDescription("Files to migrate: a path, a glob or a file system URI pattern."))
      .addField(Schema.Field.of("output_root", Schema.FieldType.STRING)
          .withDescription("Output root: outputs mirror the inputs' paths below the pattern's fixed prefix."))
      .addField(Schema.Field.nullable("profile", Schema.FieldType.STRING)
          .withDescription("Built-in profile name or JSON profile file (default mp4-h264-aac)."))
      .addField(Schema.Field.nullable("preset", Schema.FieldType.STRING)
          .withDescription("Encoder preset override (x264 names, ultrafast ... veryslow)."))
      .addField(Schema.Field.nullable("crf", Schema.FieldType.INT64)
          .withDescription("Constant-quality override."))
      .addField(Schema.Field.nullable("segment_seconds", Schema.FieldType.DOUBLE)
          .withDescription("Segment length for long inputs; 0 or absent: whole files."))
      .build();

  @Override
  public String identifier() {
    return IDENTIFIER;
  }

  @Override
  public String description() {
    return "Transcodes the media files matching a pattern with a gstbeam profile, verifies each output "
        + "and commits it under output_root (gstbeam MediaIO.transcode()). "
        + "Output 'output': one MigrationResult row per input.";
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
    return List.of("output");
  }

  @Override
  public SchemaTransform from(Row c) {
    String pattern = c.getString("pattern");
    String root = c.getString("output_root");
    if (pattern == null || pattern.isBlank() || root == null || root.isBlank()) {
      throw new IllegalArgumentException("transcode: 'pattern' and 'output_root' are required");
    }
    MediaIO.Transcode t = MediaIO.transcode().from(pattern).to(root);
    String profile = c.getString("profile");
    if (profile != null) {
      t = t.withProfile(profile); // an unknown name fails here, naming the valid ones
    }
    String preset = c.getString("preset");
    if (preset != null) {
      t = t.withPreset(preset);
    }
    Long crf = c.getInt64("crf");
    if (crf != null) {
      t = t.withCrf(Math.toIntExact(crf));
    }
    Double segment = c.getDouble("segment_seconds");
    if (segment != null) {
      t = t.withSegmentSeconds(segment);
    }
    return new Transcode(t);
  }

  static final class Transcode extends SchemaTransform {
    private static final long serialVersionUID = 1L;
    private final MediaIO.Transcode transcode;

    Transcode(MediaIO.Transcode transcode) {
      this.transcode = transcode;
    }

    @Override
    public PCollectionRowTuple expand(PCollectionRowTuple input) {
      return PCollectionRowTuple.of("output",
          PBegin.in(input.getPipeline()).apply("TranscodeMedia", transcode)
              .apply("MigrationResultRows", Rows.of(Rows.MIGRATION_RESULT)));
    }
  }
}
