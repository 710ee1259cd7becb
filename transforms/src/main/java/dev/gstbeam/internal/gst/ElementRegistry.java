package dev.gstbeam.internal.gst;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.freedesktop.gstreamer.Caps;
import org.freedesktop.gstreamer.ElementFactory;
import org.freedesktop.gstreamer.PadDirection;
import org.freedesktop.gstreamer.PluginFeature;

/**
 * What this machine's GStreamer registry can do: whether an element exists, and whether some decoder
 * accepts given caps. Answers are cached for the life of the JVM (the registry does not change under a
 * running worker).
 */
public final class ElementRegistry {
  private static final ElementRegistry INSTANCE = new ElementRegistry();

  private final Map<String, Boolean> elements = new ConcurrentHashMap<>();
  private final Map<String, Boolean> decoders = new ConcurrentHashMap<>();
  private final Map<String, java.util.Optional<String>> demuxers = new ConcurrentHashMap<>();
  private final Map<String, java.util.Optional<String>> bestDecoders = new ConcurrentHashMap<>();

  private ElementRegistry() {}

  public static ElementRegistry get() {
    GstRuntime.ensureInitialized();
    return INSTANCE;
  }

  /** True when an element factory of this name is registered (e.g. {@code x264enc}, {@code nvh264enc}). */
  public boolean hasElement(String factoryName) {
    return elements.computeIfAbsent(
        factoryName,
        name -> {
          ElementFactory f;
          try {
            f = ElementFactory.find(name);
          } catch (IllegalArgumentException e) {
            return false; // gst1-java-core throws for an unknown factory name
          }
          if (f == null) {
            return false;
          }
          f.dispose();
          return true;
        });
  }

  /**
   * True when a decoder of at least marginal rank accepts these caps (a GStreamer caps string as
   * GStreamer produced it; never user data). Raw audio and video need no decoder.
   */
  public boolean canDecode(String capsString) {
    String key = cacheKey(capsString);
    if (key.startsWith("audio/x-raw") || key.startsWith("video/x-raw") || key.startsWith("text/x-raw")) {
      return true;
    }
    return decoders.computeIfAbsent(key, this::lookUpDecoder);
  }

  /**
   * The highest-ranked demuxer that accepts these caps (a container type found by typefind), or empty
   * when the caps are an elementary stream or nothing here demuxes them.
   */
  public java.util.Optional<String> demuxerFor(String capsString) {
    return demuxers.computeIfAbsent(cacheKey(capsString), this::lookUpDemuxer);
  }

  /**
   * The highest-ranked decoder that accepts these caps (our constant caps of an encoded format), or
   * empty when none is registered: the one decodebin would plug.
   */
  public java.util.Optional<String> decoderFor(String capsString) {
    return bestDecoders.computeIfAbsent(cacheKey(capsString), k -> best(k, ElementFactory.ListType.DECODER));
  }

  private java.util.Optional<String> lookUpDemuxer(String capsString) {
    return best(capsString, ElementFactory.ListType.DEMUXER);
  }

  private static java.util.Optional<String> best(String capsString, ElementFactory.ListType type) {
    Caps caps = Caps.fromString(capsString);
    try {
      List<ElementFactory> found =
          ElementFactory.listGetElementsFilter(type, PluginFeature.Rank.MARGINAL, caps, PadDirection.SINK, false);
      String best = null;
      int bestRank = -1;
      for (ElementFactory f : found) {
        if (f.getRank() > bestRank) {
          bestRank = f.getRank();
          best = f.getName();
        }
        f.dispose();
      }
      return java.util.Optional.ofNullable(best);
    } finally {
      caps.dispose();
    }
  }

  private boolean lookUpDecoder(String capsString) {
    Caps caps = Caps.fromString(capsString);
    try {
      List<ElementFactory> found =
          ElementFactory.listGetElementsFilter(
              ElementFactory.ListType.DECODER,
              PluginFeature.Rank.MARGINAL,
              caps,
              PadDirection.SINK,
              false);
      boolean any = !found.isEmpty();
      found.forEach(ElementFactory::dispose);
      return any;
    } finally {
      caps.dispose();
    }
  }

  /** Caps without the per-file binary fields, so the cache is per format, not per file. */
  static String cacheKey(String capsString) {
    StringBuilder out = new StringBuilder();
    for (String part : topLevelFields(capsString)) {
      String p = part.trim();
      if (p.startsWith("codec_data=")
          || p.startsWith("streamheader=")
          || p.startsWith("width=")
          || p.startsWith("height=")
          || p.startsWith("framerate=")
          || p.startsWith("pixel-aspect-ratio=")
          || p.startsWith("colorimetry=")
          || p.startsWith("chroma-site=")) {
        continue;
      }
      if (out.length() > 0) {
        out.append(", ");
      }
      out.append(p);
    }
    return out.toString();
  }

  /** Splits serialised caps at commas outside quotes and brackets. */
  static List<String> topLevelFields(String s) {
    List<String> parts = new java.util.ArrayList<>();
    int depth = 0;
    boolean quoted = false;
    int start = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (quoted) {
        if (c == '\\') {
          i++;
        } else if (c == '"') {
          quoted = false;
        }
        continue;
      }
      if (c == '"') {
        quoted = true;
      } else if (c == '<' || c == '{' || c == '[') {
        depth++;
      } else if (c == '>' || c == '}' || c == ']') {
        depth--;
      } else if (c == ',' && depth == 0) {
        parts.add(s.substring(start, i));
        start = i + 1;
      }
    }
    parts.add(s.substring(start));
    return parts;
  }
}
