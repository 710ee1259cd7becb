package dev.gstbeam.pipelines.io;

import dev.gstbeam.internal.json.AvroJson;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.beam.sdk.extensions.avro.coders.AvroCoder;
import org.apache.beam.sdk.extensions.avro.io.AvroIO;
import org.apache.beam.sdk.io.FileIO;
import org.apache.beam.sdk.io.TextIO;
import org.apache.beam.sdk.io.parquet.ParquetIO;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PDone;
import org.apache.beam.sdk.values.TypeDescriptor;
import org.apache.beam.sdk.values.TypeDescriptors;

/**
 * Writes Avro-generated records as a catalog under a directory: {@code <dir>/<prefix>-SSSSS-of-NNNNN.<suffix>}
 * in JSON Lines, Avro or Parquet. All three carry the same field names (the .avsc schema).
 */
public final class CatalogWriter<T extends SpecificRecordBase>
    extends PTransform<PCollection<T>, PDone> {
  private static final long serialVersionUID = 1L;
  private final Class<T> type;
  private final CatalogFormat format;
  private final String directory;
  private final String prefix;

  private CatalogWriter(Class<T> type, CatalogFormat format, String directory, String prefix) {
    this.type = type;
    this.format = format;
    this.directory = directory;
    this.prefix = prefix;
  }

  public static <T extends SpecificRecordBase> CatalogWriter<T> of(
      Class<T> type, CatalogFormat format, String directory, String prefix) {
    return new CatalogWriter<>(type, format, directory, prefix);
  }

  @Override
  public PDone expand(PCollection<T> records) {
    String base = directory.endsWith("/") ? directory : directory + "/";
    switch (format) {
      case JSONL:
        records
            .apply("ToJson", MapElements.into(TypeDescriptors.strings()).via(r -> AvroJson.toJsonLine(r)))
            .apply("WriteJsonl", TextIO.write().to(base + prefix).withSuffix(".jsonl"));
        return PDone.in(records.getPipeline());
      case AVRO:
        records.apply("WriteAvro", AvroIO.write(type).to(base + prefix).withSuffix(".avro"));
        return PDone.in(records.getPipeline());
      case PARQUET:
        Schema schema = AvroCoder.of(type).getSchema();
        records
            .apply(
                "ToGeneric",
                MapElements.into(TypeDescriptor.of(GenericRecord.class)).via((T r) -> (GenericRecord) r))
            .setCoder(AvroCoder.of(GenericRecord.class, schema))
            .apply(
                "WriteParquet",
                FileIO.<GenericRecord>write()
                    .via(ParquetIO.sink(schema))
                    .to(directory)
                    .withPrefix(prefix)
                    .withSuffix(".parquet"));
        return PDone.in(records.getPipeline());
      default:
        throw new IllegalStateException("format " + format);
    }
  }
}
