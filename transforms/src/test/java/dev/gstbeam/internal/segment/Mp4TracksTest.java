package dev.gstbeam.internal.segment;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import dev.gstbeam.testing.Ffmpeg;
import dev.gstbeam.testing.TestData;
import java.nio.file.Path;
import java.util.List;
import org.junit.Test;

/** An MP4's tracks from its boxes, on real files, against ffprobe; pure Java. */
public class Mp4TracksTest {
  @Test
  public void videoAndAudioTracksAreFfprobesStreams() throws Exception {
    TestData.assumeTool("ffprobe");
    List<Path> files = TestData.corpusFiles("mp4", "mov", "3gp", "m4a");
    int read = 0;
    for (Path f : files) {
      List<Mp4Tracks.Track> tracks = Mp4Tracks.of(f);
      if (tracks.isEmpty()) {
        continue; // fragmented, or not read
      }
      read++;
      for (String[] kind : new String[][] {{"vide", "v"}, {"soun", "a"}}) {
        long ours = tracks.stream().filter(t -> t.handler().equals(kind[0])).count();
        String listed = Ffmpeg.probeEntry(f, kind[1], "stream=index");
        long theirs = listed.lines().filter(l -> l.trim().matches("\\d+,*")).count(); // (side data adds commas and lines)
        assertEquals(f + " " + kind[0], theirs, ours);
      }
    }
    assertTrue("MP4 files read: " + read, read >= 60);
  }

  @Test
  public void aVideoTrackQtdemuxSkips() throws Exception {
    Path f = TestData.corpusFile("androidx-media/mp4/sample_with_vobsub.mp4");
    Mp4Tracks.Track video = Mp4Tracks.of(f).stream().filter(t -> t.handler().equals("vide")).findFirst().orElseThrow();
    Mp4Tracks.Track audio = Mp4Tracks.of(f).stream().filter(t -> t.handler().equals("soun")).findFirst().orElseThrow();
    TestData.assumeTool("ffprobe");
    assertEquals(Long.parseLong(Ffmpeg.probeEntry(f, "v:0", "stream=nb_frames")), video.samples());
    assertEquals(Double.parseDouble(Ffmpeg.probeEntry(f, "v:0", "stream=duration")), video.seconds(), 0.001);
    // 0.049 s of a 1.24 s movie: under 20 %. The 1.01 s audio is not.
    assertTrue(video.skippedByQtdemux());
    assertFalse(audio.skippedByQtdemux());
  }
}
