package dev.gstbeam.internal.segment;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;

import dev.gstbeam.testing.TestData;
import java.nio.file.Path;
import java.util.List;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** The range flag of an MP4 video track's nclx box, on real files; pure Java. */
public class Mp4ColourTest {
  @Rule public TemporaryFolder tmp = new TemporaryFolder();

  @Test
  public void readsTheRangeFfmpegWrote() throws Exception {
    TestData.assumeTool("ffmpeg");
    for (String range : List.of("tv", "pc")) {
      Path f = tmp.getRoot().toPath().resolve(range + ".mp4");
      // ffmpeg's mov muxer writes colr/nclx from these, the full-range flag from -color_range.
      run("ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=160x120:rate=10", "-f", "lavfi",
          "-i", "sine", "-t", "0.5", "-map", "1:a", "-map", "0:v", "-pix_fmt", "yuv420p", "-color_range", range,
          "-colorspace", "bt709", "-color_primaries", "bt709", "-color_trc", "bt709", "-c:v", "libx264", f.toString());
      assertEquals(range + " (the audio track comes first)", range.equals("pc"), Mp4Colour.fullRange(f));
    }
  }

  private static void run(String... command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    assertEquals(String.join(" ", command) + ": " + out, 0, p.waitFor());
  }

  @Test
  public void aPhoneClipsFullRangeBox() {
    // nclx 5/6/6 with the full-range bit (0x80 at byte 18 of the box); ffprobe: yuvj420p, pc.
    assertEquals(true, Mp4Colour.fullRange(TestData.corpusFile("androidx-media/mp4/sample_gamma2.2.mp4")));
  }

  @Test
  public void noBoxNoVideoOrNoMp4SaysNothing() {
    // Full range signalled in the H.264 VUI only: no colr box.
    assertNull(Mp4Colour.fullRange(TestData.corpusFile("androidx-media/mp4/sample_with_increasing_timestamps.mp4")));
    assertNull(Mp4Colour.fullRange(TestData.corpusFile("androidx-media/mp4/sample_audio_only.mp4")));
    assertNull(Mp4Colour.fullRange(TestData.corpusFile("androidx-media/mkv/sample.mkv")));
    assertNull(Mp4Colour.fullRange(tmp.getRoot().toPath().resolve("absent.mp4")));
  }
}
