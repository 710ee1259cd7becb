package dev.gstbeam;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.closeTo;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;

import dev.gstbeam.model.KeyframeIndex;
import dev.gstbeam.testing.TestData;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.runners.direct.DirectRunner;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.io.FileIO;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.testing.PAssert;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * The keyframe index against ffprobe (the test oracle): the frame count against ffprobe's packet list,
 * the sync points against the intra-coded pictures ffprobe decodes. GStreamer's parsers mark every I
 * picture as a sync point, IDR or not (h264parse), where ffprobe's packet flag marks IDR only; the
 * segment planner treats non-IDR sync points as open-GOP cuts and decodes from the previous one.
 */
public class KeyframeIndexIT {
  @Rule public final TemporaryFolder tmp = new TemporaryFolder();

  private static final List<String> FILES =
      List.of(
          "androidx-media/mkv/sample_with_multiple_key_frames.mkv",
          "androidx-media/ts/sample_h264.ts",
          "androidx-media/mp4/sample.mp4",
          "other/theora_vorbis.ogv");

  /** ffprobe's video packets (total) and I pictures (times relative to the earliest frame). */
  record Oracle(long frames, List<Double> keyframes) implements java.io.Serializable {}

  static Oracle ffprobe(Path file) throws IOException, InterruptedException {
    long frames = 0;
    for (String line : run("ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries",
        "packet=pts_time", "-of", "csv=p=0", file.toString()).split("\n")) {
      if (!line.isBlank()) {
        frames++;
      }
    }
    double first = Double.MAX_VALUE;
    List<Double> keys = new ArrayList<>();
    for (String line : run("ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries",
        "frame=pts_time,pict_type", "-of", "csv=p=0", file.toString()).split("\n")) {
      String[] f = line.trim().split(",");
      if (f.length < 2 || f[0].equals("N/A")) {
        continue;
      }
      double pts = Double.parseDouble(f[0]);
      first = Math.min(first, pts);
      if (f[1].equals("I")) {
        keys.add(pts);
      }
    }
    List<Double> rel = new ArrayList<>();
    for (double k : keys) {
      rel.add(k - first);
    }
    java.util.Collections.sort(rel);
    return new Oracle(frames, rel);
  }

  private static String run(String... cmd) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(out, p.waitFor(), equalTo(0));
    return out;
  }

  @Test
  public void matchesFfprobePackets() throws Exception {
    TestData.assumeTool("ffprobe");
    Path dir = tmp.newFolder().toPath();
    Map<String, Oracle> expected = new HashMap<>();
    for (String f : FILES) {
      Path src = TestData.corpusFile(f);
      Path copy = Files.copy(src, dir.resolve(src.getFileName()));
      expected.put(copy.toUri().toString(), ffprobe(copy));
    }
    PipelineOptions o = PipelineOptionsFactory.create();
    o.setRunner(DirectRunner.class);
    Pipeline p = Pipeline.create(o);
    ProbeResult<KeyframeIndex> r =
        p.apply(FileIO.match().filepattern(dir + "/*"))
            .apply(FileIO.readMatches())
            .apply(MediaIO.indexKeyframes());
    PAssert.that(r.failures()).empty();
    PAssert.that(r.output())
        .satisfies(
            indexes -> {
              int n = 0;
              for (KeyframeIndex k : indexes) {
                n++;
                Oracle want = expected.get(k.getUri());
                assertThat("indexed an unexpected file " + k.getUri(), want != null, equalTo(true));
                assertThat(k.getUri() + " frames", k.getFrames(), equalTo(want.frames()));
                assertThat(k.getUri() + " keyframes", k.getKeyframePtsSeconds().size(), equalTo(want.keyframes().size()));
                assertThat(k.getUri() + " has a keyframe", want.keyframes().size(), greaterThan(0));
                double first = k.getFirstPtsSeconds();
                List<Double> ours = new ArrayList<>();
                for (double t : k.getKeyframePtsSeconds()) {
                  ours.add(t - first);
                }
                java.util.Collections.sort(ours);
                for (int i = 0; i < want.keyframes().size(); i++) {
                  assertThat(k.getUri() + " keyframe " + i, ours.get(i), closeTo(want.keyframes().get(i), 0.002));
                }
              }
              assertThat(n, equalTo(FILES.size()));
              return null;
            });
    p.run().waitUntilFinish();
  }
}
