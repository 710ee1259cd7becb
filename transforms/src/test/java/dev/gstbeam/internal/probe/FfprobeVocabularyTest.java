package dev.gstbeam.internal.probe;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.junit.Assert.assertEquals;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

import org.junit.Test;

/**
 * GStreamer caps (as its demuxers and parsers set them) against the names ffprobe 5.1 prints for the
 * same streams (codec_name, format_name).
 */
public class FfprobeVocabularyTest {
  private static String codec(String caps) {
    return FfprobeVocabulary.codecName(GstStructureText.parse(caps), null);
  }

  private static String container(String caps) {
    return FfprobeVocabulary.containerName(GstStructureText.parse(caps), null);
  }

  @Test
  public void codecNames() {
    assertThat(codec("video/x-h264, stream-format=(string)avc"), equalTo("h264"));
    assertThat(codec("video/x-h265"), equalTo("hevc"));
    assertThat(codec("video/mpeg, mpegversion=(int)2, systemstream=(boolean)false"), equalTo("mpeg2video"));
    assertThat(codec("video/mpeg, mpegversion=(int)4, systemstream=(boolean)false"), equalTo("mpeg4"));
    assertThat(codec("video/x-wmv, wmvversion=(int)3, format=(string)WVC1"), equalTo("vc1"));
    assertThat(codec("image/jpeg"), equalTo("mjpeg"));
    assertThat(codec("audio/mpeg, mpegversion=(int)4, stream-format=(string)raw"), equalTo("aac"));
    assertThat(codec("audio/mpeg, mpegversion=(int)1, layer=(int)3"), equalTo("mp3"));
    assertThat(codec("audio/mpeg, mpegversion=(int)1, layer=(int)2"), equalTo("mp2"));
    assertThat(codec("audio/x-raw, format=(string)S16LE"), equalTo("pcm_s16le"));
    assertThat(codec("audio/x-raw, format=(string)S24_32LE"), equalTo("pcm_s24le"));
    assertThat(codec("audio/x-raw, format=(string)U8"), equalTo("pcm_u8"));
    assertThat(codec("audio/x-raw, format=(string)F32LE"), equalTo("pcm_f32le"));
    assertThat(codec("audio/x-adpcm, layout=(string)dvi"), equalTo("adpcm_ima_wav"));
    assertThat(codec("audio/x-wma, wmaversion=(int)3"), equalTo("wmapro"));
    assertThat(codec("subpicture/x-pgs"), equalTo("hdmv_pgs_subtitle"));
    assertThat(codec("application/x-subtitle-unknown"), nullValue());
    assertThat(codec("audio/x-gst-fourcc-mhm1, rate=(int)48000"), equalTo("mpegh_3d_audio"));
    assertThat(codec("audio/x-gst-fourcc-mlpa"), equalTo("truehd"));
    assertThat(codec("audio/x-gst-fourcc-fpcm"), nullValue());
    assertThat(
        FfprobeVocabulary.codecName(GstStructureText.parse("text/x-raw, format=(string)pango-markup"), "mp4"),
        equalTo("mov_text"));
    assertThat(
        FfprobeVocabulary.codecName(GstStructureText.parse("text/x-raw, format=(string)utf8"), "matroska"),
        equalTo("subrip"));
  }

  @Test
  public void containerNames() {
    assertThat(container("video/quicktime, variant=(string)iso"), equalTo("mp4"));
    assertThat(container("video/quicktime, variant=(string)apple"), equalTo("mov"));
    assertThat(container("video/quicktime"), equalTo("mov"));
    assertThat(container("video/x-matroska"), equalTo("matroska"));
    assertThat(container("video/webm"), equalTo("webm"));
    assertThat(container("video/mpegts, systemstream=(boolean)true, packetsize=(int)188"), equalTo("mpegts"));
    assertThat(container("video/mpeg, systemstream=(boolean)true"), equalTo("mpeg"));
    assertThat(container("audio/x-wav"), equalTo("wav"));
    // An elementary stream is named after its codec, as ffprobe does.
    assertThat(container("audio/x-flac"), equalTo("flac"));
    assertThat(container("audio/mpeg, mpegversion=(int)1, layer=(int)3"), equalTo("mp3"));
    assertThat(container("audio/AMR"), equalTo("amr"));
    assertThat(container("audio/x-amr-wb-sh"), equalTo("amr"));
    assertThat(container("audio/x-rf64"), equalTo("wav"));
  }

  @Test
  public void videoDetails() {
    assertThat(FfprobeVocabulary.rotationDegrees("rotate-90"), equalTo(90));
    assertThat(FfprobeVocabulary.rotationDegrees("flip-rotate-270"), equalTo(270));
    assertThat(FfprobeVocabulary.rotationDegrees("flip-rotate-0"), equalTo(0));
    assertThat(FfprobeVocabulary.interlaced("interleaved"), equalTo(true));
    assertThat(FfprobeVocabulary.interlaced("progressive"), equalTo(false));
    assertThat(
        FfprobeVocabulary.videoBitDepth(GstStructureText.parse("video/x-h265, bit-depth-luma=(uint)10"), "hevc"),
        equalTo(10));
    assertThat(
        FfprobeVocabulary.videoBitDepth(GstStructureText.parse("video/x-h264, profile=(string)high-10"), "h264"),
        equalTo(10));
    assertThat(FfprobeVocabulary.videoBitDepth(GstStructureText.parse("video/x-prores"), "prores"), equalTo(10));
  }

  @Test
  public void languagesAsStored() {
    // GStreamer's demuxers turn "ger"/"deu" into "de"; Matroska stores 639-2/B, MP4 639-2/T.
    assertThat(TagNames.iso639_2("de", "matroska"), equalTo("ger"));
    assertThat(TagNames.iso639_2("de", "mp4"), equalTo("deu"));
    assertThat(TagNames.iso639_2("en", "matroska"), equalTo("eng"));
    assertThat(TagNames.iso639_2("und", "matroska"), equalTo("und"));
    assertThat(TagNames.storedDefault("mp4"), equalTo("und"));
    assertThat(TagNames.storedDefault("matroska"), equalTo("eng"));
    assertThat(TagNames.storedDefault("mpegts"), nullValue());
  }

  @Test
  public void colorRangeFromColorimetry() {
    assertEquals("pc", FfprobeVocabulary.colorRange("1:4:16:3")); // a phone's full-range H.264
    assertEquals("tv", FfprobeVocabulary.colorRange("2:4:5:4"));
    assertEquals("tv", FfprobeVocabulary.colorRange("bt709"));
    assertEquals("tv", FfprobeVocabulary.colorRange("bt2100-pq"));
    assertEquals("pc", FfprobeVocabulary.colorRange("sRGB"));
    assertEquals(null, FfprobeVocabulary.colorRange("0:4:16:3"));
    assertEquals(null, FfprobeVocabulary.colorRange(null));
  }
}
