package dev.gstbeam.internal.beam;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.util.regex.Pattern;
import org.junit.Test;

/** The recursive matcher's glob semantics (Beam's: {@code *} within a segment, {@code **} across). */
public class MatchFilesTest {
  @Test
  public void doubleStarMatchesFilesAtEveryDepthIncludingTheFirst() {
    Pattern p = MatchFiles.toRegex("s3a://b/in/**");
    assertTrue(p.matcher("s3a://b/in/top.mp4").matches());
    assertTrue(p.matcher("s3a://b/in/a/b/c/deep.mov").matches());
    assertTrue(p.matcher("s3a://b/in/with space/bbb ü (1).mp4").matches());
    assertFalse(p.matcher("s3a://b/other/x.mp4").matches());
    assertFalse(p.matcher("s3a://b/inx/x.mp4").matches());
  }

  @Test
  public void singleStarQuestionMarkBracesAndSetsStayWithinOneSegment() {
    assertTrue(MatchFiles.toRegex("s3a://b/in/**/*.mp4").matcher("s3a://b/in/a/b/x.mp4").matches());
    assertFalse(MatchFiles.toRegex("s3a://b/in/**/*.mp4").matcher("s3a://b/in/a/x.mov").matches());
    assertFalse(MatchFiles.toRegex("s3a://b/in/*.mp4").matcher("s3a://b/in/a/x.mp4").matches());
    assertTrue(MatchFiles.toRegex("s3a://b/**.{mp4,mov}").matcher("s3a://b/a/x.mov").matches());
    assertFalse(MatchFiles.toRegex("s3a://b/**.{mp4,mov}").matcher("s3a://b/a/x.avi").matches());
    assertTrue(MatchFiles.toRegex("s3a://b/tape?/**").matcher("s3a://b/tape7/x").matches());
    assertFalse(MatchFiles.toRegex("s3a://b/tape?/**").matcher("s3a://b/tape/x").matches());
    assertTrue(MatchFiles.toRegex("s3a://b/[ab]/**").matcher("s3a://b/a/x").matches());
    assertFalse(MatchFiles.toRegex("s3a://b/[!ab]/**").matcher("s3a://b/a/x").matches());
    assertTrue("regex characters in names are literal", MatchFiles.toRegex("s3a://b/a+b (1)/**")
        .matcher("s3a://b/a+b (1)/x").matches());
    assertTrue("a line break in a name", MatchFiles.toRegex("s3a://b/**").matcher("s3a://b/a\nb.mp4").matches());
  }

  @Test
  public void theListingStartsAtTheFixedPrefixAndPrefixesAreSpelledAsMatchedUris() {
    assertEquals("s3a://b/in/", MatchFiles.listingRoot("s3a://b/in/**"));
    assertEquals("s3a://b/", MatchFiles.listingRoot("s3a://b/**"));
    assertEquals("s3a://b/in/", MatchFiles.listingRoot("s3a://b/in/a*/**"));
    assertTrue(MatchFiles.listsItself("s3a://b/in/**"));
    assertFalse(MatchFiles.listsItself("s3a://b/in/*"));
    assertTrue(MatchFiles.listsItself("/local/**"));
    assertFalse(MatchFiles.listsItself("/local/*.mp4"));
    assertEquals("s3a://b/my%20dir/", MatchFiles.asMatched("s3a://b/my dir/"));
    assertEquals("/local/my dir/", MatchFiles.asMatched("/local/my dir/"));
  }
}
