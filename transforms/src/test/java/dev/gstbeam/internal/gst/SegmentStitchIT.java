package dev.gstbeam.internal.gst;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import dev.gstbeam.internal.segment.Segment;
import dev.gstbeam.internal.segment.SegmentPlan;
import dev.gstbeam.internal.segment.SegmentPlanner;
import dev.gstbeam.internal.transcode.Profile;
import dev.gstbeam.internal.transcode.Profiles;
import dev.gstbeam.testing.Ffmpeg;
import dev.gstbeam.testing.TestData;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.BeforeClass;
import org.junit.ClassRule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * The native half of segmented transcoding on its own: index, plan, encode each segment, stitch, and
 * check the joined file against the source with ffmpeg (frame count, per-frame PSNR by index).
 */
public class SegmentStitchIT {
  @ClassRule public static final TemporaryFolder TMP = new TemporaryFolder();

  @BeforeClass
  public static void tools() {
    TestData.assumeTool("ffmpeg");
    GstRuntime.ensureInitialized();
  }

  /** Open-GOP MPEG-2 in TS, every frame different (temporal noise), 24 s, segments of 5 s. */
  @Test
  public void openGopMpeg2TransportStreamStitchesFrameExact() throws Exception {
    Path src = TMP.getRoot().toPath().resolve("noise.ts");
    Ffmpeg.run("-f", "lavfi", "-i", "testsrc2=size=480x270:rate=25", "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000",
        "-t", "24", "-vf", "noise=alls=20:allf=t", "-c:v", "mpeg2video", "-g", "12", "-bf", "2", "-q:v", "3",
        "-c:a", "mp2", "-b:a", "128k", src.toString());
    check(src, 5, Profiles.resolve("mp4-h264-aac").withPreset("ultrafast"));
  }

  /** H.264 with B-frames in MP4 (qtdemux seeks by its index), segments of 4 s. */
  @Test
  public void h264InMp4StitchesFrameExact() throws Exception {
    Path src = TMP.getRoot().toPath().resolve("bframes.mp4");
    Ffmpeg.run("-f", "lavfi", "-i", "testsrc2=size=480x270:rate=25", "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000",
        "-t", "20", "-vf", "noise=alls=12:allf=t", "-c:v", "libx264", "-preset", "veryfast", "-bf", "3", "-g", "25",
        "-c:a", "aac", src.toString());
    check(src, 4, Profiles.resolve("mp4-h264-aac").withPreset("veryfast"));
  }

  /** Variable frame rate (every fifth frame of 30 fps dropped), short enough that the demuxer could reach
   * the end before a segment's seek if it were not held. */
  @Test
  public void variableFrameRateStitchesFrameExact() throws Exception {
    Path src = TMP.getRoot().toPath().resolve("vfr.mp4");
    Ffmpeg.run("-f", "lavfi", "-i", "testsrc2=size=480x270:rate=30", "-f", "lavfi", "-i", "sine=frequency=800:sample_rate=48000",
        "-t", "16", "-vf", "select='not(eq(mod(n\\,5)\\,4))',noise=alls=10:allf=t", "-fps_mode", "vfr", "-c:v", "libx264",
        "-preset", "veryfast", "-g", "30", "-c:a", "aac", src.toString());
    check(src, 4, Profiles.resolve("mp4-h264-aac").withPreset("veryfast"));
  }

  static void check(Path src, double seconds, Profile profile) throws Exception {
    StreamScan.Result scan = StreamScan.scan(src, true, Duration.ofMinutes(2));
    assertTrue(scan.outcome().ok());
    StreamScan.ScannedStream video = scan.streams().stream()
        .filter(s -> s.caps() != null && s.caps().startsWith("video/")).findFirst().orElseThrow();
    SegmentPlan plan = SegmentPlanner.plan(video.packetPtsNanos(), video.packetKeyframes(), 0, seconds);
    assertTrue("several segments: " + plan.size(), plan.size() >= 3);
    List<Path> parts = new ArrayList<>();
    long[] given = new long[plan.size()];
    for (Segment s : plan.segments()) {
      Path part = TMP.getRoot().toPath().resolve(src.getFileName() + ".seg" + s.index() + ".mp4");
      SegmentEncoder.Outcome o = SegmentEncoder.encode(src, s, part, profile, Duration.ofSeconds(60), 1, -1);
      assertTrue("segment " + s.index() + ": " + o, o.ok());
      // Segments after the first jump to their keyframe instead of reading the file from the start.
      assertEquals("segment " + s.index() + " jumped", !s.first(), o.jumped());
      assertTrue("segment " + s.index() + " gave " + o.frames() + " of " + s.frames(), s.complete(o.frames()));
      assertEquals("segment " + s.index() + " in the file", o.frames(), Ffmpeg.countFrames(part));
      given[s.index()] = o.frames();
      parts.add(part);
    }
    Path out = TMP.getRoot().toPath().resolve(src.getFileName() + ".out." + profile.extension());
    Stitcher.Outcome st = Stitcher.stitch(parts, src, true, out, profile, Duration.ofMinutes(2));
    assertTrue("stitch: " + st, st.ok());
    long srcFrames = Ffmpeg.countFrames(src);
    assertEquals("frame count", srcFrames, Ffmpeg.countFrames(out));
    assertEquals("", Ffmpeg.decodeErrors(out));
    double[] psnr = Ffmpeg.framePsnr(src, out, 480, 270, TMP.getRoot().toPath().resolve(src.getFileName() + ".psnr"));
    assertEquals(srcFrames, psnr.length);
    double min = Arrays.stream(psnr).min().orElseThrow();
    double mean = Arrays.stream(psnr).average().orElseThrow();
    System.out.printf("%s: %d segments, %d frames, PSNR min %.2f mean %.2f; boundaries:", src.getFileName(), plan.size(),
        srcFrames, min, mean);
    for (long b : SegmentPlan.firstFrameNumbers(given)) {
      if (b > 0) {
        System.out.printf(" %d:%.1f/%.1f", b, psnr[(int) b - 1], psnr[(int) b]);
      }
    }
    System.out.println();
    assertTrue("min PSNR " + min, min >= 25);
    assertTrue("mean PSNR " + mean, mean >= 32);
    double a = Ffmpeg.streamSeconds(src, "a:0");
    double b = Ffmpeg.streamSeconds(out, "a:0");
    assertEquals("audio duration", a, b, 0.05);
  }
}
