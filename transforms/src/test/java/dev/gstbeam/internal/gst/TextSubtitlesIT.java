package dev.gstbeam.internal.gst;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import dev.gstbeam.internal.transcode.Profile;
import dev.gstbeam.internal.transcode.Profiles;
import dev.gstbeam.internal.transcode.StreamCopy;
import dev.gstbeam.testing.Ffmpeg;
import dev.gstbeam.testing.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.BeforeClass;
import org.junit.ClassRule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * Text subtitles kept through a transcode ({@link TextSubtitles}), with ffmpeg as the oracle for the
 * cues written: their number, times and text, per container.
 */
public class TextSubtitlesIT {
  @ClassRule public static final TemporaryFolder TMP = new TemporaryFolder();
  private static final Duration TIMEOUT = Duration.ofMinutes(3);
  private static Path sparse;

  /**
   * 40 s of video and audio with two cues far apart (the first at 5 s, the next at 30 s), one with an
   * ampersand and italics: a muxer fed these through the pipeline waits for the next cue and stalls.
   */
  @BeforeClass
  public static void fixtures() throws Exception {
    TestData.assumeTool("ffmpeg");
    GstRuntime.ensureInitialized();
    Path srt = TMP.getRoot().toPath().resolve("cues.srt");
    Files.writeString(srt, "1\n00:00:05,000 --> 00:00:07,000\nFish & <i>chips</i>\n\n"
        + "2\n00:00:30,000 --> 00:00:32,500\nLate, on two\nlines\n\n");
    sparse = TMP.getRoot().toPath().resolve("sparse.mkv");
    Ffmpeg.run("-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25:duration=40", "-f", "lavfi", "-i",
        "sine=duration=40", "-i", srt.toString(), "-map", "0", "-map", "1", "-map", "2", "-c:v", "libx264",
        "-preset", "ultrafast", "-c:a", "aac", "-c:s", "srt", "-metadata:s:s:0", "language=fra", sparse.toString());
  }

  @Test
  public void cuesAreReadAsTheDemuxerGivesThem() throws Exception {
    TextSubtitles.Read read = TextSubtitles.read(sparse, TIMEOUT);
    assertTrue(read.failure(), read.ok());
    assertEquals(1, read.tracks().size());
    TextSubtitles.Track track = read.tracks().get(0);
    assertTrue("SubRip comes as Pango markup", track.markup());
    assertEquals("GStreamer's code for French", "fr", track.language());
    List<Ffmpeg.Cue> expected = Ffmpeg.subtitleCues(sparse, 0);
    assertEquals(2, expected.size());
    assertEquals(expected.size(), track.cues().size());
    for (int i = 0; i < expected.size(); i++) {
      TextSubtitles.Cue cue = track.cues().get(i);
      assertEquals(expected.get(i).startMillis(), cue.ptsNanos() / 1_000_000);
      assertEquals(expected.get(i).endMillis(), (cue.ptsNanos() + cue.durationNanos()) / 1_000_000);
    }
    // With tags in it, matroskademux passes SubRip text on as it is (no escaping of the ampersand).
    assertEquals("Fish & <i>chips</i>", track.cues().get(0).text());
  }

  @Test
  public void mp4KeepsThemAsPlainTimedTextWithoutStalling() throws Exception {
    Path out = transcode("mp4-h264-aac", "mp4");
    assertEquals("mov_text", codec(out));
    assertEquals("fra", language(out));
    List<Ffmpeg.Cue> cues = Ffmpeg.subtitleCues(out, 0);
    List<Ffmpeg.Cue> source = Ffmpeg.subtitleCues(sparse, 0);
    assertEquals(cues.toString(), source.size(), cues.size());
    for (int i = 0; i < source.size(); i++) {
      assertEquals(source.get(i).startMillis(), cues.get(i).startMillis());
      // Exact for the last cue too: mp4mux gives a sparse track's last sample no length, and TextSubtitles
      // and Mp4EditList end it with an empty one-tick sample instead.
      assertEquals(source.get(i).endMillis(), cues.get(i).endMillis());
      // ffmpeg's tx3g reader adds the sample entry's default font as <font> tags: not ours, not compared.
      assertEquals(source.get(i).text().replaceAll("<[^>]*>", ""), cues.get(i).text().replaceAll("<[^>]*>", ""));
    }
    assertEquals("Fish & chips", cues.get(0).text().replaceAll("<[^>]*>", ""));
  }

  @Test
  public void matroskaKeepsThemAsSubRipWithItalics() throws Exception {
    Path out = transcode("mkv-av1-opus", "mkv");
    assertEquals("subrip", codec(out));
    // ISO 639-2 has two codes for French: matroskamux writes the bibliographic one.
    assertTrue(language(out), List.of("fra", "fre").contains(language(out)));
    List<Ffmpeg.Cue> cues = Ffmpeg.subtitleCues(out, 0);
    assertEquals(Ffmpeg.subtitleCues(sparse, 0), cues);
  }

  private static Path transcode(String profileName, String extension) throws Exception {
    Profile profile = Profiles.resolve(profileName).withPreset("ultrafast");
    Path out = TMP.newFolder().toPath().resolve("out." + extension);
    TextSubtitles.Read read = TextSubtitles.read(sparse, TIMEOUT);
    Transcoder.Outcome t =
        Transcoder.transcode(sparse, out, profile, TIMEOUT, 2, StreamCopy.Decision.NONE, false, read.tracks());
    assertTrue(t.message(), t.ok());
    assertEquals(1, t.textTracks());
    assertTrue(t.notes().toString(), t.notes().stream().noneMatch(n -> n.contains("text/x-raw")));
    return out;
  }

  private static String language(Path file) throws Exception {
    return Ffmpeg.probeEntry(file, "s", "stream_tags=language");
  }

  private static String codec(Path file) throws Exception {
    return Ffmpeg.probeEntry(file, "s", "stream=codec_name");
  }
}
