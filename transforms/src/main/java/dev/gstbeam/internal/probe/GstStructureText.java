package dev.gstbeam.internal.probe;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A GstStructure as GStreamer serialises it ({@code gst_caps_to_string}, {@code
 * gst_tag_list_to_string}): {@code name, field=(type)value, ...}. Parsing the text keeps the native
 * boundary narrow (one call per caps or tag list) and lets the vocabulary mapping be tested without
 * GStreamer.
 */
public final class GstStructureText {

  /** One field value: its declared GType name (may be empty) and its text, unescaped. */
  public record Value(String type, String text) {}

  private final String name;
  private final Map<String, Value> fields;

  private GstStructureText(String name, Map<String, Value> fields) {
    this.name = name;
    this.fields = Collections.unmodifiableMap(fields);
  }

  public String name() {
    return name;
  }

  public Map<String, Value> fields() {
    return fields;
  }

  public boolean has(String field) {
    return fields.containsKey(field);
  }

  public String string(String field) {
    Value v = fields.get(field);
    return v == null ? null : v.text();
  }

  public Integer integer(String field) {
    Value v = fields.get(field);
    if (v == null) {
      return null;
    }
    try {
      return Integer.valueOf(v.text().trim());
    } catch (NumberFormatException e) {
      return null;
    }
  }

  public Long longValue(String field) {
    Value v = fields.get(field);
    if (v == null) {
      return null;
    }
    try {
      return Long.valueOf(v.text().trim());
    } catch (NumberFormatException e) {
      return null;
    }
  }

  public Boolean bool(String field) {
    Value v = fields.get(field);
    if (v == null) {
      return null;
    }
    String t = v.text().trim().toLowerCase(java.util.Locale.ROOT);
    if (t.equals("true") || t.equals("yes") || t.equals("1")) {
      return Boolean.TRUE;
    }
    if (t.equals("false") || t.equals("no") || t.equals("0")) {
      return Boolean.FALSE;
    }
    return null;
  }

  /** A fraction field as {numerator, denominator}, or null. */
  public int[] fraction(String field) {
    Value v = fields.get(field);
    if (v == null) {
      return null;
    }
    String t = v.text().trim();
    int slash = t.indexOf('/');
    try {
      if (slash < 0) {
        return new int[] {Integer.parseInt(t), 1};
      }
      return new int[] {
        Integer.parseInt(t.substring(0, slash).trim()), Integer.parseInt(t.substring(slash + 1).trim())
      };
    } catch (NumberFormatException e) {
      return null;
    }
  }

  @Override
  public String toString() {
    return name + fields;
  }

  /** Parses one structure; a caps string with several structures yields the first. */
  public static GstStructureText parse(String text) {
    Objects.requireNonNull(text, "text");
    return new Parser(text).structure();
  }

  private static final class Parser {
    private final String s;
    private int i;

    Parser(String s) {
      this.s = s;
    }

    GstStructureText structure() {
      skipSpace();
      int start = i;
      while (i < s.length() && s.charAt(i) != ',' && s.charAt(i) != ';') {
        i++;
      }
      String name = s.substring(start, i).trim();
      Map<String, Value> fields = new LinkedHashMap<>();
      while (i < s.length() && s.charAt(i) == ',') {
        i++;
        skipSpace();
        int fieldStart = i;
        while (i < s.length() && s.charAt(i) != '=' && s.charAt(i) != ',' && s.charAt(i) != ';') {
          i++;
        }
        String field = s.substring(fieldStart, i).trim();
        if (i >= s.length() || s.charAt(i) != '=') {
          if (!field.isEmpty()) {
            fields.put(field, new Value("", ""));
          }
          continue;
        }
        i++; // '='
        skipSpace();
        String type = "";
        if (i < s.length() && s.charAt(i) == '(') {
          int close = s.indexOf(')', i);
          if (close < 0) {
            break;
          }
          type = s.substring(i + 1, close).trim();
          i = close + 1;
          skipSpace();
        }
        String value = value();
        if (!field.isEmpty()) {
          fields.put(field, new Value(type, value));
        }
        skipSpace();
      }
      return new GstStructureText(name, fields);
    }

    private String value() {
      if (i >= s.length()) {
        return "";
      }
      char c = s.charAt(i);
      if (c == '"') {
        return quoted();
      }
      if (c == '<' || c == '{' || c == '[') {
        char close = c == '<' ? '>' : c == '{' ? '}' : ']';
        return bracketed(c, close);
      }
      int start = i;
      while (i < s.length() && s.charAt(i) != ',' && s.charAt(i) != ';') {
        i++;
      }
      return s.substring(start, i).trim();
    }

    private String bracketed(char open, char close) {
      int depth = 0;
      int start = i;
      while (i < s.length()) {
        char c = s.charAt(i);
        if (c == '"') {
          quoted();
          continue;
        }
        if (c == open) {
          depth++;
        } else if (c == close) {
          depth--;
          if (depth == 0) {
            i++;
            break;
          }
        }
        i++;
      }
      return s.substring(start, i);
    }

    /** A quoted string: backslash escapes a character, or three octal digits give one byte. */
    private String quoted() {
      i++; // opening quote
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      while (i < s.length()) {
        char c = s.charAt(i);
        if (c == '"') {
          i++;
          break;
        }
        if (c == '\\' && i + 1 < s.length()) {
          char n = s.charAt(i + 1);
          if (isOctal(n) && i + 3 < s.length() && isOctal(s.charAt(i + 2)) && isOctal(s.charAt(i + 3))) {
            bytes.write(Integer.parseInt(s.substring(i + 1, i + 4), 8));
            i += 4;
            continue;
          }
          writeUtf8(bytes, n);
          i += 2;
          continue;
        }
        writeUtf8(bytes, c);
        i++;
      }
      return bytes.toString(StandardCharsets.UTF_8);
    }

    private static void writeUtf8(ByteArrayOutputStream out, char c) {
      byte[] b = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
      out.write(b, 0, b.length);
    }

    private static boolean isOctal(char c) {
      return c >= '0' && c <= '7';
    }

    private void skipSpace() {
      while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
        i++;
      }
    }
  }
}
