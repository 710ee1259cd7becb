package dev.gstbeam.pipelines.xlang;

import dev.gstbeam.model.Failure;
import dev.gstbeam.model.MediaInfo;
import dev.gstbeam.model.MigrationResult;
import org.apache.avro.generic.GenericRecord;
import org.apache.beam.sdk.extensions.avro.schemas.utils.AvroUtils;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;

/**
 * The records of {@code transforms/src/main/avro} as Beam rows: the same field names (snake_case),
 * nested records as rows, unions with null as nullable fields, maps and arrays as such.
 */
public final class Rows {
  private Rows() {}

  public static final Schema MEDIA_INFO = AvroUtils.toBeamSchema(MediaInfo.getClassSchema());
  public static final Schema FAILURE = AvroUtils.toBeamSchema(Failure.getClassSchema());
  public static final Schema MIGRATION_RESULT = AvroUtils.toBeamSchema(MigrationResult.getClassSchema());

  /** Avro records to rows of {@code schema}, with a schema'd row coder on the output. */
  public static <T extends GenericRecord> PTransform<PCollection<T>, PCollection<Row>> of(Schema schema) {
    return new PTransform<>() {
      @Override
      public PCollection<Row> expand(PCollection<T> input) {
        return input.apply(ParDo.of(new ToRowFn<T>(schema))).setRowSchema(schema);
      }
    };
  }

  private static final class ToRowFn<T extends GenericRecord> extends DoFn<T, Row> {
    private static final long serialVersionUID = 1L;
    private final Schema schema;

    ToRowFn(Schema schema) {
      this.schema = schema;
    }

    @ProcessElement
    public void process(@Element T record, OutputReceiver<Row> out) {
      out.output(AvroUtils.toBeamRowStrict(record, schema));
    }
  }
}
