package dev.gstbeam.internal.probe;

import static org.junit.Assert.assertEquals;

import dev.gstbeam.testing.TestData;
import java.nio.file.Path;
import java.util.Map;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** MPEG audio packets inside what was taken for an elementary video stream; pure Java, real files. */
public class EmbeddedPesAudioTest {
  @Rule public TemporaryFolder tmp = new TemporaryFolder();

  @Test
  public void findsTheAudioOfAProgramStreamWithJunkBeforeItsFirstPack() throws Exception {
    // GStreamer typefinds it as MPEG video; ffprobe reads MP2 audio on stream id 0xc0 (id 0x1c0).
    assertEquals(Map.of(0xc0, 2), EmbeddedPesAudio.streams(TestData.corpusFile("androidx-media/ts/sample_with_junk")));
  }

  @Test
  public void realElementaryStreamsHaveNone() throws Exception {
    TestData.assumeTool("ffmpeg");
    // Start codes are never emulated inside MPEG-2 video or H.264/HEVC NAL units: no false finds.
    for (String[] es : new String[][] {{"mpeg2video", "mpeg2video"}, {"h264", "libx264"}, {"hevc", "libx265"}}) {
      Path f = tmp.getRoot().toPath().resolve("noise." + es[0]);
      Process p = new ProcessBuilder("ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25",
          "-t", "4", "-vf", "noise=alls=30:allf=t", "-c:v", es[1], "-f", es[0], f.toString())
          .redirectErrorStream(true).start();
      String log = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
      assertEquals(log, 0, p.waitFor());
      assertEquals(es[0], Map.of(), EmbeddedPesAudio.streams(f));
    }
  }
}
