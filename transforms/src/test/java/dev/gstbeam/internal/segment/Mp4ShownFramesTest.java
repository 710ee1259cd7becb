package dev.gstbeam.internal.segment;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import dev.gstbeam.testing.TestData;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** Frames an MP4 shows, from its tables, against ffprobe's decoded count; pure Java. */
public class Mp4ShownFramesTest {
  @Rule public TemporaryFolder tmp = new TemporaryFolder();

  @Test
  public void bFramesBehindAnEditAreAllShown() throws Exception {
    TestData.assumeTool("ffmpeg");
    Path f = tmp.getRoot().toPath().resolve("bframes.mp4");
    // B-frames: the composition times start after the decode times, and the edit starts there.
    run("ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=160x120:rate=25", "-t", "3", "-c:v", "libx264",
        "-bf", "3", f.toString());
    assertEquals(ffprobe(f, "nb_read_frames"), Mp4ShownFrames.count(f));
  }

  @Test
  public void anEditThatHidesSamplesIsApplied() throws Exception {
    TestData.assumeTool("ffprobe");
    Path f = TestData.corpusFile("androidx-media/mp4/iibbibb_editlist_videoonly.mp4");
    long packets = ffprobe(f, "nb_read_packets");
    long frames = ffprobe(f, "nb_read_frames");
    assertTrue(packets + " samples, " + frames + " shown", packets > frames);
    assertEquals(frames, Mp4ShownFrames.count(f));
  }

  @Test
  public void layoutsItDoesNotCountAreLeftToADecode() {
    assertEquals(-1, Mp4ShownFrames.count(TestData.corpusFile("androidx-media/mp4/sample_fragmented.mp4")));
    assertEquals(-1, Mp4ShownFrames.count(TestData.corpusFile("androidx-media/mkv/sample.mkv")));
    assertEquals("no video track", -1, Mp4ShownFrames.count(TestData.corpusFile("androidx-media/mp4/sample_audio_only.mp4")));
  }

  private static long ffprobe(Path f, String entry) throws Exception {
    return Long.parseLong(run("ffprobe", "-v", "error", "-select_streams", "v:0", "-count_frames", "-count_packets",
        "-show_entries", "stream=" + entry, "-of", "csv=p=0", f.toString()).trim());
  }

  private static String run(String... command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(String.join(" ", command) + ": " + out, 0, p.waitFor());
    return out;
  }
}
