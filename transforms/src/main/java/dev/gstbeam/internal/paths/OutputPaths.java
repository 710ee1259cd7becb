package dev.gstbeam.internal.paths;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Where an input's output goes: the input's path relative to the fixed prefix of the input pattern,
 * under the output root, with the profile's extension. Pure string logic (local paths and object-store
 * URIs alike), so the one rule that matters holds everywhere: a derived path is always below the root.
 * Segments that could leave it ({@code ..}, {@code .}, empty) are dropped, control characters (NUL
 * included) become {@code _}, and a segment longer than a file system allows (255 bytes) is shortened.
 */
public final class OutputPaths {
  /** Longest file name (bytes, UTF-8) on common file systems and object-store key segments. */
  public static final int MAX_SEGMENT_BYTES = 255;

  /** Prefix of temporary outputs: hidden, in the final directory (so the commit is a rename there). */
  public static final String TEMP_PREFIX = ".gstbeam-tmp-";

  private OutputPaths() {}

  /**
   * The part of a match pattern before its first wildcard, up to and including the last {@code /}
   * there: {@code /a/b/*.mp4} and {@code /a/b/**} give {@code /a/b/}; a plain file {@code /a/b/c.mp4}
   * gives {@code /a/b/}.
   */
  public static String fixedPrefix(String pattern) {
    int glob = pattern.length();
    for (char c : new char[] {'*', '?', '[', '{'}) {
      int i = pattern.indexOf(c);
      if (i >= 0 && i < glob) {
        glob = i;
      }
    }
    int slash = pattern.lastIndexOf('/', glob - 1);
    return slash < 0 ? "" : pattern.substring(0, slash + 1);
  }

  /**
   * The output path of {@code input} under {@code root}: relative to {@code prefix} (or just its file
   * name when it is not below the prefix), made safe, with {@code extension} (without the dot)
   * replacing the input's own.
   */
  public static String outputFor(String input, String prefix, String root, String extension) {
    String relative = input.startsWith(prefix) && input.length() > prefix.length()
        ? input.substring(prefix.length())
        : input.substring(input.lastIndexOf('/') + 1);
    List<String> segments = safeSegments(relative);
    if (segments.isEmpty()) {
      segments.add("_");
    }
    int last = segments.size() - 1;
    segments.set(last, fit(withExtension(segments.get(last), extension), extension));
    return join(root, String.join("/", segments));
  }

  /**
   * The same output with the input's own extension kept before the new one ({@code a.avi} gives
   * {@code a.avi.mp4}): for inputs that would otherwise share an output ({@code a.avi}, {@code a.mov}).
   */
  public static String disambiguated(String output, String input, String extension) {
    String inputName = input.substring(input.lastIndexOf('/') + 1);
    int dot = inputName.lastIndexOf('.');
    if (dot <= 0) {
      return output;
    }
    String sourceExt = sanitizeSegment(inputName.substring(dot + 1));
    String suffix = "." + extension;
    String stem = output.endsWith(suffix) ? output.substring(0, output.length() - suffix.length()) : output;
    int slash = stem.lastIndexOf('/');
    String name = fit(stem.substring(slash + 1) + "." + sourceExt + suffix, extension);
    return stem.substring(0, slash + 1) + name;
  }

  /** A temporary name next to {@code output}, hidden, unique per {@code attempt} token. */
  public static String temporaryFor(String output, String attempt) {
    int slash = output.lastIndexOf('/');
    String name = output.substring(slash + 1);
    String token = sanitizeSegment(attempt);
    String tmp = TEMP_PREFIX + token + "-" + name;
    return output.substring(0, slash + 1) + fit(tmp, extensionOf(name));
  }

  /** Whether a name is one of our temporary files (never an output). */
  public static boolean isTemporary(String path) {
    return path.substring(path.lastIndexOf('/') + 1).startsWith(TEMP_PREFIX);
  }

  /** True when {@code path} is {@code root} itself or below it, after resolving {@code .} and {@code ..}. */
  public static boolean isUnder(String path, String root) {
    String r = root.endsWith("/") ? root : root + "/";
    if (!path.startsWith(r)) {
      return false;
    }
    for (String s : path.substring(r.length()).split("/", -1)) {
      if (s.equals("..") || s.equals(".")) {
        return false;
      }
    }
    return true;
  }

  static List<String> safeSegments(String relative) {
    List<String> out = new ArrayList<>();
    for (String s : relative.split("/")) {
      if (s.isEmpty() || s.equals(".") || s.equals("..")) {
        continue;
      }
      String clean = sanitizeSegment(s);
      if (clean.isEmpty() || clean.chars().allMatch(c -> c == '.')) {
        clean = "_";
      }
      out.add(fit(clean, ""));
    }
    return out;
  }

  static String sanitizeSegment(String s) {
    StringBuilder b = new StringBuilder(s.length());
    s.codePoints().forEach(cp -> {
      if (Character.isISOControl(cp) || cp == '/' || cp == '\\' || Character.getType(cp) == Character.FORMAT) {
        b.append('_');
      } else {
        b.appendCodePoint(cp);
      }
    });
    return b.toString();
  }

  static String withExtension(String name, String extension) {
    int dot = name.lastIndexOf('.');
    String stem = dot > 0 ? name.substring(0, dot) : name;
    return stem + "." + extension.toLowerCase(Locale.ROOT);
  }

  private static String extensionOf(String name) {
    int dot = name.lastIndexOf('.');
    return dot > 0 ? name.substring(dot + 1) : "";
  }

  /** Shortens {@code name} to {@link #MAX_SEGMENT_BYTES}, keeping {@code .extension} and whole code points. */
  static String fit(String name, String extension) {
    if (name.getBytes(StandardCharsets.UTF_8).length <= MAX_SEGMENT_BYTES) {
      return name;
    }
    String suffix = extension.isEmpty() || !name.endsWith("." + extension) ? "" : "." + extension;
    String stem = name.substring(0, name.length() - suffix.length());
    String marker = "~" + Integer.toHexString(name.hashCode());
    int budget = MAX_SEGMENT_BYTES - suffix.getBytes(StandardCharsets.UTF_8).length - marker.length();
    StringBuilder b = new StringBuilder();
    int used = 0;
    for (int i = 0; i < stem.length(); ) {
      int cp = stem.codePointAt(i);
      int bytes = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8).length;
      if (used + bytes > budget) {
        break;
      }
      b.appendCodePoint(cp);
      used += bytes;
      i += Character.charCount(cp);
    }
    return b + marker + suffix;
  }

  private static String join(String root, String relative) {
    return root.endsWith("/") ? root + relative : root + "/" + relative;
  }
}
