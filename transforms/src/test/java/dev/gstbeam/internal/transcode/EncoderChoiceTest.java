package dev.gstbeam.internal.transcode;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.util.Set;
import java.util.function.Predicate;
import org.junit.Test;

/** Which video encoder a worker uses, from its registry and its GPU: pure, no GStreamer. */
public class EncoderChoiceTest {
  private static final Predicate<String> SOFTWARE_ONLY = Set.of("x264enc", "x265enc", "vp9enc", "av1enc")::contains;
  private static final Predicate<String> NVCODEC = Set.of("x264enc", "x265enc", "vp9enc", "av1enc",
      "nvh264enc", "nvh265enc", "nvh264device1enc", "nvh265device1enc", "nvh264dec")::contains;
  private static final Predicate<String> VA_ONLY = Set.of("x264enc", "vah264enc")::contains;
  private final Profile h264 = Profiles.resolve("mp4-h264-aac");

  @Test
  public void withoutAGpuTheSoftwareEncoderAndNoFallbackToReport() {
    EncoderSettings.VideoChoice c = EncoderSettings.chooseVideoEncoder(h264, 2, NVCODEC, null, null);
    assertEquals("x264enc", c.spec().factory());
    assertFalse(c.hardware());
    assertNull(c.fallbackReason());
  }

  @Test
  public void aGpuSlotUsesNvencForItsDevice() {
    EncoderSettings.VideoChoice c0 = EncoderSettings.chooseVideoEncoder(h264, 2, NVCODEC, "0", null);
    assertEquals("nvh264enc", c0.spec().factory());
    assertTrue(c0.hardware());
    assertNull(c0.fallbackReason());
    assertEquals("constqp", c0.spec().properties().get("rc-mode"));
    assertEquals(h264.crf(), c0.spec().properties().get("qp-const"));
    assertEquals("nvh264device1enc", EncoderSettings.chooseVideoEncoder(h264, 2, NVCODEC, "1", null).spec().factory());
    assertEquals("nvh265enc",
        EncoderSettings.chooseVideoEncoder(Profiles.resolve("mp4-hevc-aac"), 2, NVCODEC, "0", null).spec().factory());
  }

  @Test
  public void aGpuWithoutNvencFallsBackToSoftwareAndSaysWhy() {
    // H100/A100: the driver is there, NVDEC too, NVENC is not; here: no nvcodec at all.
    EncoderSettings.VideoChoice c = EncoderSettings.chooseVideoEncoder(h264, 2, SOFTWARE_ONLY, "0", null);
    assertEquals("x264enc", c.spec().factory());
    assertFalse(c.hardware());
    assertTrue(c.fallbackReason(), c.fallbackReason().contains("none of nvh264enc, vah264enc, vah264lpenc"));
    // AV1 on a card whose nvcodec has no nvav1enc.
    EncoderSettings.VideoChoice av1 = EncoderSettings.chooseVideoEncoder(Profiles.resolve("mkv-av1-opus"), 2, NVCODEC, "0", null);
    assertEquals("av1enc", av1.spec().factory());
    assertTrue(av1.fallbackReason(), av1.fallbackReason().contains("nvav1enc"));
    // VP9: no hardware encoder element exists for it.
    EncoderSettings.VideoChoice vp9 = EncoderSettings.chooseVideoEncoder(Profiles.resolve("webm-vp9-opus"), 2, NVCODEC, "0", null);
    assertEquals("vp9enc", vp9.spec().factory());
    assertTrue(vp9.fallbackReason(), vp9.fallbackReason().contains("no hardware vp9 encoder"));
  }

  @Test
  public void vaWhenThereIsNoNvenc() {
    EncoderSettings.VideoChoice c = EncoderSettings.chooseVideoEncoder(h264, 2, VA_ONLY, "0", null);
    assertEquals("vah264enc", c.spec().factory());
    assertEquals("cqp", c.spec().properties().get("rate-control"));
  }

  @Test
  public void aBusyGpuIsAFallbackWithTheWorkersReason() {
    EncoderSettings.VideoChoice c = EncoderSettings.chooseVideoEncoder(h264, 2, NVCODEC, null, "every GPU busy");
    assertEquals("x264enc", c.spec().factory());
    assertEquals("every GPU busy", c.fallbackReason());
  }
}
