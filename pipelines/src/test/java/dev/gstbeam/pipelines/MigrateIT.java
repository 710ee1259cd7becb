package dev.gstbeam.pipelines;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.closeTo;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.lessThanOrEqualTo;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gstbeam.testing.Ffmpeg;
import dev.gstbeam.testing.TestData;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.BeforeClass;
import org.junit.ClassRule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * {@code gstbeam migrate} as a user runs it (a separate JVM), every output checked with ffprobe and
 * ffmpeg: codecs, frame count against the source's, size rules, full decode, PSNR against the source
 * (ffmpeg's psnr filter) and the row's own PSNR; resumption after a clean run and after SIGKILL.
 */
public class MigrateIT {
  @ClassRule public static final TemporaryFolder TMP = new TemporaryFolder();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static Path inputs;

  /** Generated sources (ffmpeg, fixed content) plus corpus files, and one damaged input. */
  @BeforeClass
  public static void generateSources() throws Exception {
    inputs = TMP.newFolder("in").toPath();
    Files.createDirectories(inputs.resolve("sub dir"));
    Ffmpeg.run("-f", "lavfi", "-i", "testsrc2=size=640x360:rate=25", "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000",
        "-t", "4", "-c:v", "libx264", "-bf", "3", "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest",
        inputs.resolve("sub dir/h264 b-frames.mp4").toString());
    Ffmpeg.run("-f", "lavfi", "-i", "testsrc2=size=720x576:rate=25", "-f", "lavfi", "-i", "sine=frequency=300:sample_rate=48000",
        "-t", "2", "-vf", "setfield=tff", "-c:v", "mpeg2video", "-flags", "+ilme+ildct", "-top", "1", "-b:v", "6M",
        "-c:a", "mp2", inputs.resolve("interlaced.ts").toString());
    Ffmpeg.run("-f", "lavfi", "-i", "testsrc2=size=1920x1440:rate=24", "-t", "1", "-c:v", "libx264", "-pix_fmt", "yuv444p",
        inputs.resolve("tall-444.mkv").toString());
    Ffmpeg.run("-f", "lavfi", "-i", "testsrc2=size=720x576:rate=25", "-t", "1", "-vf", "setsar=16/15", "-c:v", "mpeg4",
        "-q:v", "2", inputs.resolve("anamorphic.avi").toString());
    Ffmpeg.run("-f", "lavfi", "-i", "sine=frequency=500:sample_rate=44100", "-t", "3", "-c:a", "flac",
        inputs.resolve("audio-only.flac").toString());
    Files.copy(TestData.corpusFile("androidx-media/mp4/sample.mp4"), inputs.resolve("corpus sample!.mp4"));
    Files.copy(TestData.Damaged.truncated(), inputs.resolve("truncated.mp4"));
  }

  @Test
  public void migratesVerifiesAndResumes() throws Exception {
    Path out = TMP.newFolder("out").toPath();
    CliIT.Run r = CliIT.gstbeam("migrate", "--input", inputs.toString(), "--output", out.toString(), "--preset", "veryfast");
    assertEquals(r.err(), 3, r.code());
    Map<String, JsonNode> rows = rows(out);
    assertEquals(rows.keySet().toString(), 7, rows.size());

    JsonNode damaged = rows.get("truncated.mp4");
    assertEquals("failed", damaged.get("status").asText());
    assertEquals("CORRUPT", damaged.get("reason").asText());

    int checked = 0;
    for (Map.Entry<String, JsonNode> e : rows.entrySet()) {
      JsonNode row = e.getValue();
      if (e.getKey().equals("truncated.mp4")) {
        continue;
      }
      assertEquals(e.getKey() + ": " + row, "ok", row.get("status").asText());
      Path source = Path.of(URI.create(row.get("uri").asText()));
      Path output = Path.of(URI.create(row.get("output_uri").asText()));
      assertTrue(output + " is below the output root", output.startsWith(out));
      checkOutput(source, output, row, 30.0);
      checked++;
    }
    assertEquals(6, checked);
    assertThat(Manifests.temporaries(out), empty());
    String report = Files.readString(out.resolve("_manifest/report.html"), java.nio.charset.StandardCharsets.UTF_8);
    assertThat(report, org.hamcrest.Matchers.containsString("<h2>Failures (1)</h2>"));
    assertThat(report, org.hamcrest.Matchers.containsString("truncated.mp4"));
    assertThat(report, org.hamcrest.Matchers.containsString("<svg"));

    // A second run skips every verified output, re-encodes nothing, and still reports every input.
    Map<Path, FileTime> before = mtimes(out);
    CliIT.Run again = CliIT.gstbeam("migrate", "--input", inputs.toString(), "--output", out.toString(), "--preset", "veryfast");
    assertEquals(again.err(), 3, again.code());
    Map<String, JsonNode> rows2 = rows(out);
    assertEquals(7, rows2.size());
    for (Map.Entry<String, JsonNode> e : rows2.entrySet()) {
      if (!e.getKey().equals("truncated.mp4")) {
        assertEquals(e.getKey(), "skip", e.getValue().get("action").asText());
        assertEquals(e.getKey(), rows.get(e.getKey()).get("psnr_mean"), e.getValue().get("psnr_mean"));
      }
    }
    assertEquals(before, mtimes(out));
  }

  @Test
  public void otherProfilesPassTheSameChecks() throws Exception {
    Map<String, List<String>> expected = Map.of(
        "mp4-hevc-aac", List.of("hevc", "aac"),
        "webm-vp9-opus", List.of("vp9", "opus"),
        "mkv-av1-opus", List.of("av1", "opus"));
    Path in = TMP.newFolder("three").toPath();
    for (String name : List.of("sub dir/h264 b-frames.mp4", "interlaced.ts", "audio-only.flac")) {
      Files.copy(inputs.resolve(name), in.resolve(name.replace("sub dir/", "")));
    }
    for (Map.Entry<String, List<String>> p : expected.entrySet()) {
      Path out = TMP.newFolder(p.getKey()).toPath();
      CliIT.Run r = CliIT.gstbeam("migrate", "--input", in.toString(), "--output", out.toString(),
          "--profile", p.getKey(), "--preset", "veryfast");
      assertEquals(p.getKey() + ": " + r.out() + r.err(), 0, r.code());
      Map<String, JsonNode> rows = rows(out);
      assertEquals(3, rows.size());
      for (JsonNode row : rows.values()) {
        Path source = Path.of(URI.create(row.get("uri").asText()));
        Path output = Path.of(URI.create(row.get("output_uri").asText()));
        JsonNode probe = ffprobe(output);
        for (JsonNode s : probe.get("streams")) {
          String type = s.get("codec_type").asText();
          assertEquals(p.getKey() + " " + output, type.equals("video") ? p.getValue().get(0) : p.getValue().get(1),
              s.get("codec_name").asText());
        }
        checkOutput(source, output, row, 30.0);
      }
    }
  }

  @Test
  public void videoThatAlreadyFitsIsRemuxedUntouched() throws Exception {
    Path in = TMP.newFolder("fits").toPath();
    // H.264 High 8-bit 4:2:0 (with B-frames) at a modest bitrate: fits mp4-h264-aac. In Matroska (no decode
    // times) it is re-encoded all the same. The same picture at 8 Mb/s: does not fit.
    Ffmpeg.run("-f", "lavfi", "-i", "testsrc2=size=640x360:rate=25", "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000",
        "-t", "4", "-c:v", "libx264", "-profile:v", "high", "-crf", "28", "-bf", "3", "-pix_fmt", "yuv420p", "-c:a", "aac",
        "-shortest", in.resolve("fits.mp4").toString());
    Ffmpeg.run("-i", in.resolve("fits.mp4").toString(), "-c", "copy", in.resolve("fits-matroska.mkv").toString());
    Ffmpeg.run("-f", "lavfi", "-i", "testsrc2=size=640x360:rate=25", "-t", "4", "-vf", "noise=alls=20:allf=t",
        "-c:v", "libx264", "-profile:v", "high", "-b:v", "8M", "-pix_fmt", "yuv420p", in.resolve("camera.mp4").toString());
    Path out = TMP.newFolder("fits-out").toPath();
    CliIT.Run r = CliIT.gstbeam("migrate", "--input", in.toString(), "--output", out.toString());
    assertEquals(r.out() + r.err(), 0, r.code());
    Map<String, JsonNode> rows = rows(out);
    JsonNode fits = rows.get("fits.mp4");
    assertEquals(fits.toString(), "remux", fits.get("action").asText());
    assertEquals("copy", fits.get("video_encoder").asText());
    assertThat(fits.get("message").asText(), org.hamcrest.Matchers.startsWith("video copied (h264 high 640x360 at "));
    Path fitsOut = Path.of(URI.create(fits.get("output_uri").asText()));
    assertEquals("the video packets went through untouched", videoPacketsMd5(in.resolve("fits.mp4")), videoPacketsMd5(fitsOut));
    assertEquals("aac", stream(ffprobe(fitsOut), "audio").get("codec_name").asText());
    checkOutput(in.resolve("fits.mp4"), fitsOut, fits, 99.0); // identical frames: ffmpeg says inf (100 here)
    JsonNode mkv = rows.get("fits-matroska.mkv");
    assertEquals(mkv.toString(), "transcode", mkv.get("action").asText());
    checkOutput(in.resolve("fits-matroska.mkv"), Path.of(URI.create(mkv.get("output_uri").asText())), mkv, 30.0);
    JsonNode camera = rows.get("camera.mp4");
    assertEquals(camera.toString(), "transcode", camera.get("action").asText());
    assertEquals("x264enc", camera.get("video_encoder").asText());
    checkOutput(in.resolve("camera.mp4"), Path.of(URI.create(camera.get("output_uri").asText())), camera, 30.0);

    Path none = TMP.newFolder("fits-none").toPath();
    r = CliIT.gstbeam("migrate", "--input", in.resolve("fits.mp4").toString(), "--output", none.toString(), "--copy", "none");
    assertEquals(r.out() + r.err(), 0, r.code());
    JsonNode reencoded = rows(none).get("fits.mp4");
    assertEquals("transcode", reencoded.get("action").asText());
    assertEquals("x264enc", reencoded.get("video_encoder").asText());
    assertThat(reencoded.get("psnr_mean").asDouble(), lessThanOrEqualTo(99.0));
    r = CliIT.gstbeam("migrate", "--input", in.toString(), "--output", none.toString(), "--copy", "always");
    assertEquals(r.err(), 2, r.code());
    assertThat(r.err(), org.hamcrest.Matchers.containsString("--copy: 'always' is not valid (valid: auto, none)"));
  }

  /** MD5 of the first video stream's packets as stored (ffmpeg's stream copy into its md5 muxer). */
  private static String videoPacketsMd5(Path file) throws IOException, InterruptedException {
    Process p = new ProcessBuilder("ffmpeg", "-v", "error", "-i", file.toString(), "-map", "0:v:0", "-c", "copy",
        "-f", "md5", "-").redirectErrorStream(true).start();
    String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    assertTrue(p.waitFor(1, TimeUnit.MINUTES));
    assertThat(text, org.hamcrest.Matchers.startsWith("MD5="));
    return text;
  }

  @Test
  public void displayRotationIsKept() throws Exception {
    // A clip shown turned 90 degrees (its track matrix, as phones write it; ffmpeg 5.1 cannot write one, so
    // the fixture's matrix is set here and checked with ffprobe): GStreamer's mp4mux alone dropped it.
    Path in = TMP.newFolder("rotated").toPath();
    Path portrait = in.resolve("portrait.mp4");
    Ffmpeg.run("-f", "lavfi", "-i", "testsrc2=size=640x360:rate=25", "-t", "2", "-vf", "noise=alls=10:allf=t",
        "-c:v", "libx264", "-pix_fmt", "yuv420p", portrait.toString());
    dev.gstbeam.internal.segment.Mp4Rotation.set(portrait, 90);
    assertEquals("-90", displayRotation(portrait));
    Path out = TMP.newFolder("rotated-out").toPath();
    CliIT.Run r = CliIT.gstbeam("migrate", "--input", in.toString(), "--output", out.toString(), "--preset", "veryfast",
        "--copy", "none");
    assertEquals(r.out() + r.err(), 0, r.code());
    JsonNode row = rows(out).get("portrait.mp4");
    Path output = Path.of(URI.create(row.get("output_uri").asText()));
    assertEquals(displayRotation(in.resolve("portrait.mp4")), displayRotation(output));
    assertEquals("-90", displayRotation(output));
    checkOutput(in.resolve("portrait.mp4"), output, row, 30.0);
  }

  @Test
  public void aProfileWithItsOwnFrameRateIsVerifiedAgainstTheFramesEncoded() throws Exception {
    // 4 s at 25 fps to a custom profile at 30 fps: 120 frames out for 100 in. Verification pairs each
    // output frame with the frame fed to the encoder (after the rate change), not with the source's.
    Path in = TMP.newFolder("rate").toPath();
    Path source = in.resolve("clip25.mp4");
    Ffmpeg.run("-f", "lavfi", "-i", "testsrc2=size=640x360:rate=25", "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000",
        "-t", "4", "-c:v", "libx264", "-bf", "3", "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest", source.toString());
    Path profile = TMP.newFile("h264-30fps.json").toPath();
    Files.writeString(profile, "{\"name\": \"h264-30fps\", \"base\": \"mp4-h264-aac\", \"video\": {\"frame_rate\": 30}}");
    Path out = TMP.newFolder("rate-out").toPath();
    CliIT.Run r = CliIT.gstbeam("migrate", "--input", in.toString(), "--output", out.toString(), "--profile",
        profile.toString(), "--preset", "veryfast");
    assertEquals(r.out() + r.err(), 0, r.code());
    JsonNode row = rows(out).get("clip25.mp4");
    Path output = Path.of(URI.create(row.get("output_uri").asText()));
    assertEquals("30/1", stream(ffprobe(output), "video").get("r_frame_rate").asText());
    assertEquals(100, Ffmpeg.countFrames(source));
    assertEquals(120, Ffmpeg.countFrames(output));
    assertEquals(row.toString(), 100, row.get("frames_in").asLong());
    assertEquals(row.toString(), 120, row.get("frames_out").asLong());
    assertThat(row.get("psnr_mean").asDouble(), greaterThanOrEqualTo(30.0));
    assertThat(row.get("output_duration_seconds").asDouble(), closeTo(4.0, 1.0 / 30));
  }

  @Test
  public void aSourceTheTranscodeDecodesDifferentlyIsComparedAgainInFull() throws Exception {
    // An HEVC conformance stream (reference picture set prediction): within the transcode's pipeline
    // GStreamer's decode of it differs from an independent decode (ffmpeg's and GStreamer's own agree),
    // so the comparison made while encoding scores the encoding alone (54.7 dB) while the output is
    // 34.3 dB from the source. The spot check of the first frames catches it and the row is computed
    // from both files decoded again: it must agree with ffmpeg's.
    One one = migrateOne("androidx-media/ts/sample_h265_rps_pred.ts", "sample_h265_rps_pred.ts", 0);
    JsonNode row = one.row();
    checkOutput(one.source(), Path.of(URI.create(row.get("output_uri").asText())), row, 30.0);
    assertThat(row.get("message").asText(), org.hamcrest.Matchers.startsWith(
        "the transcode's decode of the source differs from a standalone decode (first 16 frames: "));
  }

  @Test
  public void fullRangeVideoStaysFullRange() throws Exception {
    // Two ways GStreamer 1.22 loses the range of a full-range source (ffprobe: yuvj420p, pc), and the
    // output kept full-range samples labelled limited: a phone clip whose MP4 colour box (nclx) says full
    // range, which qtdemux misreads; and H.264 whose VUI says full range with no colour description and
    // no colour box (made here by ffmpeg), which decodes as 1:0:0:0 and which x264enc then writes limited.
    Path in = TMP.newFolder("range").toPath();
    Files.copy(TestData.corpusFile("androidx-media/mp4/sample_gamma2.2.mp4"), in.resolve("nclx.mp4"));
    Ffmpeg.run("-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25", "-t", "1", "-vf", "noise=alls=10:allf=t",
        "-pix_fmt", "yuvj420p", "-color_range", "pc", "-movflags", "-write_colr", "-c:v", "libx264",
        in.resolve("vui.mp4").toString());
    Path out = TMP.newFolder("range-out").toPath();
    CliIT.Run r = CliIT.gstbeam("migrate", "--input", in.toString(), "--output", out.toString(), "--preset", "veryfast",
        "--copy", "none");
    assertEquals(r.out() + r.err(), 0, r.code());
    Map<String, JsonNode> rows = rows(out);
    for (String name : List.of("nclx.mp4", "vui.mp4")) {
      Path source = in.resolve(name);
      JsonNode sv = stream(ffprobe(source), "video");
      assertEquals(name, "pc", sv.get("color_range").asText());
      JsonNode row = rows.get(name);
      Path output = Path.of(URI.create(row.get("output_uri").asText()));
      JsonNode ov = stream(ffprobe(output), "video");
      assertEquals(name, "pc", ov.get("color_range").asText());
      // Pixel format, and the row's PSNR against ffmpeg's with the samples compared as stored.
      checkOutput(source, output, row, 30.0);
    }
  }

  @Test
  public void anAviWithPackedBFramesIsMeasuredAsItPlays() throws Exception {
    // MPEG-4 Part 2 in AVI with packed B-frames (a DivX-era file): after mpeg4videoparse only keyframes
    // carry a timestamp, and the source's length was taken from the last one (3.88 s for 4.09 s of
    // video), so every such file failed verification as CORRUPT.
    One one = migrateOne("androidx-media/avi/sample.avi", "packed.avi", 0);
    JsonNode row = one.row();
    checkOutput(one.source(), Path.of(URI.create(row.get("output_uri").asText())), row, 30.0);
  }

  @Test
  public void audioTheDemuxerCannotReadFailsTheInputInsteadOfBeingDropped() throws Exception {
    // DTS in MPEG-TS as stream type 0x82 without a registration descriptor: ffmpeg reads it, GStreamer
    // 1.22's tsdemux gives no stream for it, and the output used to be written without audio, "ok".
    One dts = migrateOne("androidx-media/ts/sample_h264_dts_audio.ts", "dts.ts", 3);
    assertEquals("dts", stream(ffprobe(dts.source()), "audio").get("codec_name").asText());
    JsonNode row = dts.row();
    assertEquals(row.toString(), "failed", row.get("status").asText());
    assertEquals(row.toString(), "MISSING_PLUGIN", row.get("reason").asText());
    assertThat(row.get("message").asText(), org.hamcrest.Matchers.containsString("type 0x82 on PID 0x101"));
    assertFalse("no output without its audio", Files.exists(dts.out().resolve("dts.mp4")));

    // An MPEG program stream with junk before its first pack: GStreamer reads it as MPEG video alone.
    One junk = migrateOne("androidx-media/ts/sample_with_junk", "junk.mpg", 3);
    assertEquals("mp2", stream(ffprobe(junk.source()), "audio").get("codec_name").asText());
    row = junk.row();
    assertEquals(row.toString(), "MISSING_PLUGIN", row.get("reason").asText());
    assertThat(row.get("message").asText(), org.hamcrest.Matchers.containsString("MPEG audio packets (stream 0xc0"));
  }

  @Test
  public void textSubtitlesAreKeptWhereTheContainerCarriesThemAndNamedWhereNot() throws Exception {
    // SubRip in Matroska: to MP4 as timed text (tx3g), cue for cue.
    One one = migrateOne("androidx-media/mkv/sample_with_srt.mkv", "srt.mkv", 0);
    JsonNode row = one.row();
    Path output = Path.of(URI.create(row.get("output_uri").asText()));
    checkOutput(one.source(), output, row, 30.0);
    assertThat(row.get("message").asText(), org.hamcrest.Matchers.containsString("kept 1 text subtitle track"));
    assertEquals("mov_text", stream(ffprobe(output), "subtitle").get("codec_name").asText());
    List<dev.gstbeam.testing.Ffmpeg.Cue> in = dev.gstbeam.testing.Ffmpeg.subtitleCues(one.source(), 0);
    List<dev.gstbeam.testing.Ffmpeg.Cue> out = dev.gstbeam.testing.Ffmpeg.subtitleCues(output, 0);
    assertEquals(out.toString(), in.size(), out.size());
    for (int i = 0; i < in.size(); i++) {
      assertEquals(in.get(i).startMillis(), out.get(i).startMillis());
      // ffmpeg's tx3g reader adds the sample entry's default font as tags: the text is compared without.
      assertEquals(in.get(i).text().replaceAll("<[^>]*>", ""), out.get(i).text().replaceAll("<[^>]*>", ""));
    }

    // WebM allows WebVTT alone, which GStreamer 1.22 does not write: dropped, and the row says so.
    Path webmIn = TMP.newFolder("srt-webm").toPath();
    Files.copy(one.source(), webmIn.resolve("srt.mkv"));
    Path webmOut = TMP.newFolder("srt-webm-out").toPath();
    CliIT.Run r = CliIT.gstbeam("migrate", "--input", webmIn.toString(), "--output", webmOut.toString(), "--profile",
        "webm-vp9-opus", "--preset", "veryfast");
    assertEquals(r.out() + r.err(), 0, r.code());
    JsonNode webm = rows(webmOut).get("srt.mkv");
    assertThat(webm.get("message").asText(), org.hamcrest.Matchers.containsString(
        "1 text subtitle track(s) dropped: the webm container does not carry them"));
    assertEquals(null, stream(ffprobe(Path.of(URI.create(webm.get("output_uri").asText()))), "subtitle"));
  }

  @Test
  public void aWaveFileIsTimedByItsSamples() throws Exception {
    // IMA ADPCM in WAV: wavparse times its chunks from the header's byte rate, here half the rate of
    // the samples decoded, so decoded times stepped back every fourth buffer and the AAC track was
    // written with decode times that go back (ffmpeg: "non monotonically increasing dts").
    One one = migrateOne("androidx-media/wav/sample_ima_adpcm.wav", "adpcm.wav", 0);
    JsonNode row = one.row();
    checkOutput(one.source(), Path.of(URI.create(row.get("output_uri").asText())), row, 30.0);
  }

  @Test
  public void aSourceWithOnlySubtitlesFailsAtOnceWithItsReason() throws Exception {
    // A Matroska file holding one SubRip track and nothing else: no profile makes an output of it. It
    // used to wait for the 30 s stall watchdog (the muxer waiting for streams that never come).
    long t0 = System.nanoTime();
    One one = migrateOne("androidx-media/mkv/full_blocks.mkv", "subtitles-only.mkv", 3);
    double seconds = (System.nanoTime() - t0) / 1e9;
    JsonNode src = ffprobe(one.source());
    assertEquals("subtitle", src.path("streams").get(0).get("codec_type").asText());
    assertEquals(1, src.path("streams").size());
    JsonNode row = one.row();
    assertEquals(row.toString(), "failed", row.get("status").asText());
    assertEquals(row.toString(), "UNSUPPORTED_CODEC", row.get("reason").asText());
    assertEquals(row.toString(), "plan", row.get("stage").asText());
    assertEquals("nothing to migrate: the source has no audio or video stream (1 subtitle stream)",
        row.get("message").asText());
    assertFalse(Files.exists(one.out().resolve("subtitles-only.mp4")));
    // The whole run (JVM, job, probe) is far below the watchdog it used to wait for: a hang check.
    assertTrue(seconds + " s", seconds < 30);
  }

  @Test
  public void aFrameTheDemuxerDoesNotDeliverFailsTheInputInsteadOfVanishing() throws Exception {
    // The track's stated duration ends where its last sample starts; qtdemux does not deliver that
    // sample. The output matched what was delivered, so this passed verification one frame short.
    One one = migrateOne("androidx-media/mp4/sample_empty_track.mp4", "last-frame.mp4", 3);
    // ffprobe's sample count of the track (its decoded count, -count_frames, is the same 30).
    long frames = Long.parseLong(Ffmpeg.probeEntry(one.source(), "v:0", "stream=nb_frames"));
    JsonNode row = one.row();
    assertEquals(row.toString(), "failed", row.get("status").asText());
    assertEquals(row.toString(), "CORRUPT", row.get("reason").asText());
    assertEquals(row.toString(), "verify", row.get("stage").asText());
    long delivered = row.get("frames_in").asLong();
    assertTrue(row.toString(), delivered < frames);
    assertEquals("the source's sample tables show " + frames + " video frames, GStreamer's demuxer delivered "
        + delivered + ": the output would lack " + (frames - delivered), row.get("message").asText());
    assertFalse(Files.exists(one.out().resolve("last-frame.mp4")));
  }

  @Test
  public void videoTooSmallForTheContainerFailsAtOnceWithItsReason() throws Exception {
    // 10x12 H.264 (ffprobe's size): mp4mux takes no video under 16x16, and gstbeam does not upscale.
    // It used to fail mid-stream with "Internal data stream error" once x264enc's caps were refused.
    One one = migrateOne("androidx-media/mp4/sample_with_fake_auxiliary_tracks.mp4", "tiny.mp4", 3);
    String size = Ffmpeg.probeEntry(one.source(), "v:0", "stream=width,height").replace(',', 'x');
    JsonNode row = one.row();
    assertEquals(row.toString(), "UNSUPPORTED_CODEC", row.get("reason").asText());
    assertEquals(row.toString(), "plan", row.get("stage").asText());
    assertEquals("the output video would be " + size + " (never larger than the source's " + size
        + "), and mp4mux takes video from 16x16 up", row.get("message").asText());
  }

  @Test
  public void theContainersStatedPixelAspectIsKept() throws Exception {
    // Both state 1:1 in their pasp box: GStreamer showed the H.263 one at 12:11 (192x144 out) and
    // the Samsung slow-motion one at 27:64 from its track header (136x240 out); ffprobe and players, 1:1.
    for (String file : List.of("androidx-media/mp4/bbb_176x144_128kbps_15fps_h263.3gp",
        "androidx-media/mp4/sample_sef_slow_motion.mp4")) {
      String name = Path.of(file).getFileName().toString();
      One one = migrateOne(file, name, 0);
      JsonNode row = one.row();
      checkOutput(one.source(), Path.of(URI.create(row.get("output_uri").asText())), row, 30.0);
    }
  }

  @Test
  public void aTrackGStreamerSkipsFailsTheInputInsteadOfVanishing() throws Exception {
    // Its only video track lasts 0.049 s of a 1.24 s movie; qtdemux skips tracks under 20 % of the
    // movie. The file used to migrate as "ok", audio only, its video gone.
    One one = migrateOne("androidx-media/mp4/sample_with_vobsub.mp4", "short-video.mp4", 3);
    String frames = Ffmpeg.probeEntry(one.source(), "v:0", "stream=nb_frames");
    double seconds = Double.parseDouble(Ffmpeg.probeEntry(one.source(), "v:0", "stream=duration"));
    JsonNode row = one.row();
    assertEquals(row.toString(), "UNSUPPORTED_CODEC", row.get("reason").asText());
    assertEquals(row.toString(), "plan", row.get("stage").asText());
    assertEquals(String.format(java.util.Locale.ROOT, "the source's video track (%s samples, %.3f s) is not among"
        + " the streams GStreamer's demuxer exposes (qtdemux skips a track shorter than 20 %% of the movie):"
        + " the output would lack it", frames, seconds), row.get("message").asText());
    assertFalse(Files.exists(one.out().resolve("short-video.mp4")));
  }

  @Test
  public void anOutputWhoseVideoGStreamerSkipsIsNamedAsUnverifiable() throws Exception {
    // 30 frames at 600 fps beside 1 s of audio: written faithfully, but qtdemux skips a track under 20 % of
    // the movie, so the output cannot be verified here. The row used to say "output does not decode".
    One one = migrateOne("androidx-media/mkv/sample_with_pgs_subtitles.mkv", "pgs.mkv", 3);
    long frames = Ffmpeg.packets(one.source(), "v:0");
    JsonNode row = one.row();
    assertEquals(row.toString(), "UNSUPPORTED_CODEC", row.get("reason").asText());
    assertEquals(row.toString(), "verify", row.get("stage").asText());
    assertTrue(row.toString(), row.get("message").asText().startsWith(
        "cannot verify the output here: its video track (" + frames + " frames, 0.0"));
    assertTrue(row.toString(), row.get("message").asText().endsWith(
        " s) is shorter than 20 % of the movie, and GStreamer's demuxer skips such a track"));
    assertFalse(Files.exists(one.out().resolve("pgs.mp4")));
  }

  /** One corpus file migrated alone: its copy, the output root, its row. */
  record One(Path source, Path out, JsonNode row) {}

  /** Copies a corpus file under {@code name} into a folder of its own and migrates it ({@code ultrafast}). */
  private static One migrateOne(String corpusFile, String name, int expectedCode) throws Exception {
    String stem = name.replaceAll("[^A-Za-z0-9]", "-");
    Path in = TMP.newFolder(stem).toPath();
    Path source = in.resolve(name);
    Files.copy(TestData.corpusFile(corpusFile), source);
    Path out = TMP.newFolder(stem + "-out").toPath();
    CliIT.Run r = CliIT.gstbeam("migrate", "--input", in.toString(), "--output", out.toString(), "--preset", "ultrafast");
    assertEquals(r.out() + r.err(), expectedCode, r.code());
    return new One(source, out, rows(out).get(name));
  }

  /** ffprobe's display-matrix rotation of the first video stream ("" when none). */
  static String displayRotation(Path file) throws IOException, InterruptedException {
    Process p = new ProcessBuilder("ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries",
        "stream_side_data=rotation", "-of", "csv=p=0", file.toString()).redirectErrorStream(true).start();
    String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    assertTrue(p.waitFor(1, TimeUnit.MINUTES));
    return text;
  }

  @Test
  public void killedMidwayThenRerunCompletesWithoutDuplicatesOrReencoding() throws Exception {
    Path in = TMP.newFolder("many").toPath();
    for (int i = 0; i < 6; i++) {
      Ffmpeg.run("-f", "lavfi", "-i", "testsrc2=size=640x360:rate=25", "-t", "3", "-vf", "hue=h=" + (i * 40),
          "-c:v", "libx264", "-pix_fmt", "yuv420p", in.resolve("clip" + i + ".mp4").toString());
    }
    Path out = TMP.newFolder("killed").toPath();
    List<String> cmd = CliIT.command("migrate", "--input", in.toString(), "--output", out.toString(),
        "--preset", "veryfast", "--parallelism", "1");
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(TMP.newFile().toPath().toFile()).start();
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
    while (finalOutputs(out).size() < 2 && p.isAlive() && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertTrue("the job was still running when two outputs were committed", p.isAlive());
    p.destroyForcibly(); // SIGKILL
    p.waitFor(30, TimeUnit.SECONDS);
    Map<Path, FileTime> committed = mtimes(out);
    assertThat(committed.size(), greaterThanOrEqualTo(2));
    assertThat(committed.size(), lessThanOrEqualTo(5));

    CliIT.Run r = CliIT.gstbeam("migrate", "--input", in.toString(), "--output", out.toString(), "--preset", "veryfast");
    assertEquals(r.out() + r.err(), 0, r.code());
    Map<String, JsonNode> rows = rows(out);
    assertEquals(6, rows.size());
    assertEquals(6, finalOutputs(out).size());
    assertThat(Manifests.temporaries(out), empty());
    Map<Path, FileTime> after = mtimes(out);
    for (Map.Entry<Path, FileTime> c : committed.entrySet()) {
      assertEquals("not re-encoded: " + c.getKey(), c.getValue(), after.get(c.getKey()));
      assertEquals("skip", rows.get(c.getKey().getFileName().toString()).get("action").asText());
    }
    for (JsonNode row : rows.values()) {
      checkOutput(Path.of(URI.create(row.get("uri").asText())), Path.of(URI.create(row.get("output_uri").asText())), row, 30.0);
    }
  }

  /** The checks on one output, with ffprobe/ffmpeg as the oracle. */
  static void checkOutput(Path source, Path output, JsonNode row, double minPsnr) throws Exception {
    JsonNode src = ffprobe(source);
    JsonNode dst = ffprobe(output);
    JsonNode sv = stream(src, "video");
    JsonNode dv = stream(dst, "video");
    assertEquals(output + " has video iff its source does", sv == null, dv == null);
    assertEquals(output + " has audio iff its source does", stream(src, "audio") == null, stream(dst, "audio") == null);
    assertEquals("decodes without errors: " + output, "", Ffmpeg.decodeErrors(output));
    checkTextSubtitles(source, src, output, dst);
    if (dv != null) {
      if (dv.get("codec_name").asText().equals("h264")) {
        assertEquals("High", dv.get("profile").asText());
      }
      // 8-bit 4:2:0; a full-range source stays full range (yuvj420p), labelled so.
      boolean fullRange = "pc".equals(sv.path("color_range").asText()) || sv.path("pix_fmt").asText().startsWith("yuvj");
      assertEquals(fullRange ? "yuvj420p" : "yuv420p", dv.get("pix_fmt").asText());
      int sw = sv.get("width").asInt();
      int sh = sv.get("height").asInt();
      int w = dv.get("width").asInt();
      int h = dv.get("height").asInt();
      assertThat(h, lessThanOrEqualTo(Math.min(1080, sh)));
      double[] sar = ratio(sv.path("sample_aspect_ratio").asText("1:1"));
      double srcAspect = sw * sar[0] / sar[1] / sh;
      assertThat(output + " aspect", (double) w / h, closeTo(srcAspect, 0.02 * srcAspect));
      long framesIn = Ffmpeg.countFrames(source);
      long framesOut = Ffmpeg.countFrames(output);
      assertEquals(output + " frame count", framesIn, framesOut);
      assertEquals(framesOut, row.get("frames_out").asLong());
      String sourceFormat = sv.path("pix_fmt").asText();
      double psnr = ffmpegPsnr(source, output, w, h, fullRange);
      assertThat(output + " PSNR", psnr, greaterThanOrEqualTo(minPsnr));
      // Same frames, same maths: equal to ffmpeg's within rounding. Where the source had to be scaled,
      // deinterlaced or chroma-subsampled for the comparison, GStreamer's and ffmpeg's filters differ.
      boolean interlaced = !sv.path("field_order").asText("progressive").matches("progressive|unknown");
      double rowPsnr = row.get("psnr_mean").asDouble();
      if (interlaced || w != sw || h != sh || fullChroma(sourceFormat)) {
        // The row compares with the source deinterlaced, scaled and subsampled as the transcoder did (the
        // encoding loss); ffmpeg's reference comes from yadif and swscale, so its figure also holds the
        // difference between GStreamer's and ffmpeg's filters, and is the lower of the two. (4:4:4 to
        // 4:2:0: the two tools' chroma filters give references 44.9 dB apart on the corpus's 4:4:4 clip.)
        assertThat(output + " row PSNR (encoding loss) vs ffmpeg's (its own filters)", rowPsnr,
            greaterThanOrEqualTo(psnr - 1.0));
      } else {
        assertThat(output + " row PSNR agrees with ffmpeg's", rowPsnr, closeTo(psnr, 0.05));
      }
    }
  }

  /**
   * Text subtitle tracks (SubRip, SSA/ASS, MP4 timed text) are in an MP4 or Matroska output, as many as
   * the source has, each with the source's cue start times (ffmpeg reads both); WebM has none.
   */
  static void checkTextSubtitles(Path source, JsonNode src, Path output, JsonNode dst) throws Exception {
    List<Integer> text = new java.util.ArrayList<>();
    int index = 0;
    for (JsonNode s : src.path("streams")) {
      if ("subtitle".equals(s.path("codec_type").asText())) {
        if (List.of("subrip", "ass", "ssa", "mov_text").contains(s.path("codec_name").asText())) {
          text.add(index);
        }
        index++;
      }
    }
    List<JsonNode> written = new java.util.ArrayList<>();
    for (JsonNode s : dst.path("streams")) {
      if ("subtitle".equals(s.path("codec_type").asText())) {
        written.add(s);
      }
    }
    if (output.toString().endsWith(".webm")) {
      assertEquals(output + ": WebM carries no text subtitles here", 0, written.size());
      return;
    }
    assertEquals(output + " text subtitle tracks", text.size(), written.size());
    // Times are compared from each file's start (its earliest stream): the output's timeline begins at
    // 0 where the source's began later (its first frame at 67 ms, say), every stream moved alike.
    long shift = Math.round(1000 * (src.path("format").path("start_time").asDouble(0)
        - dst.path("format").path("start_time").asDouble(0)));
    for (int i = 0; i < text.size(); i++) {
      List<Ffmpeg.Cue> in = Ffmpeg.subtitleCues(source, text.get(i)).stream()
          .map(c -> new Ffmpeg.Cue(c.startMillis() - shift, c.endMillis() - shift, c.text())).toList();
      List<Ffmpeg.Cue> out = Ffmpeg.subtitleCues(output, i);
      // Each source cue starts an output cue that shows its text (overlapping cues, which MP4's timed
      // text cannot hold, are written as a sequence showing every cue on screen: more cues, none lost).
      // Tags are not compared: ffmpeg adds the tx3g sample entry's font as tags of its own.
      for (Ffmpeg.Cue c : in) {
        Ffmpeg.Cue shown =
            out.stream().filter(o -> Math.abs(o.startMillis() - c.startMillis()) <= 1).findFirst().orElse(null);
        assertTrue(output + " subtitle track " + i + ": no cue starts at " + c + " in " + out, shown != null);
        assertTrue(output + " subtitle track " + i + ": " + shown + " does not show " + c,
            shown.text().replaceAll("<[^>]*>", "").contains(c.text().replaceAll("<[^>]*>", "")));
      }
      assertThat(out.size(), greaterThanOrEqualTo(in.size()));
    }
  }

  private static JsonNode stream(JsonNode probe, String type) {
    for (JsonNode s : probe.path("streams")) {
      if (type.equals(s.path("codec_type").asText()) && s.path("disposition").path("attached_pic").asInt() == 0) {
        return s;
      }
    }
    return null;
  }

  private static double[] ratio(String r) {
    String[] p = r.split(":");
    double n = Double.parseDouble(p[0]);
    double d = Double.parseDouble(p[1]);
    return n <= 0 || d <= 0 ? new double[] {1, 1} : new double[] {n, d};
  }

  private static Map<String, JsonNode> rows(Path out) throws IOException {
    Map<String, JsonNode> rows = new HashMap<>();
    for (JsonNode row : Manifests.results(out)) {
      String name = Path.of(URI.create(row.get("uri").asText())).getFileName().toString();
      JsonNode previous = rows.put(name, row);
      assertEquals("one row per input: " + name, null, previous);
    }
    return rows;
  }

  private static List<Path> finalOutputs(Path out) throws IOException {
    try (Stream<Path> s = Files.walk(out)) {
      return s.filter(Files::isRegularFile).filter(p -> !p.startsWith(out.resolve("_manifest")))
          .filter(p -> !p.getFileName().toString().startsWith(".")).collect(Collectors.toList());
    }
  }

  private static Map<Path, FileTime> mtimes(Path out) throws IOException {
    Map<Path, FileTime> m = new HashMap<>();
    for (Path p : finalOutputs(out)) {
      m.put(p, Files.getLastModifiedTime(p));
    }
    return m;
  }

  static JsonNode ffprobe(Path file) throws IOException, InterruptedException {
    Process p = new ProcessBuilder("ffprobe", "-v", "error", "-print_format", "json", "-show_format", "-show_streams",
        file.toString()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    byte[] out = p.getInputStream().readAllBytes();
    assertTrue(p.waitFor(1, TimeUnit.MINUTES));
    JsonNode n = JSON.readTree(out);
    assertNotNull(n);
    return n;
  }

  /**
   * ffmpeg's psnr filter: the output against the source scaled to the output's size (bicubic), frames
   * paired by index (the n-th shown frame of each), as the row pairs them: the output must have the
   * source's frames in the source's order. Pairing by timestamp (ffmpeg's default) compares different
   * frames wherever the source's timestamps start late or jitter (edit lists, FLV's millisecond times).
   * Samples are compared as stored: a full-range pair stays full range ({@code yuvj420p}; converting
   * both to limited range would shrink every difference, by 1.2 dB of PSNR on the corpus's phone clips).
   */
  /** Pixel formats with chroma at full horizontal resolution (4:4:4, RGB): subsampled for a 4:2:0 output. */
  static boolean fullChroma(String pixFmt) {
    return pixFmt.matches("yuva?j?444p.*|gbra?p.*|[a0x]?(rgb|bgr)[a0x]?.*");
  }

  private static double ffmpegPsnr(Path source, Path output, int w, int h, boolean fullRange)
      throws IOException, InterruptedException {
    String format = fullRange ? "yuvj420p" : "yuv420p";
    // A source of more than 8 bits is brought to 8 by dropping the low bits (sws_dither=none), as
    // GStreamer 1.22's videoconvert does (it does not dither or round: measured on the corpus's 10-bit
    // VP9 clip, its frames and these are identical), so that both PSNRs measure against the same
    // reference. swscale's default dither gives a reference 52.4 dB away from that one, which moves a
    // PSNR near 45 dB by up to 1 dB; after encoding, the two references give outputs 0.016 dB apart.
    // Frames as stored (no autorotation): the row compares them so, and rotation is checked on its own.
    Process p = new ProcessBuilder("ffmpeg", "-hide_banner", "-noautorotate", "-i", output.toString(),
        "-noautorotate", "-i", source.toString(),
        "-lavfi", "[1:v]yadif=mode=send_frame:parity=auto:deint=interlaced,settb=1/1000,setpts=N,scale=" + w + ":" + h
            + ":sws_dither=none,setsar=1,format=" + format + "[ref];[0:v]settb=1/1000,setpts=N,format=" + format + "[main];[main][ref]psnr",
        "-f", "null", "-").redirectErrorStream(true).start();
    String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(5, TimeUnit.MINUTES));
    Matcher m = Pattern.compile("average:([0-9.]+|inf)").matcher(text);
    assertTrue("psnr in ffmpeg's output: " + text, m.find());
    return m.group(1).equals("inf") ? 100 : Double.parseDouble(m.group(1));
  }
}
