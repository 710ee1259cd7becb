package dev.gstbeam.internal.transcode;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.util.Set;
import org.junit.Test;

/** Profiles, geometry, encoder choice and PSNR maths: pure, no GStreamer. */
public class TranscodePlanningTest {
  @Test
  public void h264IsAlwaysHighWhateverThePreset() {
    for (String preset : new String[] {"ultrafast", "veryfast", "medium"}) {
      assertEquals("video/x-h264,profile=high",
          EncoderSettings.videoEncoderCaps(Profiles.resolve("mp4-h264-aac").withPreset(preset)));
    }
    assertEquals(null, EncoderSettings.videoEncoderCaps(Profiles.resolve("webm-vp9-opus")));
  }

  @Test
  public void builtInProfilesFollowTheContract() {
    Profile p = Profiles.resolve("mp4-h264-aac");
    assertEquals("h264", p.videoCodec());
    assertEquals(23, p.crf());
    assertEquals("medium", p.preset());
    assertEquals(1080, p.maxHeight());
    assertEquals("I420", p.pixelFormat());
    assertEquals(128000, p.audioBitrate());
    assertEquals(2, p.audioChannels());
    assertEquals(Set.of("mp4-h264-aac", "mp4-hevc-aac", "webm-vp9-opus", "mkv-av1-opus"), Profiles.builtInNames());
    assertEquals("webm", Profiles.resolve("webm-vp9-opus").extension());
    assertEquals("opus", Profiles.resolve("mkv-av1-opus").audioCodec());
  }

  @Test
  public void customProfilesOverrideTheirBaseAndNameBadFields() {
    Profile p = Profiles.fromJson("{\"name\":\"a\",\"video\":{\"crf\":18,\"max_height\":720},\"audio\":{\"bitrate\":96000}}");
    assertEquals(18, p.crf());
    assertEquals(720, p.maxHeight());
    assertEquals(96000, p.audioBitrate());
    assertEquals("h264", p.videoCodec());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Profiles.fromJson("{\"video\":{\"preset\":\"warp\"}}"));
    assertTrue(e.getMessage(), e.getMessage().contains("video.preset") && e.getMessage().contains("veryslow"));
    e = assertThrows(IllegalArgumentException.class, () -> Profiles.fromJson("{\"video\":{\"crf\":\"x\"}}"));
    assertTrue(e.getMessage(), e.getMessage().contains("video.crf"));
    e = assertThrows(IllegalArgumentException.class, () -> Profiles.fromJson("{\"vidoe\":{}}"));
    assertTrue(e.getMessage(), e.getMessage().contains("vidoe"));
    e = assertThrows(IllegalArgumentException.class, () -> Profiles.fromJson("{\"container\":\"webm\"}"));
    assertTrue(e.getMessage(), e.getMessage().contains("webm"));
    e = assertThrows(IllegalArgumentException.class, () -> Profiles.resolve("mp5"));
    assertTrue(e.getMessage(), e.getMessage().contains("mp4-h264-aac"));
    assertEquals("slow", Profiles.resolve("mp4-h264-aac").withPreset("slow").preset());
    assertEquals(30, Profiles.resolve("mp4-h264-aac").withCrf(30).crf());
  }

  @Test
  public void geometryNeverUpscalesKeepsAspectAndEvenSizes() {
    assertEquals(new OutputGeometry(1440, 1080), OutputGeometry.of(1920, 1440, 1, 1, 1080));
    assertEquals(new OutputGeometry(640, 360), OutputGeometry.of(640, 360, 1, 1, 1080));
    // anamorphic PAL 16:9: 720x576 with 64:45 pixels displays at 1024x576
    assertEquals(new OutputGeometry(1024, 576), OutputGeometry.of(720, 576, 64, 45, 1080));
    // odd source sizes become even, rounding the height down (never above the source)
    OutputGeometry odd = OutputGeometry.of(853, 481, 1, 1, 1080);
    assertEquals(480, odd.height());
    assertEquals(0, odd.width() % 2);
    assertEquals(853.0 / 481, odd.aspect(), 0.02 * 853.0 / 481);
    // portrait 4K capped at 1080 lines
    assertEquals(new OutputGeometry(608, 1080), OutputGeometry.of(2160, 3840, 1, 1, 1080));
  }

  @Test
  public void encoderSettingsMatchX264PresetsAndFallBackForAac() {
    Profile p = Profiles.resolve("mp4-h264-aac").withPreset("veryfast");
    EncoderSettings.ElementSpec x264 = EncoderSettings.videoEncoder(p, 2, f -> true);
    assertEquals("x264enc", x264.factory());
    assertEquals("veryfast", x264.properties().get("speed-preset"));
    assertEquals("qual", x264.properties().get("pass"));
    assertEquals(23, x264.properties().get("quantizer"));
    assertEquals(2_048_000, x264.properties().get("bitrate")); // VBV never binds in CRF mode
    assertEquals("voaacenc", EncoderSettings.audioEncoder(p, f -> !f.equals("avenc_aac") && !f.equals("fdkaacenc")).factory());
    assertEquals("avenc_aac", EncoderSettings.audioEncoder(p, f -> true).factory());
    assertThrows(IllegalStateException.class, () -> EncoderSettings.videoEncoder(p, 2, f -> !f.equals("x264enc")));
    assertEquals("crf=28:pools=4", EncoderSettings.videoEncoder(Profiles.resolve("mp4-hevc-aac"), 4, f -> true)
        .properties().get("option-string"));
    assertEquals("webmmux", EncoderSettings.muxer(Profiles.resolve("webm-vp9-opus")).factory());
    assertEquals("av1parse", EncoderSettings.videoParser(Profiles.resolve("mkv-av1-opus")));
  }

  @Test
  public void psnrIsComputedAsFfmpegDoes() {
    Psnr psnr = new Psnr();
    byte[] a = new byte[6];
    byte[] b = {0, 0, 0, 0, 0, 10}; // one sample off by 10: MSE 100/6
    psnr.add(Psnr.squaredErrors(a, b, 6), 6);
    psnr.add(Psnr.squaredErrors(a, a, 6), 6); // identical frame
    double mse = (100.0 / 6 + 0) / 2;
    assertEquals(10 * Math.log10(255.0 * 255 / mse), psnr.mean(), 1e-9);
    assertEquals(10 * Math.log10(255.0 * 255 / (100.0 / 6)), psnr.min(), 1e-9);
    assertEquals(2, psnr.frames());
    Psnr same = new Psnr();
    same.add(0, 10);
    assertEquals(Psnr.IDENTICAL, same.mean(), 0);
  }
}
