package dev.gstbeam.internal.probe;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import dev.gstbeam.testing.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** The audio streams a transport stream's program map announces; pure Java, on real files. */
public class TsProgramMapTest {
  @Rule public TemporaryFolder tmp = new TemporaryFolder();

  @Test
  public void findsTheDtsStreamTsdemuxIgnores() throws Exception {
    // ffprobe: stream 0 h264 id 0x100, stream 1 dts id 0x101 (type 0x82, no registration descriptor).
    List<TsProgramMap.Entry> all = TsProgramMap.read(TestData.corpusFile("androidx-media/ts/sample_h264_dts_audio.ts"));
    assertEquals(2, all.size());
    assertEquals(0x100, all.get(0).pid());
    assertEquals(0x1b, all.get(0).streamType());
    assertFalse(all.get(0).audio());
    List<TsProgramMap.Entry> audio = TsProgramMap.audioWithData(all);
    assertEquals(1, audio.size());
    assertEquals(0x101, audio.get(0).pid());
    assertEquals(0x82, audio.get(0).streamType());
    assertTrue(audio.get(0).packets() > 0);
  }

  @Test
  public void aBroadcastCueStreamIsNotBluRayAudio() throws Exception {
    // ffprobe: mpeg2video 0x100, mp2 0x101, scte_35 0x258 (type 0x86, which Blu-ray uses for DTS-HD).
    List<TsProgramMap.Entry> all = TsProgramMap.read(TestData.corpusFile("androidx-media/ts/sample_scte35.ts"));
    assertEquals(all.toString(), 3, all.size());
    List<TsProgramMap.Entry> audio = TsProgramMap.audioWithData(all);
    assertEquals(all.toString(), 1, audio.size());
    assertEquals(0x101, audio.get(0).pid());
  }

  @Test
  public void countsTheAudioStreamsFfmpegWrote() throws Exception {
    TestData.assumeTool("ffmpeg");
    Path ts = tmp.getRoot().toPath().resolve("three.ts");
    // AAC (type 0x0f), MP2 (0x03 or 0x04) and AC-3 (0x81, or 0x06 with a descriptor), plus video.
    Process p = new ProcessBuilder("ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=160x120:rate=25",
        "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000", "-t", "1", "-map", "0:v", "-map", "1:a", "-map", "1:a",
        "-map", "1:a", "-c:v", "mpeg2video", "-c:a:0", "aac", "-c:a:1", "mp2", "-c:a:2", "ac3", ts.toString())
        .redirectErrorStream(true).start();
    String log = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    assertEquals(log, 0, p.waitFor());
    List<TsProgramMap.Entry> all = TsProgramMap.read(ts);
    assertEquals(all.toString(), 4, all.size());
    assertEquals(all.toString(), 3, TsProgramMap.audioWithData(all).size());
  }

  @Test
  public void notATransportStreamHasNoProgramMap() throws Exception {
    assertEquals(List.of(), TsProgramMap.read(TestData.corpusFile("androidx-media/mp4/sample.mp4")));
    assertEquals(List.of(), TsProgramMap.read(Files.write(tmp.getRoot().toPath().resolve("empty.ts"), new byte[0])));
  }
}
