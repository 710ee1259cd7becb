package dev.gstbeam.internal.probe;

import java.util.Locale;
import java.util.Map;

/** GStreamer tag names and values in the contract's words (lower-case keys, ISO 639-2 languages). */
public final class TagNames {
  private TagNames() {}

  /** GStreamer tag → catalog key, for tags that describe the whole file. */
  private static final Map<String, String> GLOBAL =
      Map.ofEntries(
          Map.entry("title", "title"),
          Map.entry("artist", "artist"),
          Map.entry("album", "album"),
          Map.entry("album-artist", "album_artist"),
          Map.entry("composer", "composer"),
          Map.entry("performer", "performer"),
          Map.entry("genre", "genre"),
          Map.entry("comment", "comment"),
          Map.entry("description", "description"),
          Map.entry("date", "date"),
          Map.entry("datetime", "date"),
          Map.entry("encoder", "encoder"),
          Map.entry("copyright", "copyright"),
          Map.entry("publisher", "publisher"),
          Map.entry("track-number", "track"),
          Map.entry("album-disc-number", "disc"),
          Map.entry("keywords", "keywords"),
          Map.entry("geo-location-name", "location"));

  /**
   * Adds the whole-file tags of {@code tags} to {@code out}, keeping what is already there. With {@code
   * includeEncoder} false the encoder tag is skipped (merged stream tags name stream encoders).
   */
  public static void addGlobal(GstStructureText tags, Map<String, String> out, boolean includeEncoder) {
    if (tags == null) {
      return;
    }
    for (Map.Entry<String, GstStructureText.Value> e : tags.fields().entrySet()) {
      String key = GLOBAL.get(e.getKey());
      if (key == null || (!includeEncoder && key.equals("encoder") && out.containsKey("encoder"))) {
        continue;
      }
      String value = firstValue(e.getValue().text());
      if (value != null && !value.isBlank()) {
        out.putIfAbsent(key, value.strip());
      }
    }
  }

  /** The first element of a serialised list or array ({@code { "a", "b" }}, {@code < a, b >}), else the text. */
  static String firstValue(String text) {
    if (text == null) {
      return null;
    }
    String t = text.trim();
    if (t.length() >= 2 && (t.charAt(0) == '{' || t.charAt(0) == '<')) {
      GstStructureText one = GstStructureText.parse("x, v=" + t.substring(1, t.length() - 1).trim());
      return one.string("v");
    }
    return t;
  }

  /**
   * The language a container stores when a track sets none, which GStreamer reports as no tag: MP4
   * and QuickTime always store one, "und" by default; Matroska's default is "eng". Null elsewhere.
   */
  public static String storedDefault(String container) {
    if (container == null) {
      return null;
    }
    switch (container) {
      case "mp4":
      case "mov":
      case "3gp":
        return "und";
      case "matroska":
      case "webm":
        return "eng";
      default:
        return null;
    }
  }

  /** 639-2/B codes that differ from the /T code Java's Locale gives. */
  private static final Map<String, String> T_TO_B =
      Map.ofEntries(
          Map.entry("sqi", "alb"),
          Map.entry("hye", "arm"),
          Map.entry("eus", "baq"),
          Map.entry("mya", "bur"),
          Map.entry("zho", "chi"),
          Map.entry("ces", "cze"),
          Map.entry("nld", "dut"),
          Map.entry("fra", "fre"),
          Map.entry("kat", "geo"),
          Map.entry("deu", "ger"),
          Map.entry("ell", "gre"),
          Map.entry("isl", "ice"),
          Map.entry("mkd", "mac"),
          Map.entry("mri", "mao"),
          Map.entry("msa", "may"),
          Map.entry("fas", "per"),
          Map.entry("ron", "rum"),
          Map.entry("slk", "slo"),
          Map.entry("bod", "tib"),
          Map.entry("cym", "wel"));

  /**
   * A language code as the container stores it: GStreamer's demuxers turn stored ISO 639-2 codes into
   * 639-1 where one exists ("ger" → "de"); this turns them back. MP4/QuickTime store the /T form
   * ("deu"), Matroska, MPEG-TS and the rest the /B form ("ger").
   */
  public static String iso639_2(String code, String container) {
    if (code == null) {
      return null;
    }
    String c = code.trim().toLowerCase(Locale.ROOT);
    if (c.isEmpty()) {
      return null;
    }
    if (c.length() == 2) {
      String t;
      try {
        t = new Locale(c).getISO3Language();
      } catch (java.util.MissingResourceException e) {
        return c;
      }
      if (t.isEmpty()) {
        return c;
      }
      boolean terminology =
          "mp4".equals(container) || "mov".equals(container) || "3gp".equals(container);
      return terminology ? t : T_TO_B.getOrDefault(t, t);
    }
    return c;
  }
}
