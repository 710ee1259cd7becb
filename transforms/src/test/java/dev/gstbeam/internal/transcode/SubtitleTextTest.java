package dev.gstbeam.internal.transcode;

import static org.junit.Assert.assertEquals;

import org.junit.Test;

public class SubtitleTextTest {
  @Test
  public void plainTextHasNoTagsAndNoEntities() {
    assertEquals("Fish & chips <3", SubtitleText.plain("Fish &amp; chips &lt;3"));
    assertEquals("First & second line", SubtitleText.plain("First &amp; <i>second</i> line"));
    assertEquals("red", SubtitleText.plain("<span foreground=\"red\">red</span>"));
    assertEquals("two\nlines", SubtitleText.plain("two\nlines"));
  }

  @Test
  public void subRipKeepsItsFourTagsOnly() {
    assertEquals("<i>it</i> <b>b</b> <u>u</u> <s>s</s> x", SubtitleText.subRip(
        "<i>it</i> <b>b</b> <u>u</u> <s>s</s> <span size=\"large\">x</span>"));
    assertEquals("<i>A & B</i>", SubtitleText.subRip("<I>A &amp; B</I>"));
  }

  @Test
  public void numericEntitiesAreDecodedAndBadOnesLeftAsWritten() {
    assertEquals("é — ☃", SubtitleText.plain("&#233; &#x2014; &#x2603;"));
    assertEquals("&#xD800; &bogus; & alone", SubtitleText.plain("&#xD800; &bogus; & alone"));
  }

  private static SubtitleText.Span span(long start, long end, String text) {
    return new SubtitleText.Span(start, end, text);
  }

  @Test
  public void sequentialCuesAreUnchanged() {
    java.util.List<SubtitleText.Span> cues = java.util.List.of(span(0, 10, "a"), span(20, 30, "b"), span(30, 35, "c"));
    assertEquals(cues, SubtitleText.flatten(cues));
  }

  /** The corpus's overlapping SubRip sample: three cues at 100, 150 and 200 ms, each on screen 200 ms. */
  @Test
  public void overlappingCuesShowEveryActiveTextInTurn() {
    assertEquals(java.util.List.of(
            span(100, 150, "one"),
            span(150, 200, "one\ntwo"),
            span(200, 300, "one\ntwo\nthree"),
            span(300, 350, "two\nthree"),
            span(350, 400, "three")),
        SubtitleText.flatten(java.util.List.of(span(150, 350, "two"), span(100, 300, "one"), span(200, 400, "three"))));
  }

  /** The corpus's 100-track MP4 has two cues in a row with the same text (styled apart in its tx3g). */
  @Test
  public void emptyCuesAreDroppedAndEqualNeighboursKept() {
    assertEquals(java.util.List.of(span(0, 10, "same"), span(10, 20, "same")),
        SubtitleText.flatten(java.util.List.of(span(0, 10, "same"), span(10, 20, "same"), span(5, 5, "x"))));
  }

  @Test
  public void textWithoutMarkupIsUnchanged() {
    String s = "Plain, with a $ and a \\ and (brackets)";
    assertEquals(s, SubtitleText.plain(s));
    assertEquals(s, SubtitleText.subRip(s));
  }
}
