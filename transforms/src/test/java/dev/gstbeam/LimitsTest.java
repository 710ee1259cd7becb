package dev.gstbeam;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertThrows;

import dev.gstbeam.model.MediaInfo;
import dev.gstbeam.model.Stream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.Test;

/** Bounds against absurd inputs: parsing of the settings and the first bound an input crosses. */
public class LimitsTest {
  private static Stream video(int index, int w, int h) {
    return Stream.newBuilder().setIndex(index).setType("video").setWidth(w).setHeight(h).build();
  }

  private static Stream subtitle(int index) {
    return Stream.newBuilder().setIndex(index).setType("subtitle").build();
  }

  private static MediaInfo media(Double seconds, List<Stream> streams) {
    return MediaInfo.newBuilder().setUri("file:///x").setSizeBytes(1000).setDecodable(true).setDurationSeconds(seconds)
        .setStreams(streams).build();
  }

  @Test
  public void defaultsLetArchivesThrough() {
    Limits l = Limits.defaults();
    List<Stream> many = new ArrayList<>(List.of(video(0, 7680, 4320)));
    for (int i = 1; i <= 100; i++) {
      many.add(subtitle(i)); // the corpus has an MP4 with 100 subtitle tracks
    }
    assertNull(l.problem(50L << 30, media(24 * 3600.0, many)));
    assertNull(l.problem(1000, media(null, List.of(video(0, 12288, 8192)))));
  }

  @Test
  public void theFirstBoundCrossedIsNamedWithItsFlag() {
    Limits l = Limits.parse(Map.of("pixels", "1920x1080", "duration", "2h", "streams", "3", "file-size", "2G"));
    assertThat(l.problem(3L << 30, media(10.0, List.of(video(0, 640, 360)))), containsString("file-size"));
    assertThat(l.problem(1000, media(10.0, List.of(video(0, 3840, 2160)))),
        containsString("frame 3840x2160 (8.3 megapixels) exceeds the limit of 2.1 megapixels (--limit pixels=...)"));
    assertNull(l.problem(1000, media(10.0, List.of(video(0, 1920, 1080)))));
    assertThat(l.problem(1000, media(7201.0, List.of(video(0, 640, 360)))), containsString("duration 7201 s"));
    assertThat(l.problem(1000, media(1.0, List.of(video(0, 64, 64), subtitle(1), subtitle(2), subtitle(3)))),
        containsString("4 streams exceed the limit of 3"));
    assertNull(l.fileSizeProblem(2L << 30));
    assertThat(l.fileSizeProblem((2L << 30) + 1), containsString("exceeds the limit of 2.0 GiB"));
  }

  @Test
  public void unitsAndBadValues() {
    assertEquals(36_000_000L, Limits.parse(Map.of("pixels", "36M")).maxPixels());
    assertEquals(90.0, Limits.parse(Map.of("duration", "1.5m")).maxDurationSeconds(), 1e-9);
    assertEquals(45.0, Limits.parse(Map.of("duration", "45")).maxDurationSeconds(), 1e-9);
    assertEquals(1L << 40, Limits.parse(Map.of("file-size", "1T")).maxFileBytes());
    assertThat(assertThrows(IllegalArgumentException.class, () -> Limits.parse(Map.of("frames", "3"))).getMessage(),
        containsString("valid: pixels, duration, streams, file-size"));
    assertThat(assertThrows(IllegalArgumentException.class, () -> Limits.parse(Map.of("pixels", "lots"))).getMessage(),
        containsString("limit pixels: not a valid value: 'lots'"));
    assertThrows(IllegalArgumentException.class, () -> Limits.parse(Map.of("streams", "0")));
  }
}
