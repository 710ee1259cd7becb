package dev.gstbeam.pipelines;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

import dev.gstbeam.internal.json.AvroJson;
import dev.gstbeam.model.Failure;
import dev.gstbeam.model.MediaInfo;
import dev.gstbeam.pipelines.cli.Main;
import dev.gstbeam.testing.TestData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.avro.file.DataFileReader;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.avro.AvroParquetReader;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.junit.BeforeClass;
import org.junit.ClassRule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * The same probe job in the three catalog formats: the Avro files (read with Avro's own reader) and the
 * Parquet files (read with parquet-avro, an independent reader) hold exactly the records of the JSON
 * Lines output.
 */
public class CatalogRoundTripIT {
  @ClassRule public static final TemporaryFolder TMP = new TemporaryFolder();

  private static Path input;

  @BeforeClass
  public static void inputs() throws IOException {
    input = TMP.newFolder("in").toPath();
    for (String f :
        List.of(
            "androidx-media/mp4/sample.mp4",
            "androidx-media/mkv/sample_with_chapters.mkv",
            "androidx-media/mp3/bear-id3.mp3",
            "other/vp9_opus_webvtt.webm",
            "other/broken_mp4_truncated_no_moov.mp4")) {
      Path src = TestData.corpusFile(f);
      Files.copy(src, input.resolve(src.getFileName()));
    }
  }

  private static Path run(String format) throws IOException {
    Path out = TMP.newFolder("out-" + format).toPath();
    int rc = Main.run("probe", "--input", input + "/*", "--output", out.toString(), "--format", format, "--runner", "direct");
    assertThat("exit code (one damaged input)", rc, equalTo(3));
    return out;
  }

  private static List<String> jsonl(Path out, String prefix) throws IOException {
    List<String> lines = new ArrayList<>();
    try (var files = Files.list(out)) {
      for (Path p : files.filter(p -> p.getFileName().toString().startsWith(prefix + "-")).collect(Collectors.toList())) {
        for (String l : Files.readAllLines(p)) {
          if (!l.isBlank()) {
            lines.add(l);
          }
        }
      }
    }
    return lines;
  }

  private static List<Path> files(Path out, String prefix, String suffix) throws IOException {
    try (var files = Files.list(out)) {
      return files
          .filter(p -> p.getFileName().toString().startsWith(prefix + "-") && p.toString().endsWith(suffix))
          .collect(Collectors.toList());
    }
  }

  @Test
  public void avroAndParquetHoldTheJsonRecords() throws Exception {
    TreeSet<String> json = new TreeSet<>(jsonl(run("jsonl"), "media"));
    assertThat(json, hasSize(4));

    Path avroOut = run("avro");
    TreeSet<String> fromAvro = new TreeSet<>();
    for (Path p : files(avroOut, "media", ".avro")) {
      try (DataFileReader<MediaInfo> r = new DataFileReader<>(p.toFile(), new SpecificDatumReader<>(MediaInfo.class))) {
        r.forEach(m -> fromAvro.add(AvroJson.toJsonLine(m)));
      }
    }
    TreeSet<String> failuresAvro = new TreeSet<>();
    for (Path p : files(avroOut, "failures", ".avro")) {
      try (DataFileReader<Failure> r = new DataFileReader<>(p.toFile(), new SpecificDatumReader<>(Failure.class))) {
        r.forEach(f -> failuresAvro.add(f.getReason().toString()));
      }
    }

    Path parquetOut = run("parquet");
    TreeSet<String> fromParquet = new TreeSet<>();
    for (Path p : files(parquetOut, "media", ".parquet")) {
      try (ParquetReader<GenericRecord> r =
          AvroParquetReader.<GenericRecord>builder(
                  HadoopInputFile.fromPath(new org.apache.hadoop.fs.Path(p.toUri()), new Configuration()))
              .withDataModel(GenericData.get())
              .build()) {
        for (GenericRecord g = r.read(); g != null; g = r.read()) {
          fromParquet.add(AvroJson.toJsonLine(g));
        }
      }
    }

    assertThat(fromAvro, equalTo(json));
    assertThat(fromParquet, equalTo(json));
    assertThat(failuresAvro, equalTo(new TreeSet<>(List.of("CORRUPT"))));
  }

}
