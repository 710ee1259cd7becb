package dev.gstbeam.internal.transcode;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;

import org.junit.Test;

/** Relabelling decoded colorimetry so full-range video is encoded as full range; pure Java. */
public class ColorimetryTest {

  @Test
  public void aFullRangeColourBoxTheDemuxerMisreadMakesTheRangeFull() {
    // qtdemux 1.22 on a phone clip whose nclx says BT.470BG / BT.601 / BT.601, full range: caps 2:4:16:3.
    assertEquals("1:4:16:3", Colorimetry.relabel("2:4:16:3", 240, true));
    // A named colorimetry is expanded (bt709 is 2:3:5:1 in GStreamer).
    assertEquals("1:3:5:1", Colorimetry.relabel("bt709", 1080, true));
  }

  @Test
  public void aStreamThatSignalsOnlyItsRangeGetsThePlayersDefaultsForTheRest() {
    // H.264 VUI with the full-range flag and no colour description decodes as 1:0:0:0.
    assertEquals("1:3:5:1", Colorimetry.relabel("1:0:0:0", 1080, null));
    assertEquals("1:4:16:4", Colorimetry.relabel("1:0:0:0", 480, null));
    assertEquals("576 lines is still standard definition", "1:4:16:4", Colorimetry.relabel("1:0:0:0", 576, null));
    // Only the unknown fields are filled.
    assertEquals("1:4:5:1", Colorimetry.relabel("1:4:0:1", 1080, null));
  }

  @Test
  public void limitedUnknownOrAlreadyCompleteColorimetryIsLeftAsDecoded() {
    assertNull(Colorimetry.relabel("2:4:16:3", 240, null));
    assertNull(Colorimetry.relabel("2:4:16:3", 240, false));
    assertNull("full range and complete", Colorimetry.relabel("1:4:16:3", 240, true));
    assertNull("sRGB is full range and complete", Colorimetry.relabel("sRGB", 240, null));
    assertNull("the range unknown: not ours to decide", Colorimetry.relabel("0:0:0:0", 240, true));
    assertNull(Colorimetry.relabel(null, 240, true));
    assertNull("not a colorimetry GStreamer writes", Colorimetry.relabel("2:4:16", 240, true));
    assertNull(Colorimetry.relabel("bt-nonsense", 240, true));
  }

  @Test
  public void parsesNamesAndNumbers() {
    assertEquals("2:6:15:7", Colorimetry.parse("bt2100-hlg").toString());
    assertEquals(Colorimetry.RANGE_FULL, Colorimetry.parse("1:0:0:0").range());
    assertNull(Colorimetry.parse("a:b:c:d"));
  }
}
