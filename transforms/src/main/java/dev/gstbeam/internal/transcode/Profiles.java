package dev.gstbeam.internal.transcode;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The built-in profiles of the contract and custom ones from JSON. A custom profile file:
 *
 * <pre>{@code
 * {"name": "archive-720p", "container": "mp4",
 *  "video": {"codec": "h264", "crf": 20, "preset": "slow", "max_height": 720},
 *  "audio": {"codec": "aac", "bitrate": 160000, "channels": 2},
 *  "verify": {"psnr_mean_min": 35, "psnr_min_min": 25},
 *  "copy": "audio"}
 * }</pre>
 *
 * Omitted fields take the value of {@code base} (a built-in name, default {@code mp4-h264-aac}).
 */
public final class Profiles {
  private Profiles() {}

  private static final Map<String, Profile> BUILT_IN = new LinkedHashMap<>();

  static {
    add(new Profile("mp4-h264-aac", "mp4", "h264", 23, 0, "medium", 1080, 0, "I420", "aac", 128000, 2, 30, 20, "auto"));
    add(new Profile("mp4-hevc-aac", "mp4", "hevc", 28, 0, "medium", 1080, 0, "I420", "aac", 128000, 2, 30, 20, "auto"));
    add(new Profile("webm-vp9-opus", "webm", "vp9", 33, 0, "medium", 1080, 0, "I420", "opus", 96000, 2, 30, 20, "auto"));
    add(new Profile("mkv-av1-opus", "mkv", "av1", 32, 0, "medium", 1080, 0, "I420", "opus", 96000, 2, 30, 20, "auto"));
  }

  private static void add(Profile p) {
    BUILT_IN.put(p.name(), p);
  }

  /** Names of the built-in profiles, in order. */
  public static Set<String> builtInNames() {
    return BUILT_IN.keySet();
  }

  /**
   * A built-in profile by name, or a custom one from a JSON file when {@code nameOrFile} names a file.
   * Throws {@link IllegalArgumentException} naming the valid choices or the bad field.
   */
  public static Profile resolve(String nameOrFile) {
    Profile p = BUILT_IN.get(nameOrFile);
    if (p != null) {
      return p;
    }
    Path file = Path.of(nameOrFile);
    if (nameOrFile.endsWith(".json") || Files.isRegularFile(file)) {
      if (!Files.isRegularFile(file)) {
        throw new IllegalArgumentException("profile file not found: " + nameOrFile);
      }
      try {
        return fromJson(Files.readString(file));
      } catch (IOException e) {
        throw new IllegalArgumentException("cannot read profile file " + nameOrFile + ": " + e.getMessage());
      }
    }
    throw new IllegalArgumentException(
        "unknown profile '" + nameOrFile + "' (built-in: " + String.join(", ", BUILT_IN.keySet()) + "; or a .json file)");
  }

  /** A custom profile from its JSON text (see the class comment). */
  public static Profile fromJson(String json) {
    JsonNode root;
    try {
      root = new ObjectMapper().readTree(json);
    } catch (IOException e) {
      throw new IllegalArgumentException("profile is not valid JSON: " + e.getMessage().split("\n")[0]);
    }
    if (root == null || !root.isObject()) {
      throw new IllegalArgumentException("profile must be a JSON object");
    }
    checkKeys(root, "", Set.of("name", "base", "container", "copy", "video", "audio", "verify"));
    Profile base = BUILT_IN.get(text(root, "base", "mp4-h264-aac"));
    if (base == null) {
      throw new IllegalArgumentException("profile field base: unknown built-in '" + root.get("base").asText() + "'");
    }
    JsonNode v = root.path("video");
    JsonNode a = root.path("audio");
    JsonNode q = root.path("verify");
    checkKeys(v, "video.", Set.of("codec", "crf", "bitrate_kbps", "preset", "max_height", "frame_rate", "pixel_format"));
    checkKeys(a, "audio.", Set.of("codec", "bitrate", "channels"));
    checkKeys(q, "verify.", Set.of("psnr_mean_min", "psnr_min_min"));
    return new Profile(
        text(root, "name", "custom"),
        text(root, "container", base.container()),
        text(v, "codec", base.videoCodec()),
        integer(v, "video.", "crf", base.crf()),
        integer(v, "video.", "bitrate_kbps", base.bitrateKbps()),
        text(v, "preset", base.preset()),
        integer(v, "video.", "max_height", base.maxHeight()),
        integer(v, "video.", "frame_rate", base.frameRate()),
        text(v, "pixel_format", base.pixelFormat()),
        text(a, "codec", base.audioCodec()),
        integer(a, "audio.", "bitrate", base.audioBitrate()),
        integer(a, "audio.", "channels", base.audioChannels()),
        number(q, "verify.", "psnr_mean_min", base.minPsnrMean()),
        number(q, "verify.", "psnr_min_min", base.minPsnrFrame()),
        text(root, "copy", base.copy()));
  }

  private static void checkKeys(JsonNode node, String prefix, Set<String> known) {
    if (node.isMissingNode()) {
      return;
    }
    if (!node.isObject()) {
      throw new IllegalArgumentException("profile field " + prefix.replaceAll("\\.$", "") + " must be an object");
    }
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String k = it.next();
      if (!known.contains(k)) {
        throw new IllegalArgumentException("profile field " + prefix + k + " is unknown (known: " + String.join(", ", new java.util.TreeSet<>(known)) + ")");
      }
    }
  }

  private static String text(JsonNode node, String key, String dflt) {
    JsonNode n = node.get(key);
    return n == null || n.isNull() ? dflt : n.asText();
  }

  private static int integer(JsonNode node, String prefix, String key, int dflt) {
    JsonNode n = node.get(key);
    if (n == null || n.isNull()) {
      return dflt;
    }
    if (!n.canConvertToInt() || !n.isIntegralNumber()) {
      throw new IllegalArgumentException("profile field " + prefix + key + ": '" + n + "' is not an integer");
    }
    return n.intValue();
  }

  private static double number(JsonNode node, String prefix, String key, double dflt) {
    JsonNode n = node.get(key);
    if (n == null || n.isNull()) {
      return dflt;
    }
    if (!n.isNumber()) {
      throw new IllegalArgumentException("profile field " + prefix + key + ": '" + n + "' is not a number");
    }
    return n.doubleValue();
  }
}
