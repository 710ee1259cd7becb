package dev.gstbeam.internal.transcode;

import java.io.Serializable;
import java.util.Locale;
import java.util.Objects;

/**
 * What a migration produces: container, video codec and rate control, size cap, pixel format, audio
 * codec and bitrate, and the quality an output must reach to count as verified. Immutable; built-ins
 * and JSON files come from {@link Profiles}.
 *
 * @param name profile name as users give it ({@code --profile})
 * @param container {@code mp4}, {@code webm} or {@code mkv} (also the output file extension)
 * @param videoCodec {@code h264}, {@code hevc}, {@code vp9} or {@code av1}
 * @param crf constant-quality level in the codec's own scale (x264/x265 CRF, VP9/AV1 cq-level)
 * @param bitrateKbps target video bitrate instead of constant quality, or 0
 * @param preset encoder speed preset in x264's vocabulary ({@code ultrafast} … {@code veryslow})
 * @param maxHeight output lines at most (sources are never upscaled)
 * @param frameRate fixed output frame rate, or 0 to keep the source's timing
 * @param pixelFormat raw format fed to the encoder (GStreamer name, {@code I420} = 8-bit 4:2:0)
 * @param audioCodec {@code aac} or {@code opus}
 * @param audioBitrate bits per second
 * @param audioChannels output channels (down-mixed when the source has more)
 * @param minPsnrMean lowest acceptable mean PSNR (dB) of a verified output
 * @param minPsnrFrame lowest acceptable single-frame PSNR (dB)
 * @param copy {@code auto}: a source video stream that already fits the profile is copied, not
 *     re-encoded (see {@link StreamCopy}); {@code none}: everything is re-encoded
 */
public record Profile(
    String name,
    String container,
    String videoCodec,
    int crf,
    int bitrateKbps,
    String preset,
    int maxHeight,
    int frameRate,
    String pixelFormat,
    String audioCodec,
    int audioBitrate,
    int audioChannels,
    double minPsnrMean,
    double minPsnrFrame,
    String copy)
    implements Serializable {

  /** The values of {@link #copy()}. */
  public static final java.util.List<String> COPY_MODES = java.util.List.of("auto", "none");

  static final java.util.List<String> PRESETS = java.util.List.of(
      "ultrafast", "superfast", "veryfast", "faster", "fast", "medium", "slow", "slower", "veryslow");

  public Profile {
    Objects.requireNonNull(name, "name");
    container = lower(container);
    videoCodec = lower(videoCodec);
    audioCodec = lower(audioCodec);
    preset = lower(preset);
    copy = copy == null ? "auto" : lower(copy);
    require(COPY_MODES.contains(copy), "copy", copy, String.join(", ", COPY_MODES));
    require(java.util.List.of("mp4", "webm", "mkv").contains(container), "container", container, "mp4, webm, mkv");
    require(java.util.List.of("h264", "hevc", "vp9", "av1").contains(videoCodec), "video.codec", videoCodec, "h264, hevc, vp9, av1");
    require(java.util.List.of("aac", "opus").contains(audioCodec), "audio.codec", audioCodec, "aac, opus");
    require(PRESETS.contains(preset), "video.preset", preset, String.join(", ", PRESETS));
    require(crf >= 0 && crf <= 63, "video.crf", String.valueOf(crf), "0..63");
    require(bitrateKbps >= 0, "video.bitrate_kbps", String.valueOf(bitrateKbps), ">= 0");
    require(maxHeight >= 16 && maxHeight <= 8640, "video.max_height", String.valueOf(maxHeight), "16..8640");
    require(frameRate >= 0 && frameRate <= 240, "video.frame_rate", String.valueOf(frameRate), "0 (keep) or 1..240");
    require(audioBitrate >= 8000 && audioBitrate <= 512000, "audio.bitrate", String.valueOf(audioBitrate), "8000..512000");
    require(audioChannels >= 1 && audioChannels <= 8, "audio.channels", String.valueOf(audioChannels), "1..8");
    require(!(container.equals("webm") && (videoCodec.equals("h264") || videoCodec.equals("hevc") || audioCodec.equals("aac"))),
        "container", container, "webm holds only vp9/av1 with opus");
  }

  /** The output file extension. */
  public String extension() {
    return container;
  }

  public Profile withPreset(String p) {
    return new Profile(name, container, videoCodec, crf, bitrateKbps, p, maxHeight, frameRate, pixelFormat,
        audioCodec, audioBitrate, audioChannels, minPsnrMean, minPsnrFrame, copy);
  }

  public Profile withCrf(int c) {
    return new Profile(name, container, videoCodec, c, 0, preset, maxHeight, frameRate, pixelFormat,
        audioCodec, audioBitrate, audioChannels, minPsnrMean, minPsnrFrame, copy);
  }

  /** This profile with another {@link #copy()} mode ({@code auto} or {@code none}). */
  public Profile withCopy(String c) {
    return new Profile(name, container, videoCodec, crf, bitrateKbps, preset, maxHeight, frameRate, pixelFormat,
        audioCodec, audioBitrate, audioChannels, minPsnrMean, minPsnrFrame, c);
  }

  private static String lower(String s) {
    return s == null ? "" : s.trim().toLowerCase(Locale.ROOT);
  }

  private static void require(boolean ok, String field, String value, String valid) {
    if (!ok) {
      throw new IllegalArgumentException("profile field " + field + ": '" + value + "' is not valid (valid: " + valid + ")");
    }
  }
}
