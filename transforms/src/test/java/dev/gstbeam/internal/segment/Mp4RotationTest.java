package dev.gstbeam.internal.segment;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import dev.gstbeam.testing.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** The track matrix written for a rotation, on real MP4 files; pure Java. */
public class Mp4RotationTest {
  @Rule public TemporaryFolder tmp = new TemporaryFolder();

  @Test
  public void matricesAreTheOnesDemuxersRecognise() {
    // qtdemux's checks: rotate-90 is a=0 b=1 c=-1 d=0 (16.16), and so on.
    assertArrayEquals(new int[] {0, 0x10000, 0, 0xffff0000, 0, 0, 0, 0, 0x40000000}, Mp4Rotation.matrix(90));
    assertArrayEquals(new int[] {0xffff0000, 0, 0, 0, 0xffff0000, 0, 0, 0, 0x40000000}, Mp4Rotation.matrix(180));
    assertArrayEquals(new int[] {0, 0xffff0000, 0, 0x10000, 0, 0, 0, 0, 0x40000000}, Mp4Rotation.matrix(270));
    assertThrows(IllegalArgumentException.class, () -> Mp4Rotation.matrix(45));
  }

  @Test
  public void setsAndReadsTheVideoTracksMatrixOnly() throws Exception {
    // A phone clip shown turned 90 degrees, with an audio track before or after its video track.
    Path rotated = tmp.getRoot().toPath().resolve("rotated.mp4");
    Files.copy(TestData.corpusFile("androidx-media/mp4/sample_with_color_info.mp4"), rotated);
    assertEquals(90, Mp4Rotation.read(rotated));
    long size = Files.size(rotated);
    assertTrue(Mp4Rotation.set(rotated, 0));
    assertEquals(0, Mp4Rotation.read(rotated));
    assertTrue(Mp4Rotation.set(rotated, 270));
    assertEquals(270, Mp4Rotation.read(rotated));
    assertEquals("only bytes inside moov change", size, Files.size(rotated));

    Path plain = tmp.getRoot().toPath().resolve("plain.mp4");
    Files.copy(TestData.corpusFile("androidx-media/mp4/sample.mp4"), plain);
    assertEquals(0, Mp4Rotation.read(plain));
    byte[] before = Files.readAllBytes(plain);
    assertTrue(Mp4Rotation.set(plain, 180));
    assertEquals(180, Mp4Rotation.read(plain));
    byte[] after = Files.readAllBytes(plain);
    int changed = 0;
    for (int i = 0; i < before.length; i++) {
      changed += before[i] != after[i] ? 1 : 0;
    }
    assertTrue("at most the 36 matrix bytes: " + changed, changed > 0 && changed <= 36);
  }

  @Test
  public void notAnMp4IsLeftAlone() throws Exception {
    Path wav = tmp.getRoot().toPath().resolve("a.wav");
    Files.copy(TestData.corpusFile("other/" + firstWav()), wav);
    byte[] before = Files.readAllBytes(wav);
    assertFalse(Mp4Rotation.set(wav, 90));
    assertEquals(-1, Mp4Rotation.read(wav));
    assertArrayEquals(before, Files.readAllBytes(wav));
  }

  private static String firstWav() throws Exception {
    try (var s = Files.list(TestData.corpus().resolve("other"))) {
      return s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".wav")).sorted().findFirst().orElseThrow();
    }
  }
}
