package dev.gstbeam.internal.segment;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import dev.gstbeam.testing.Ffmpeg;
import dev.gstbeam.testing.TestData;
import java.nio.file.Path;
import java.util.List;
import org.junit.Test;

/** The pasp box of an MP4-family video track, on real files, against ffprobe; pure Java. */
public class Mp4PixelAspectTest {
  @Test
  public void everyStatedAspectInTheCorpusIsFfprobes() throws Exception {
    TestData.assumeTool("ffprobe");
    List<Path> files = TestData.corpusFiles("mp4", "mov", "3gp", "m4v");
    int stated = 0;
    int anamorphic = 0;
    for (Path f : files) {
      int[] ours = Mp4PixelAspect.of(f);
      if (ours == null) {
        continue;
      }
      stated++;
      // ffprobe's stream aspect: the pasp box where there is one (a container's aspect wins over the codec's).
      String sar = Ffmpeg.probeEntry(f, "v:0", "stream=sample_aspect_ratio").split("[,\\n]")[0].trim();
      assertEquals(f.toString(), sar, ours[0] + ":" + ours[1]);
      if (ours[0] != ours[1]) {
        anamorphic++;
      }
    }
    // The corpus has 50 such files, 5 of them anamorphic (64:45, 1137:800); a reader that finds none fails.
    assertTrue("files with a pasp box: " + stated, stated >= 40);
    assertTrue("anamorphic ones: " + anamorphic, anamorphic >= 4);
  }

  @Test
  public void theFilesGStreamerReadsOtherwise() {
    // A 3GP whose H.263 avdec_h263 shows at 12:11, and Samsung slow-motion files qtdemux shows at 27:64
    // from their track headers: each states 1:1.
    for (String f : List.of("androidx-media/mp4/bbb_176x144_128kbps_15fps_h263.3gp",
        "androidx-media/mp4/sample_sef_slow_motion.mp4", "androidx-media/mp4/sample_sef_super_slow_motion.mp4")) {
      assertArrayEquals(f, new int[] {1, 1}, Mp4PixelAspect.of(TestData.corpusFile(f)));
    }
  }

  @Test
  public void noBoxNoAnswer() {
    assertNull(Mp4PixelAspect.of(TestData.corpusFile("androidx-media/mkv/sample.mkv")));
    assertNull(Mp4PixelAspect.of(Path.of("absent.mp4")));
  }
}
