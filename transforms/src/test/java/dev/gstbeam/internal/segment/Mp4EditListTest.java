package dev.gstbeam.internal.segment;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** The edit-list repair on hand-built MP4 box trees (the layout mp4mux writes, version 0 boxes). */
public class Mp4EditListTest {
  @Rule public TemporaryFolder tmp = new TemporaryFolder();

  private static byte[] box(String type, byte[]... children) {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    for (byte[] c : children) {
      body.writeBytes(c);
    }
    ByteBuffer b = ByteBuffer.allocate(8 + body.size());
    b.putInt(8 + body.size()).put(type.getBytes(StandardCharsets.ISO_8859_1)).put(body.toByteArray());
    return b.array();
  }

  private static byte[] ints(int... v) {
    ByteBuffer b = ByteBuffer.allocate(4 * v.length);
    for (int i : v) {
      b.putInt(i);
    }
    return b.array();
  }

  /**
   * One track, timescale 1000 for movie and media, 4 samples of 100 ticks (decode times 0..300) with
   * composition offsets 100, 400, 0, 0: shown at 100, 500, 200, 300, so the last shown ends at 600.
   * The edit starts at media time 100 with the given duration.
   */
  private static Path movie(Path dir, int editDuration, boolean audioTrackToo) throws Exception {
    byte[] mvhd = box("mvhd", ints(0, 0, 0, 1000, editDuration));
    byte[] video = box("trak",
        box("tkhd", ints(0, 0, 0, 1, 0, editDuration)),
        box("edts", box("elst", ints(0, 1, editDuration, 100, 0x10000))),
        box("mdia", box("mdhd", ints(0, 0, 0, 1000, 400)),
            box("minf", box("stbl",
                box("stts", ints(0, 1, 4, 100)),
                box("ctts", ints(0, 4, 1, 100, 1, 400, 1, 0, 1, 0))))));
    byte[] audio = box("trak",
        box("tkhd", ints(0, 0, 0, 2, 0, 500)),
        box("edts", box("elst", ints(0, 1, 500, 0, 0x10000))),
        box("mdia", box("mdhd", ints(0, 0, 0, 1000, 500)),
            box("minf", box("stbl", box("stts", ints(0, 1, 5, 100))))));
    byte[] moov = audioTrackToo ? box("moov", mvhd, video, audio) : box("moov", mvhd, video);
    Path f = dir.resolve("m.mp4");
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    all.writeBytes(box("ftyp", "isom".getBytes(StandardCharsets.ISO_8859_1)));
    all.writeBytes(box("mdat", new byte[64]));
    all.writeBytes(moov);
    Files.write(f, all.toByteArray());
    return f;
  }

  private static int intAfter(byte[] file, String type, int offsetInBox) {
    String s = new String(file, StandardCharsets.ISO_8859_1);
    int at = s.indexOf(type) - 4;
    return ByteBuffer.wrap(file).getInt(at + offsetInBox);
  }

  @Test
  public void extendsTheEditToTheLastFrameShown() throws Exception {
    Path f = movie(tmp.getRoot().toPath(), 400, false); // mp4mux's: the sum of durations
    long size = Files.size(f);
    assertTrue(Mp4EditList.extendToLastSample(f));
    byte[] after = Files.readAllBytes(f);
    assertEquals(size, after.length);
    assertEquals("elst duration: 600 - 100", 500, intAfter(after, "elst", 16));
    assertEquals("elst media time kept", 100, intAfter(after, "elst", 20));
    assertEquals("tkhd duration", 500, intAfter(after, "tkhd", 28));
    assertEquals("mvhd duration", 500, intAfter(after, "mvhd", 24));
  }

  @Test
  public void leavesCorrectFilesAndOtherTracksAlone() throws Exception {
    Path ok = movie(tmp.newFolder().toPath(), 500, false);
    byte[] before = Files.readAllBytes(ok);
    assertFalse(Mp4EditList.extendToLastSample(ok));
    assertEquals(ByteBuffer.wrap(before), ByteBuffer.wrap(Files.readAllBytes(ok)));

    Path two = movie(tmp.newFolder().toPath(), 400, true);
    assertTrue(Mp4EditList.extendToLastSample(two));
    byte[] after = Files.readAllBytes(two);
    String s = new String(after, StandardCharsets.ISO_8859_1);
    int secondElst = s.indexOf("elst", s.indexOf("elst") + 4) - 4;
    assertEquals("audio edit unchanged", 500, ByteBuffer.wrap(after).getInt(secondElst + 16));
    assertEquals("video edit extended", 500, intAfter(after, "elst", 16));
  }

  /**
   * The video track starts 50 ms into the movie (an empty edit first, as mp4mux writes when a subtitle
   * cue comes before the first frame): the media edit after it is extended, the empty one kept, and the
   * track and movie durations are the two together.
   */
  @Test
  public void anEmptyEditFirstIsKeptAndTheMediaEditExtended() throws Exception {
    byte[] mvhd = box("mvhd", ints(0, 0, 0, 1000, 450));
    byte[] video = box("trak",
        box("tkhd", ints(0, 0, 0, 1, 0, 450)),
        box("edts", box("elst", ints(0, 2, 50, -1, 0x10000, 400, 100, 0x10000))),
        box("mdia", box("mdhd", ints(0, 0, 0, 1000, 400)),
            box("hdlr", ints(0, 0), "vide".getBytes(StandardCharsets.ISO_8859_1), ints(0, 0, 0, 0)),
            box("minf", box("stbl",
                box("stts", ints(0, 1, 4, 100)),
                box("ctts", ints(0, 4, 1, 100, 1, 400, 1, 0, 1, 0))))));
    Path f = tmp.newFile("e.mp4").toPath();
    Files.write(f, box("moov", mvhd, video));
    assertTrue(Mp4EditList.extendToLastSample(f));
    byte[] after = Files.readAllBytes(f);
    assertEquals("empty edit kept", 50, intAfter(after, "elst", 16));
    assertEquals("empty edit kept", -1, intAfter(after, "elst", 20));
    assertEquals("media edit: 600 - 100", 500, intAfter(after, "elst", 28));
    assertEquals("media time kept", 100, intAfter(after, "elst", 32));
    assertEquals("tkhd duration", 550, intAfter(after, "tkhd", 28));
    assertEquals("mvhd duration", 550, intAfter(after, "mvhd", 24));
  }

  /**
   * A subtitle track ("sbtl") ends with empty end-of-cue samples of no duration: they get one tick each,
   * not the cue's length, and the edit covers them.
   */
  @Test
  public void aSubtitleTracksEmptyLastSamplesGetOneTick() throws Exception {
    byte[] mvhd = box("mvhd", ints(0, 0, 0, 1000, 300));
    byte[] text = box("trak",
        box("tkhd", ints(0, 0, 0, 1, 0, 300)),
        box("edts", box("elst", ints(0, 1, 300, 0, 0x10000))),
        box("mdia", box("mdhd", ints(0, 0, 0, 1000, 300)),
            box("hdlr", ints(0, 0), "sbtl".getBytes(StandardCharsets.ISO_8859_1), ints(0, 0, 0, 0)),
            box("minf", box("stbl", box("stts", ints(0, 2, 1, 300, 2, 0))))));
    Path f = tmp.newFile("s.mp4").toPath();
    Files.write(f, box("moov", mvhd, text));
    assertTrue(Mp4EditList.extendToLastSample(f));
    byte[] after = Files.readAllBytes(f);
    assertEquals("the cue keeps its length", 300, intAfter(after, "stts", 20));
    assertEquals("end samples: one tick", 1, intAfter(after, "stts", 28));
    assertEquals("mdhd duration", 302, intAfter(after, "mdhd", 24));
    assertEquals("edit covers them", 302, intAfter(after, "elst", 16));
  }

  @Test
  public void aLastSampleWithoutDurationGetsItsPredecessors() throws Exception {
    byte[] mvhd = box("mvhd", ints(0, 0, 0, 1000, 300));
    byte[] video = box("trak",
        box("tkhd", ints(0, 0, 0, 1, 0, 300)),
        box("edts", box("elst", ints(0, 1, 300, 0, 0x10000))),
        box("mdia", box("mdhd", ints(0, 0, 0, 1000, 300)),
            box("minf", box("stbl", box("stts", ints(0, 2, 3, 100, 1, 0))))));
    Path f = tmp.newFile("z.mp4").toPath();
    Files.write(f, box("moov", mvhd, video));
    assertTrue(Mp4EditList.extendToLastSample(f));
    byte[] after = Files.readAllBytes(f);
    assertEquals("last stts delta", 100, intAfter(after, "stts", 28));
    assertEquals("mdhd duration", 400, intAfter(after, "mdhd", 24));
    assertEquals("edit shows all four", 400, intAfter(after, "elst", 16));
  }

  @Test
  public void notAnMp4IsLeftAlone() throws Exception {
    Path f = tmp.newFile("x.bin").toPath();
    Files.write(f, new byte[] {0, 0, 0, 2, 'a', 'b', 'c', 'd', 1, 2, 3});
    assertFalse(Mp4EditList.extendToLastSample(f));
    Path empty = tmp.newFile("e.bin").toPath();
    assertFalse(Mp4EditList.extendToLastSample(empty));
  }
}
