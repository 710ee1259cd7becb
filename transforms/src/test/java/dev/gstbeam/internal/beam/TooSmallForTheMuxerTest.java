package dev.gstbeam.internal.beam;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;

import dev.gstbeam.internal.transcode.Profiles;
import dev.gstbeam.model.MediaInfo;
import dev.gstbeam.model.Stream;
import java.util.List;
import org.junit.Test;

/** Sources whose video the profile's muxer would refuse for its size (no upscaling): a plan failure. */
public class TooSmallForTheMuxerTest {
  private static MediaInfo video(int w, int h, String sar) {
    Stream v = Stream.newBuilder().setIndex(0).setType("video").setCodec("h264").setWidth(w).setHeight(h)
        .setSampleAspectRatio(sar).build();
    Stream a = Stream.newBuilder().setIndex(1).setType("audio").setCodec("aac").build();
    return MediaInfo.newBuilder().setUri("file:///x").setSizeBytes(1).setDecodable(true).setStreams(List.of(v, a))
        .build();
  }

  @Test
  public void underSixteenLinesOrColumnsMp4AndWebmRefuse() {
    assertEquals("the output video would be 10x12 (never larger than the source's 10x12), and mp4mux takes video"
        + " from 16x16 up", TranscodeFn.tooSmallForTheMuxer(Profiles.resolve("mp4-h264-aac"), video(10, 12, null)));
    assertEquals("the output video would be 16x14 (never larger than the source's 16x14), and webmmux takes video"
        + " from 16x16 up", TranscodeFn.tooSmallForTheMuxer(Profiles.resolve("webm-vp9-opus"), video(16, 14, "1:1")));
    // Matroska takes any size.
    assertNull(TranscodeFn.tooSmallForTheMuxer(Profiles.resolve("mkv-av1-opus"), video(10, 12, null)));
  }

  @Test
  public void theSizeIsTheOutputsAfterPixelAspectAndEvenRounding() {
    assertNull(TranscodeFn.tooSmallForTheMuxer(Profiles.resolve("mp4-h264-aac"), video(16, 16, null)));
    assertNull(TranscodeFn.tooSmallForTheMuxer(Profiles.resolve("mp4-h264-aac"), video(176, 144, "12:11")));
    // 12 columns of 4:3 pixels show 16 square ones.
    assertNull(TranscodeFn.tooSmallForTheMuxer(Profiles.resolve("mp4-h264-aac"), video(12, 16, "4:3")));
    // 17 lines become 16 (even), still enough; 15 become 14, and 32 columns 30 (32 x 14 / 15, the aspect kept).
    assertNull(TranscodeFn.tooSmallForTheMuxer(Profiles.resolve("mp4-h264-aac"), video(32, 17, null)));
    assertEquals("the output video would be 30x14 (never larger than the source's 32x15), and mp4mux takes video"
        + " from 16x16 up", TranscodeFn.tooSmallForTheMuxer(Profiles.resolve("mp4-h264-aac"), video(32, 15, null)));
  }

  @Test
  public void audioOnlyAndUnsizedVideoAreNotJudged() {
    MediaInfo audio = MediaInfo.newBuilder().setUri("file:///x").setSizeBytes(1).setDecodable(true)
        .setStreams(List.of(Stream.newBuilder().setIndex(0).setType("audio").setCodec("aac").build())).build();
    assertNull(TranscodeFn.tooSmallForTheMuxer(Profiles.resolve("mp4-h264-aac"), audio));
    MediaInfo unsized = MediaInfo.newBuilder().setUri("file:///x").setSizeBytes(1).setDecodable(true)
        .setStreams(List.of(Stream.newBuilder().setIndex(0).setType("video").setCodec("h264").build())).build();
    assertNull(TranscodeFn.tooSmallForTheMuxer(Profiles.resolve("mp4-h264-aac"), unsized));
  }
}
