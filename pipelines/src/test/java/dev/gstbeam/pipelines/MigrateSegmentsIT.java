package dev.gstbeam.pipelines;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gstbeam.testing.Ffmpeg;
import dev.gstbeam.testing.TestData;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.BeforeClass;
import org.junit.ClassRule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * Segment-level transcoding end to end through the CLI on the embedded Flink runner, every output
 * checked with ffmpeg/ffprobe: frame count equal to the source's, per-frame PSNR with frames paired by
 * index (a lost, doubled or shifted frame drops far below the thresholds), audio duration, segment
 * counts; and a segment whose first attempt is cut short is retried alone.
 */
public class MigrateSegmentsIT {
  @ClassRule public static final TemporaryFolder TMP = new TemporaryFolder();
  private static Path inputs;

  @BeforeClass
  public static void generateSources() throws Exception {
    TestData.assumeTool("ffmpeg");
    inputs = TMP.newFolder("in").toPath();
    // 90 s MPEG-2 TS, 25 fps, GOP 12 with B-frames (open GOPs), temporal noise: every frame differs.
    Ffmpeg.run("-f", "lavfi", "-i", "testsrc2=size=640x360:rate=25", "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000",
        "-t", "90", "-vf", "noise=alls=20:allf=t", "-c:v", "mpeg2video", "-g", "12", "-bf", "2", "-b:v", "5M",
        "-c:a", "mp2", "-b:a", "192k", inputs.resolve("noise gop12.ts").toString());
    Manifests.h264BFrames75(inputs.resolve("h264 bframes.mp4"));
    // 36 s interlaced MPEG-2 (top field first) in TS.
    Ffmpeg.run("-f", "lavfi", "-i", "testsrc2=size=720x576:rate=25", "-f", "lavfi", "-i", "sine=frequency=600:sample_rate=48000",
        "-t", "36", "-vf", "noise=alls=10:allf=t", "-flags", "+ilme+ildct", "-top", "1", "-c:v", "mpeg2video", "-g", "12",
        "-b:v", "6M", "-c:a", "mp2", "-b:a", "192k", inputs.resolve("interlaced.ts").toString());
    // 36 s variable frame rate H.264 (every fifth frame of 30 fps dropped: 33 and 67 ms frames).
    Ffmpeg.run("-f", "lavfi", "-i", "testsrc2=size=640x360:rate=30", "-f", "lavfi", "-i", "sine=frequency=800:sample_rate=48000",
        "-t", "36", "-vf", "select='not(eq(mod(n\\,5)\\,4))',noise=alls=10:allf=t", "-fps_mode", "vfr", "-c:v", "libx264",
        "-preset", "veryfast", "-g", "60", "-c:a", "aac", inputs.resolve("vfr.mp4").toString());
    // 30 s H.264 + AAC in Matroska with an SRT subtitle track (kept by the stitch: MP4 timed text).
    Path srt = TMP.newFile("cues.srt").toPath();
    Files.writeString(srt, "1\n00:00:01,000 --> 00:00:04,000\nHello\n\n2\n00:00:12,000 --> 00:00:15,000\nWorld\n\n");
    Ffmpeg.run("-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25", "-f", "lavfi", "-i", "sine=frequency=500:sample_rate=48000",
        "-i", srt.toString(), "-t", "30", "-map", "0", "-map", "1", "-map", "2", "-c:v", "libx264", "-preset", "veryfast",
        "-g", "25", "-c:a", "aac", "-c:s", "srt", inputs.resolve("subtitled.mkv").toString());
    // 8 s of the same: shorter than two segments, so the whole-file path (same checks).
    Ffmpeg.run("-i", inputs.resolve("vfr.mp4").toString(), "-t", "8", "-c", "copy", inputs.resolve("vfr short.mp4").toString());
  }

  @Test
  public void segmentedOutputsAreFrameExact() throws Exception {
    Path out = TMP.newFolder("out").toPath();
    CliIT.Run r = CliIT.gstbeam("migrate", "--input", inputs.toString(), "--output", out.toString(),
        "--segment-seconds", "10", "--preset", "veryfast");
    assertEquals(r.out() + r.err(), 0, r.code());
    Map<String, JsonNode> rows = rows(out);
    assertEquals(rows.keySet().toString(), 6, rows.size());
    assertTrue(rows.get("subtitled.mkv").toString(),
        rows.get("subtitled.mkv").get("message").asText().contains("kept 1 text subtitle track"));
    assertFalse(rows.get("subtitled.mkv").toString(),
        rows.get("subtitled.mkv").get("message").asText().contains("dropped"));
    for (Map.Entry<String, JsonNode> e : rows.entrySet()) {
      JsonNode row = e.getValue();
      assertEquals(e.getKey() + ": " + row, "ok", row.get("status").asText());
      if (e.getKey().equals("vfr short.mp4")) {
        assertEquals("whole file", 1, row.get("segments").asInt());
        assertEquals(0, row.get("segment_details").size());
      } else {
        int minSegments = e.getKey().startsWith("noise") || e.getKey().startsWith("h264") ? 7 : 3;
        assertTrue(e.getKey() + " segments " + row.get("segments"), row.get("segments").asInt() >= minSegments);
        assertEquals(row.get("segments").asInt(), row.get("segment_details").size());
      }
      for (JsonNode s : row.get("segment_details")) {
        assertEquals(e.getKey() + " segment " + s, 1, s.get("attempts").asInt());
      }
      check(row, e.getKey().equals("interlaced.ts") ? 20 : 25, e.getKey().equals("interlaced.ts") ? 30 : 32);
    }
    assertFalse("work area removed", hasFiles(out.resolve("_work")));
    assertTrue("no temporaries", Manifests.temporaries(out).isEmpty());
  }

  @Test
  public void aSegmentCutShortIsRetriedAloneAndRotationSurvivesTheStitch() throws Exception {
    Path in = TMP.newFolder("fault-in").toPath();
    Files.copy(inputs.resolve("h264 bframes.mp4"), in.resolve("h264 bframes.mp4"));
    // Shown turned 90 degrees, as phones write it: the stitched output must keep that too.
    dev.gstbeam.internal.segment.Mp4Rotation.set(in.resolve("h264 bframes.mp4"), 90);
    assertEquals("-90", MigrateIT.displayRotation(in.resolve("h264 bframes.mp4")));
    Path out = TMP.newFolder("fault-out").toPath();
    CliIT.Run r = CliIT.gstbeam("-Dgstbeam.test.segmentFault=2:40", "migrate", "--input", in.toString(),
        "--output", out.toString(), "--segment-seconds", "10", "--preset", "veryfast");
    assertEquals(r.out() + r.err(), 0, r.code());
    JsonNode row = rows(out).get("h264 bframes.mp4");
    assertEquals(row.toString(), "ok", row.get("status").asText());
    for (JsonNode s : row.get("segment_details")) {
      assertEquals("segment " + s, s.get("index").asInt() == 2 ? 2 : 1, s.get("attempts").asInt());
    }
    assertEquals(2, row.get("attempts").asInt());
    assertEquals("-90", MigrateIT.displayRotation(Path.of(URI.create(row.get("output_uri").asText()))));
    check(row, 25, 32);
  }

  /** Frame count, per-frame PSNR by index and audio duration against the source, with ffmpeg. */
  private static void check(JsonNode row, double minFrame, double minMean) throws Exception {
    Path source = Path.of(URI.create(row.get("uri").asText()));
    Path output = Path.of(URI.create(row.get("output_uri").asText()));
    long frames = Ffmpeg.countFrames(source);
    assertEquals(output + " frame count", frames, Ffmpeg.countFrames(output));
    assertEquals(frames, row.get("frames_out").asLong());
    assertEquals(output + " decodes cleanly", "", Ffmpeg.decodeErrors(output));
    JsonNode probed = MigrateIT.ffprobe(output);
    MigrateIT.checkTextSubtitles(source, MigrateIT.ffprobe(source), output, probed);
    JsonNode v = null;
    for (JsonNode stream : probed.get("streams")) {
      if (v == null && "video".equals(stream.get("codec_type").asText())) {
        v = stream;
      }
    }
    int w = v.get("width").asInt();
    int h = v.get("height").asInt();
    double[] psnr = Ffmpeg.framePsnr(source, output, w, h, TMP.newFile().toPath());
    assertEquals(output + " frames compared", frames, psnr.length);
    double min = Arrays.stream(psnr).min().orElseThrow();
    double mean = Arrays.stream(psnr).average().orElseThrow();
    System.out.printf("%s: %d frames, %d segments, ffmpeg PSNR by index min %.2f mean %.2f (row: %s / %s)%n",
        source.getFileName(), frames, row.get("segments").asInt(), min, mean, row.get("psnr_min"), row.get("psnr_mean"));
    assertTrue(output + " min PSNR " + min, min >= minFrame);
    assertTrue(output + " mean PSNR " + mean, mean >= minMean);
    double a = Ffmpeg.streamSeconds(source, "a:0");
    double b = Ffmpeg.streamSeconds(output, "a:0");
    assertEquals(output + " audio duration", a, b, 0.05);
  }

  private static Map<String, JsonNode> rows(Path out) throws IOException {
    Map<String, JsonNode> rows = new HashMap<>();
    for (JsonNode n : Manifests.results(out)) {
      rows.put(Path.of(URI.create(n.get("uri").asText())).getFileName().toString(), n);
    }
    return rows;
  }

  private static boolean hasFiles(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return false;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      return s.anyMatch(Files::isRegularFile);
    }
  }
}
