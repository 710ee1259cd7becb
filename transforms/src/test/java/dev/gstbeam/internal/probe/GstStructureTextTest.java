package dev.gstbeam.internal.probe;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

import org.junit.Test;

/** Caps and tag lists as gst_caps_to_string / gst_tag_list_to_string print them (GStreamer 1.22). */
public class GstStructureTextTest {
  @Test
  public void parsesTypedFieldsOfCaps() {
    GstStructureText s =
        GstStructureText.parse(
            "video/x-h264, stream-format=(string)avc, alignment=(string)au, level=(string)3.1,"
                + " profile=(string)high, codec_data=(buffer)0164001fffe1, width=(int)1080,"
                + " height=(int)720, framerate=(fraction)30000/1001, parsed=(boolean)true");
    assertThat(s.name(), equalTo("video/x-h264"));
    assertThat(s.string("profile"), equalTo("high"));
    assertThat(s.string("level"), equalTo("3.1"));
    assertThat(s.integer("width"), equalTo(1080));
    assertThat(s.fraction("framerate")[0], equalTo(30000));
    assertThat(s.fraction("framerate")[1], equalTo(1001));
    assertThat(s.bool("parsed"), equalTo(true));
    assertThat(s.string("missing"), nullValue());
  }

  @Test
  public void unescapesQuotedStringsWithOctalUtf8() {
    // GStreamer quotes strings that are not plain ASCII words and escapes each non-ASCII byte in octal.
    GstStructureText s =
        GstStructureText.parse("taglist, title=(string)\"Test\\ title\", artist=(string)\"\\303\\234ber \\\"x\\\"\"");
    assertThat(s.string("title"), equalTo("Test title"));
    assertThat(s.string("artist"), equalTo("Über \"x\""));
  }

  @Test
  public void keepsListsAndArraysWhole() {
    GstStructureText s =
        GstStructureText.parse(
            "audio/x-vorbis, streamheader=(buffer)< 01766f72, 03766f72 >, rate=(int)44100, channels=(int)1");
    assertThat(s.string("streamheader"), equalTo("< 01766f72, 03766f72 >"));
    assertThat(s.integer("rate"), equalTo(44100));
    assertThat(TagNames.firstValue("{ \"a b\", \"c\" }"), equalTo("a b"));
  }
}
