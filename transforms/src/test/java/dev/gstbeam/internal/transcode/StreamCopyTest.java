package dev.gstbeam.internal.transcode;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import dev.gstbeam.model.MediaInfo;
import dev.gstbeam.model.Stream;
import java.util.List;
import org.junit.Test;

/** When a source's video is copied instead of re-encoded: pure, no GStreamer. */
public class StreamCopyTest {
  private static final Profile H264 = Profiles.resolve("mp4-h264-aac");

  /** 1280x720 at 25 fps: 0.1 bits/pixel is 2,304,000 b/s. */
  private static Stream.Builder video(String codec, String profile, long bitRate) {
    return Stream.newBuilder().setIndex(0).setType("video").setCodec(codec).setProfile(profile).setBitRate(bitRate)
        .setWidth(1280).setHeight(720).setFrameRate(25.0).setInterlaced(false).setBitDepth(8);
  }

  private static MediaInfo media(Stream... streams) {
    return media(null, streams);
  }

  private static MediaInfo media(Long fileBitRate, Stream... streams) {
    return media("mp4", fileBitRate, streams);
  }

  private static MediaInfo media(String container, Long fileBitRate, Stream... streams) {
    return MediaInfo.newBuilder().setBitRate(fileBitRate).setUri("file:///x").setSizeBytes(1).setDecodable(true).setMissingElements(List.of())
        .setContainer(container).setTags(java.util.Map.of()).setChapters(List.of()).setStreams(List.of(streams)).build();
  }

  private static boolean copies(Profile p, Stream.Builder v) {
    return StreamCopy.decide(p, media(v.build())).video();
  }

  @Test
  public void h264HighThatFitsIsCopiedAndSaysWhy() {
    StreamCopy.Decision d = StreamCopy.decide(H264, media(video("h264", "high", 1_500_000).build(),
        Stream.newBuilder().setIndex(1).setType("audio").setCodec("aac").setProfile("lc").build()));
    assertTrue(d.video());
    assertEquals(1280, d.width());
    assertEquals(720, d.height());
    assertEquals("video copied (h264 high 1280x720 at 0.065 bits/pixel fits the profile)", d.note());
  }

  @Test
  public void bitrateDecidesAtTheBitsPerPixelCeiling() {
    assertTrue(copies(H264, video("h264", "high", 2_304_000)));
    assertFalse(copies(H264, video("h264", "high", 2_305_000))); // a camera original: re-encoded
    assertFalse(copies(H264, video("h264", "high", 0).setBitRate(null))); // unknown: re-encoded
    // No stream bitrate (Matroska, TS): the file's, which bounds it from above.
    assertTrue(StreamCopy.decide(H264, media(2_000_000L, video("h264", "high", 0).setBitRate(null).build())).video());
    assertFalse(StreamCopy.decide(H264, media(3_000_000L, video("h264", "high", 0).setBitRate(null).build())).video());
    assertFalse(copies(H264, video("h264", "high", 1_000_000).setFrameRate(null))); // VFR: no per-frame rate
    Profile cbr = Profiles.fromJson("{\"video\":{\"bitrate_kbps\":2000}}");
    assertTrue(copies(cbr, video("h264", "high", 2_400_000)));
    assertFalse(copies(cbr, video("h264", "high", 2_401_000)));
  }

  @Test
  public void anythingTheProfileWouldChangeIsReEncoded() {
    assertFalse(copies(H264, video("h264", "main", 1_000_000))); // the contract says High
    assertFalse(copies(H264, video("h264", "high-4:4:4", 1_000_000)));
    assertFalse(copies(H264, video("hevc", "main", 1_000_000)));
    assertFalse(copies(H264, video("h264", "high", 1_000_000).setBitDepth(10)));
    assertFalse(copies(H264, video("h264", "high", 1_000_000).setInterlaced(true)));
    assertFalse(copies(H264, video("h264", "high", 1_000_000).setInterlaced(null)));
    assertFalse(copies(H264, video("h264", "high", 1_000_000).setWidth(1279)));
    assertTrue(copies(H264, video("h264", "high", 1_000_000).setSampleAspectRatio("1:1").setColorRange("tv")));
    assertFalse(copies(H264, video("h264", "high", 1_000_000).setSampleAspectRatio("64:45"))); // anamorphic
    // Full range (yuvj420p) is kept by a re-encode too (GStreamer 1.22's videoconvert skips range-only
    // conversions), so it does not stop a copy.
    assertTrue(copies(H264, video("h264", "high", 1_000_000).setColorRange("pc")));
    assertFalse(copies(H264, video("h264", "high", 4_000_000).setWidth(1920).setHeight(1200))); // over 1080 lines
    assertFalse(copies(Profiles.fromJson("{\"video\":{\"frame_rate\":25}}"), video("h264", "high", 1_000_000)));
    assertFalse(copies(Profiles.fromJson("{\"video\":{\"max_height\":480}}"), video("h264", "high", 1_000_000)));
  }

  @Test
  public void eachCodecHasItsFlavour() {
    assertTrue(copies(Profiles.resolve("mp4-hevc-aac"), video("hevc", "main", 1_000_000)));
    assertFalse(copies(Profiles.resolve("mp4-hevc-aac"), video("hevc", "main-10", 1_000_000).setBitDepth(10)));
    assertTrue(copies(Profiles.resolve("webm-vp9-opus"), video("vp9", "0", 1_000_000)));
    assertFalse(copies(Profiles.resolve("webm-vp9-opus"), video("vp9", "2", 1_000_000)));
    assertTrue(copies(Profiles.resolve("mkv-av1-opus"), video("av1", "main", 1_000_000)));
  }

  @Test
  public void h264AndHevcOnlyFromContainersWithDecodeTimes() {
    for (String c : new String[] {"mp4", "mov", "mpegts"}) {
      assertTrue(c, StreamCopy.decide(H264, media(c, null, video("h264", "high", 1_000_000).build())).video());
    }
    for (String c : new String[] {"matroska", "webm", "avi", "flv"}) {
      assertFalse(c, StreamCopy.decide(H264, media(c, null, video("h264", "high", 1_000_000).build())).video());
    }
    assertTrue(StreamCopy.decide(Profiles.resolve("mkv-av1-opus"), media("matroska", null,
        video("av1", "main", 1_000_000).build())).video());
  }

  @Test
  public void copyNoneAndAudioOnlyInputsCopyNothing() {
    assertFalse(copies(H264.withCopy("none"), video("h264", "high", 1_000_000)));
    assertFalse(copies(Profiles.fromJson("{\"copy\":\"none\"}"), video("h264", "high", 1_000_000)));
    assertFalse(StreamCopy.decide(H264, media(Stream.newBuilder().setIndex(0).setType("audio").setCodec("aac")
        .setProfile("lc").setBitRate(128000L).setChannels(2).build())).video());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> H264.withCopy("always"));
    assertTrue(e.getMessage(), e.getMessage().contains("valid: auto, none"));
  }
}
