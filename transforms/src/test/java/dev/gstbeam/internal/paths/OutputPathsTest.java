package dev.gstbeam.internal.paths;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.Test;

public class OutputPathsTest {
  @Test
  public void fixedPrefixStopsBeforeTheFirstWildcard() {
    assertEquals("/a/b/", OutputPaths.fixedPrefix("/a/b/*.mp4"));
    assertEquals("/a/b/", OutputPaths.fixedPrefix("/a/b/**"));
    assertEquals("/a/", OutputPaths.fixedPrefix("/a/b*/c.mp4"));
    assertEquals("/a/b/", OutputPaths.fixedPrefix("/a/b/c.mp4"));
    assertEquals("s3a://bucket/in/", OutputPaths.fixedPrefix("s3a://bucket/in/{x,y}/*"));
  }

  @Test
  public void outputsMirrorInputsWithTheProfilesExtension() {
    assertEquals("/out/x/y/clip.mp4", OutputPaths.outputFor("/in/x/y/clip.avi", "/in/", "/out", "mp4"));
    assertEquals("s3a://b/o/tape 1.webm", OutputPaths.outputFor("s3a://b/i/tape 1.MOV", "s3a://b/i/", "s3a://b/o/", "webm"));
    assertEquals("/out/noext.mkv", OutputPaths.outputFor("/in/noext", "/in/", "/out", "mkv"));
    // not below the prefix: the file name only
    assertEquals("/out/c.mp4", OutputPaths.outputFor("/elsewhere/c.ts", "/in/", "/out", "mp4"));
  }

  @Test
  public void hostileNamesStayBelowTheRoot() {
    assertEquals("/out/etc/passwd.mp4", OutputPaths.outputFor("/in/../../etc/passwd", "/in/", "/out", "mp4"));
    assertEquals("/out/a/b.mp4", OutputPaths.outputFor("/in//a/./b.ts", "/in/", "/out", "mp4"));
    assertEquals("/out/a_b_c.mp4", OutputPaths.outputFor("/in/a\u0000b\nc.ts", "/in/", "/out", "mp4"));
    assertEquals("/out/_.mp4", OutputPaths.outputFor("/in/...", "/in/", "/out", "mp4"));
    assertEquals("/out/fi!le=\"x\" 'y' ü.mp4", OutputPaths.outputFor("/in/fi!le=\"x\" 'y' ü.mov", "/in/", "/out", "mp4"));
  }

  @Test
  public void longNamesAreShortenedToWholeCodePointsAndKeepTheExtension() {
    String name = "é".repeat(300) + ".avi";
    String out = OutputPaths.outputFor("/in/" + name, "/in/", "/out", "mp4");
    String last = out.substring(out.lastIndexOf('/') + 1);
    assertTrue(last.endsWith(".mp4"));
    assertTrue(last.getBytes(StandardCharsets.UTF_8).length <= OutputPaths.MAX_SEGMENT_BYTES);
    assertFalse(last.contains("\uFFFD"));
    // two long names that differ only at the end stay distinct
    String other = OutputPaths.outputFor("/in/" + "é".repeat(300) + "x.avi", "/in/", "/out", "mp4");
    assertFalse(out.equals(other));
  }

  @Test
  public void disambiguationKeepsTheSourceExtension() {
    assertEquals("/out/a.avi.mp4", OutputPaths.disambiguated("/out/a.mp4", "/in/a.avi", "mp4"));
    assertEquals("/out/a.mp4", OutputPaths.disambiguated("/out/a.mp4", "/in/a", "mp4"));
  }

  @Test
  public void temporariesAreHiddenSiblings() {
    String tmp = OutputPaths.temporaryFor("/out/x/a.mp4", "w1-3");
    assertEquals("/out/x/.gstbeam-tmp-w1-3-a.mp4", tmp);
    assertTrue(OutputPaths.isTemporary(tmp));
    assertFalse(OutputPaths.isTemporary("/out/x/a.mp4"));
  }

  @Test
  public void randomNamesNeverEscapeTheRoot() {
    Random r = new Random(7);
    String alphabet = "./\\\u0000\n ab.é!=\"'*";
    for (int i = 0; i < 20_000; i++) {
      StringBuilder s = new StringBuilder("/in/");
      int n = 1 + r.nextInt(40);
      for (int j = 0; j < n; j++) {
        s.append(alphabet.charAt(r.nextInt(alphabet.length())));
      }
      String out = OutputPaths.outputFor(s.toString(), "/in/", "/out", "mp4");
      assertTrue(out, OutputPaths.isUnder(out, "/out"));
      assertFalse(out, out.contains("\u0000") || out.contains("\n") || out.contains("//"));
      for (String seg : out.substring("/out/".length()).split("/")) {
        assertTrue(out, seg.getBytes(StandardCharsets.UTF_8).length <= OutputPaths.MAX_SEGMENT_BYTES);
      }
    }
  }
}
