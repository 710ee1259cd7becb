package dev.gstbeam.internal.gst;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import dev.gstbeam.internal.transcode.FramePairs;
import dev.gstbeam.internal.transcode.Profile;
import dev.gstbeam.internal.transcode.Profiles;
import dev.gstbeam.internal.transcode.StreamCopy;
import dev.gstbeam.testing.Ffmpeg;
import dev.gstbeam.testing.TestData;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.BeforeClass;
import org.junit.ClassRule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * Verification while encoding ({@link EncodeCheck}) against the separate pass it replaces
 * ({@link FrameComparison#compare}, which decodes source and output again) and against ffmpeg's frame
 * counts, per profile codec; and with an encoder whose look-ahead is longer than a tee branch's queue.
 */
public class EncodeCheckIT {
  @ClassRule public static final TemporaryFolder TMP = new TemporaryFolder();
  private static final Duration TIMEOUT = Duration.ofMinutes(3);
  private static Path clip;
  private static Path interlaced;

  @BeforeClass
  public static void fixtures() throws Exception {
    TestData.assumeTool("ffmpeg");
    GstRuntime.ensureInitialized();
    clip = TMP.getRoot().toPath().resolve("noise.mp4");
    Ffmpeg.run("-f", "lavfi", "-i", "testsrc2=size=640x360:rate=25", "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000",
        "-t", "6", "-vf", "noise=alls=12:allf=t", "-c:v", "libx264", "-bf", "3", "-pix_fmt", "yuv420p", "-c:a", "aac",
        "-shortest", clip.toString());
    interlaced = TMP.getRoot().toPath().resolve("interlaced.ts");
    Ffmpeg.run("-f", "lavfi", "-i", "testsrc2=size=720x576:rate=25", "-t", "3", "-vf", "setfield=tff", "-c:v", "mpeg2video",
        "-flags", "+ilme+ildct", "-top", "1", "-b:v", "6M", interlaced.toString());
  }

  /**
   * A file with no video stream in a comparison (an output whose video track the demuxer skips, as
   * qtdemux does with a 0.05 s track) fails at once, as corrupt, and says which side has no video: its
   * appsink never prerolls, and the comparison must not wait for the stall watchdog. The demuxer's
   * not-linked error is not what ends it: parsebin drops that error when it comes while the demuxer is
   * still being plugged, which happened in 9 of 60 runs of this comparison with both cores busy.
   */
  @Test
  public void aComparisonWithoutVideoOnOneSideFailsAtOnce() throws Exception {
    Path audioOnly = TMP.getRoot().toPath().resolve("audio-only.m4a");
    Ffmpeg.run("-i", clip.toString(), "-vn", "-c:a", "copy", audioOnly.toString());
    for (int i = 0; i < 10; i++) {
      long t0 = System.nanoTime();
      FrameComparison.Result r = FrameComparison.compare(clip, audioOnly, 640, 360, TIMEOUT, 0);
      double seconds = (System.nanoTime() - t0) / 1e9;
      assertFalse(r.ok());
      assertEquals(r.message(), dev.gstbeam.FailureReason.CORRUPT, r.reason());
      assertEquals("no video stream decodes in the output", r.message());
      // Far below the 30 s stall watchdog (not a speed target: a hang check).
      assertTrue(seconds + " s", seconds < Transcoder.STALL.toSeconds());
    }
    FrameComparison.Result reversed = FrameComparison.compare(audioOnly, clip, 640, 360, TIMEOUT, 0);
    assertEquals(reversed.message(), dev.gstbeam.FailureReason.CORRUPT, reversed.reason());
    assertEquals("no video stream decodes in the source", reversed.message());
  }

  /** x264's "slower" preset looks 60 frames ahead: the decoded side trails the encoder's input by that much. */
  @Test
  public void h264WithALongLookAheadAgreesWithTheSeparatePass() throws Exception {
    agrees(clip, Profiles.resolve("mp4-h264-aac").withPreset("slower"), "mp4");
  }

  @Test
  public void hevcAgreesWithTheSeparatePass() throws Exception {
    agrees(clip, Profiles.resolve("mp4-hevc-aac").withPreset("veryfast"), "mp4");
  }

  /** VP9: the decoder is chosen by rank, and the top-ranked one (vp9alphadecodebin) must not be taken. */
  @Test
  public void vp9OfAnInterlacedSourceAgreesWithTheSeparatePass() throws Exception {
    agrees(interlaced, Profiles.resolve("webm-vp9-opus").withPreset("veryfast"), "webm");
  }

  @Test
  public void av1AgreesWithTheSeparatePass() throws Exception {
    agrees(interlaced, Profiles.resolve("mkv-av1-opus").withPreset("veryfast"), "mkv");
  }

  /**
   * A profile with its own frame rate (25 -> 30 fps): the encoder gets the source at 30 fps, and the
   * separate pass (the fallback) compares the output with the source converted the same way.
   */
  @Test
  public void aFrameRateChangeIsComparedAtTheNewRateBothWays() throws Exception {
    Profile profile = Profiles.fromJson("{\"base\": \"mp4-h264-aac\", \"video\": {\"frame_rate\": 30, \"preset\": \"veryfast\"}}");
    Path out = TMP.newFolder().toPath().resolve("out30.mp4");
    Transcoder.Outcome t = Transcoder.transcode(clip, out, profile, TIMEOUT, 2, StreamCopy.Decision.NONE, true);
    assertTrue(t.message(), t.ok());
    FramePairs.Result pairs = t.check().pairs();
    assertTrue(pairs.toString(), pairs.complete());
    assertEquals("the source's frames", Ffmpeg.countFrames(clip), t.check().sourceFrames());
    long outputFrames = Ffmpeg.countFrames(out);
    assertEquals("6 s at 30 fps", 180, outputFrames);
    assertEquals(outputFrames, pairs.referenceFrames());
    FrameComparison.Result separate =
        FrameComparison.compare(clip, out, t.geometry().width(), t.geometry().height(), TIMEOUT, 30);
    assertTrue(separate.message(), separate.ok());
    assertEquals("the source at 30 fps", outputFrames, separate.sourceFrames());
    assertEquals(outputFrames, separate.outputFrames());
    assertEquals(separate.psnrMean(), pairs.psnrMean(), 1e-6);
    assertEquals(separate.psnrMin(), pairs.psnrMin(), 1e-6);
  }

  private static void agrees(Path source, Profile profile, String extension) throws Exception {
    Path out = TMP.newFolder().toPath().resolve("out." + extension);
    Transcoder.Outcome t = Transcoder.transcode(source, out, profile, TIMEOUT, 2, StreamCopy.Decision.NONE, true);
    assertTrue(t.message(), t.ok());
    EncodeCheck.Result check = t.check();
    assertNotNull("checked while encoding", check);
    FramePairs.Result pairs = check.pairs();
    assertFalse(pairs.overflowed());
    assertTrue(pairs.toString(), pairs.complete());

    long sourceFrames = Ffmpeg.countFrames(source);
    long outputFrames = Ffmpeg.countFrames(out);
    assertEquals("source frames, as ffmpeg counts them", sourceFrames, check.sourceFrames());
    assertEquals("frames fed to the encoder", sourceFrames, pairs.referenceFrames());
    assertEquals("frames decoded from the encoder", outputFrames, pairs.decodedFrames());
    assertEquals("the written file, decoded alone", outputFrames,
        FrameComparison.countFrames(out, TIMEOUT).outputFrames());

    FrameComparison.Result separate =
        FrameComparison.compare(source, out, t.geometry().width(), t.geometry().height(), TIMEOUT);
    assertTrue(separate.message(), separate.ok());
    // The same frames compared by the same maths: equal but for float summation order.
    assertEquals(separate.psnrMean(), pairs.psnrMean(), 1e-6);
    assertEquals(separate.psnrMin(), pairs.psnrMin(), 1e-6);
  }
}
