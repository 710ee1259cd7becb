package dev.gstbeam.internal.gst;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import dev.gstbeam.internal.transcode.EncoderSettings;
import dev.gstbeam.internal.transcode.Profile;
import dev.gstbeam.internal.transcode.Profiles;
import dev.gstbeam.testing.TestData;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.Test;

/** EncoderSettings.smallestVideoSide against the muxers' own pad templates, as gst-inspect-1.0 prints them. */
public class MuxerSizeIT {
  @Test
  public void everyBuiltInProfilesMuxerTakesVideoFromTheSizeWeSay() throws Exception {
    TestData.assumeTool("gst-inspect-1.0");
    for (String name : Profiles.builtInNames()) {
      Profile p = Profiles.resolve(name);
      String factory = EncoderSettings.muxer(p).factory();
      List<Integer> bounds = videoSizeLowerBounds(factory);
      assertFalse(factory, bounds.isEmpty());
      for (int b : bounds) {
        assertEquals(name + " (" + factory + ")", EncoderSettings.smallestVideoSide(p), b);
      }
    }
  }

  /** The lower bounds of every width and height range in the factory's video sink template. */
  private static List<Integer> videoSizeLowerBounds(String factory) throws Exception {
    Process p = new ProcessBuilder("gst-inspect-1.0", factory).redirectErrorStream(true).start();
    String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(1, TimeUnit.MINUTES));
    int start = text.indexOf("SINK template: 'video_%u'");
    assertTrue(factory + " has no video sink template", start >= 0);
    int end = text.indexOf("SINK template:", start + 1);
    String video = text.substring(start, end < 0 ? text.length() : end);
    List<Integer> bounds = new ArrayList<>();
    Matcher m = Pattern.compile("(?m)^\\s*(?:width|height): \\[ (\\d+),").matcher(video);
    while (m.find()) {
      bounds.add(Integer.parseInt(m.group(1)));
    }
    return bounds;
  }
}
