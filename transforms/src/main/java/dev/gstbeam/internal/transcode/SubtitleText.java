package dev.gstbeam.internal.transcode;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The text of a subtitle cue as the output's container carries it. GStreamer 1.22 hands SubRip and
 * SSA/ASS cues on as Pango markup (entities escaped: {@code &amp;}, tags such as {@code <i>}), and MP4
 * timed text as plain UTF-8. MP4's timed text (tx3g) is plain text; Matroska's S_TEXT/UTF8 is SubRip text,
 * whose players read {@code <i>}, {@code <b>}, {@code <u>} and {@code <s>}.
 */
public final class SubtitleText {
  private SubtitleText() {}

  private static final Pattern TAG = Pattern.compile("<(/?)([A-Za-z]+)[^>]*>");
  private static final Pattern ENTITY = Pattern.compile("&(#x[0-9A-Fa-f]+|#[0-9]+|[A-Za-z]+);");

  /** A cue on the timeline: start and end in nanoseconds (end after start), its text. */
  public record Span(long start, long end, String text) {}

  /**
   * The cues as a sequence that does not overlap, for a container whose samples cannot (MP4 timed text:
   * one sample on screen at a time). Every instant shows the text of every cue on screen then, in order
   * of start, one per line: a new span begins wherever a cue begins or ends. Cues without a positive
   * length are dropped. Two cues in a row with the same text stay two (a source can style them apart).
   * Already sequential cues come out as they went in.
   */
  public static java.util.List<Span> flatten(java.util.List<Span> cues) {
    java.util.List<Span> sorted = new java.util.ArrayList<>();
    for (Span c : cues) {
      if (c.end() > c.start()) {
        sorted.add(c);
      }
    }
    sorted.sort(java.util.Comparator.comparingLong(Span::start)); // stable: equal starts keep their order
    java.util.TreeSet<Long> bounds = new java.util.TreeSet<>();
    for (Span c : sorted) {
      bounds.add(c.start());
      bounds.add(c.end());
    }
    java.util.List<Span> out = new java.util.ArrayList<>();
    Long from = null;
    for (long t : bounds) {
      if (from != null) {
        StringBuilder text = new StringBuilder();
        for (Span c : sorted) {
          if (c.start() <= from && c.end() >= t) {
            text.append(text.length() == 0 ? "" : "\n").append(c.text());
          }
        }
        if (text.length() > 0) {
          out.add(new Span(from, t, text.toString()));
        }
      }
      from = t;
    }
    return out;
  }

  /** Plain text of a Pango-markup cue: tags removed, entities decoded. */
  public static String plain(String pango) {
    return unescape(TAG.matcher(pango).replaceAll(""));
  }

  /** SubRip text of a Pango-markup cue: the four tags SubRip has kept, other tags removed, entities decoded. */
  public static String subRip(String pango) {
    Matcher m = TAG.matcher(pango);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String name = m.group(2).toLowerCase(java.util.Locale.ROOT);
      String kept = switch (name) {
        case "i", "b", "u", "s" -> "<" + m.group(1) + name + ">";
        default -> "";
      };
      m.appendReplacement(out, Matcher.quoteReplacement(kept));
    }
    m.appendTail(out);
    return unescape(out.toString());
  }

  /** Decodes the XML entities Pango markup uses, named and numeric; an unknown one is left as written. */
  static String unescape(String s) {
    if (s.indexOf('&') < 0) {
      return s;
    }
    Matcher m = ENTITY.matcher(s);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String e = m.group(1);
      String r;
      if (e.startsWith("#x")) {
        r = codePoint(Long.parseLong(e.substring(2), 16), m.group());
      } else if (e.startsWith("#")) {
        r = codePoint(Long.parseLong(e.substring(1)), m.group());
      } else {
        r = switch (e) {
          case "amp" -> "&";
          case "lt" -> "<";
          case "gt" -> ">";
          case "quot" -> "\"";
          case "apos" -> "'";
          case "nbsp" -> "\u00a0";
          default -> m.group();
        };
      }
      m.appendReplacement(out, Matcher.quoteReplacement(r));
    }
    m.appendTail(out);
    return out.toString();
  }

  private static String codePoint(long cp, String asWritten) {
    return cp > 0 && cp <= Character.MAX_CODE_POINT && !(cp >= 0xD800 && cp <= 0xDFFF)
        ? new String(Character.toChars((int) cp)) : asWritten;
  }
}
