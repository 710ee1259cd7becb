package dev.gstbeam;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.equalTo;

import dev.gstbeam.model.Failure;
import dev.gstbeam.model.MediaInfo;
import dev.gstbeam.model.Stream;
import dev.gstbeam.testing.TestData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.io.FileIO;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * The probe transform's contract, run by a subclass per runner: real GStreamer on real media plus
 * damaged inputs; every input lands in exactly one output with the right reason.
 */
public abstract class MediaIOProbeContract {
  @Rule public final TemporaryFolder tmp = new TemporaryFolder();

  /** Options selecting the runner under test. */
  protected abstract PipelineOptions options();

  /** Good inputs and what ffprobe 5.1 says of them (container, first video or audio codec). */
  private static final String[][] GOOD = {
    {"androidx-media/mp4/sample.mp4", "mp4", "h264", "aac"},
    {"androidx-media/mkv/sample_with_chapters.mkv", "matroska", "h264", "aac"},
    {"androidx-media/flac/bear.flac", "flac", null, "flac"},
    {"androidx-media/wav/sample.wav", "wav", null, "pcm_s16le"},
    {"other/theora_vorbis.ogv", "ogg", "theora", "vorbis"},
    {"other/h264_aac_pcr_rollover.ts", "mpegts", "h264", "aac"},
  };

  @Test
  public void everyInputLandsOnceWithTheRightReason() throws IOException {
    Path dir = tmp.newFolder("inputs").toPath();
    for (String[] g : GOOD) {
      Path src = TestData.corpusFile(g[0]);
      Files.copy(src, dir.resolve(src.getFileName()));
    }
    TestData.Damaged.zeroBytes(dir);
    TestData.Damaged.randomBytes(dir);
    TestData.Damaged.textRenamed(dir);
    Files.copy(TestData.Damaged.truncated(), dir.resolve("truncated.mp4"));
    Files.copy(TestData.Damaged.headerDamaged(), dir.resolve("header-damaged.wav"));

    Pipeline p = Pipeline.create(options());
    ProbeResult<MediaInfo> r = p.apply(MediaIO.probe().from(dir + "/*"));

    List<KV<String, String>> expectedMedia = new ArrayList<>();
    for (String[] g : GOOD) {
      String name = Path.of(g[0]).getFileName().toString();
      expectedMedia.add(KV.of(name, g[1] + "/" + (g[2] != null ? g[2] : "-") + "/" + g[3]));
    }
    PAssert.that(r.output().apply("Describe", MapElements.into(
            TypeDescriptors.kvs(TypeDescriptors.strings(), TypeDescriptors.strings()))
        .via(MediaIOProbeContract::describe)))
        .containsInAnyOrder(expectedMedia);
    PAssert.that(r.failures().apply("Reasons", MapElements.into(
            TypeDescriptors.kvs(TypeDescriptors.strings(), TypeDescriptors.strings()))
        .via((Failure f) -> KV.of(fileName(f.getUri()), f.getStage() + "/" + f.getReason()))))
        .containsInAnyOrder(
            KV.of("zero-bytes.mp4", "probe/NOT_MEDIA"),
            KV.of("random-bytes.mkv", "probe/NOT_MEDIA"),
            KV.of("notes.mp4", "probe/NOT_MEDIA"),
            KV.of("truncated.mp4", "probe/CORRUPT"),
            KV.of("header-damaged.wav", "probe/CORRUPT"));
    PAssert.that(r.failures()).satisfies(nonEmptyMessages());
    p.run().waitUntilFinish();
  }

  @Test
  public void hostileFileNamesAreProbed() throws IOException {
    Path dir = tmp.newFolder("names").toPath();
    Path src = TestData.corpusFile("androidx-media/mp4/sample.mp4");
    String[] names = {
      "with space.mp4", "quote'single.mp4", "quote\"double.mp4", "bang!.mp4", "a=b.mp4",
      "Ünïcødé 日本語.mp4", "a ! fakesink name=x.mp4", "semi;colon $HOME `x`.mp4", "hash#pct%20.mp4",
    };
    for (String n : names) {
      Files.copy(src, dir.resolve(n));
    }
    Pipeline p = Pipeline.create(options());
    ProbeResult<MediaInfo> r =
        p.apply(org.apache.beam.sdk.io.FileIO.match().filepattern(dir + "/*"))
            .apply(FileIO.readMatches())
            .apply(MediaIO.probeFiles());
    PAssert.that(r.failures()).empty();
    PAssert.that(
            r.output()
                .apply(MapElements.into(TypeDescriptors.strings())
                    .via((MediaInfo m) -> fileName(m.getUri()) + "|" + m.getStreams().size() + "|" + m.getContainer())))
        .containsInAnyOrder(expectedNames(names));
    p.run().waitUntilFinish();
  }

  private static List<String> expectedNames(String[] names) {
    List<String> out = new ArrayList<>();
    for (String n : names) {
      out.add(n + "|2|mp4");
    }
    return out;
  }

  static KV<String, String> describe(MediaInfo m) {
    String video = "-";
    String audio = "-";
    for (Stream s : m.getStreams()) {
      if (s.getType().equals("video") && video.equals("-")) {
        video = s.getCodec();
      }
      if (s.getType().equals("audio") && audio.equals("-")) {
        audio = s.getCodec();
      }
    }
    return KV.of(fileName(m.getUri()), m.getContainer() + "/" + video + "/" + audio);
  }

  /** The file name of a file:// URI, decoded. */
  static String fileName(String uri) {
    return Path.of(java.net.URI.create(uri)).getFileName().toString();
  }

  private static SerializableFunction<Iterable<Failure>, Void> nonEmptyMessages() {
    return failures -> {
      for (Failure f : failures) {
        assertThat("message of " + f.getUri(), f.getMessage().isBlank(), equalTo(false));
        assertThat("attempts of " + f.getUri(), f.getAttempts(), equalTo(1));
      }
      return null;
    };
  }

}
