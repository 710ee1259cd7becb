package dev.gstbeam.internal.transcode;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Which GStreamer elements encode, parse and mux a profile's streams, with which properties. Pure: the
 * caller says which elements exist here ({@code available}), so the choice is unit-tested without
 * GStreamer.
 *
 * <p>x264enc: {@code speed-preset} applies x264's own preset (checked: the encoder's SEI options string
 * matches ffmpeg's {@code -preset P -crf N} field by field), {@code pass=qual} with {@code quantizer}
 * is x264's CRF; in that mode x264enc also sets VBV from {@code bitrate} (default 2,048 kb/s, which
 * would cap quality), so the bitrate is raised to its maximum and VBV never binds. x265enc takes its
 * CRF through {@code option-string}. vp9enc and av1enc run in constant-quality mode ({@code end-usage=q};
 * av1enc has no cq-level, so its quantizer range is pinned to the level), speed from the preset.
 */
public final class EncoderSettings {
  private EncoderSettings() {}

  /** An element to create and the properties to set on it, in order. */
  public record ElementSpec(String factory, Map<String, Object> properties) {}

  /** x264/x265 preset names to libvpx/libaom speed (cpu-used), fastest first. */
  private static final Map<String, Integer> VPX_SPEED = Map.of(
      "ultrafast", 8, "superfast", 8, "veryfast", 7, "faster", 6, "fast", 5,
      "medium", 5, "slow", 4, "slower", 3, "veryslow", 2);

  private static final Map<String, Integer> AOM_SPEED = Map.of(
      "ultrafast", 10, "superfast", 9, "veryfast", 9, "faster", 8, "fast", 8,
      "medium", 7, "slow", 6, "slower", 5, "veryslow", 4);

  /** The video encoder chosen for a worker, and why a hardware encoder was not used (null: none was preferred). */
  public record VideoChoice(ElementSpec spec, boolean hardware, String fallbackReason) {}

  /**
   * The video encoder for {@code p} on a worker whose GStreamer registry has {@code available} elements.
   * {@code gpuDevice}: the GPU leased for this encode (null when none); {@code gpuRefusal}: why a GPU
   * worker could not lease one (null on workers without GPUs). With a device, hardware elements the
   * registry really has are preferred (NVENC for that device, then VA); otherwise, or when the registry
   * has none (nvcodec registers only where the NVIDIA driver and CUDA are; H100/A100-class GPUs have
   * NVDEC but no NVENC), the software encoder, with the reason. Throws {@link IllegalStateException}
   * when not even the software encoder is installed.
   */
  public static VideoChoice chooseVideoEncoder(
      Profile p, int threads, Predicate<String> available, String gpuDevice, String gpuRefusal) {
    if (gpuDevice == null) {
      return new VideoChoice(videoEncoder(p, threads, available), false, gpuRefusal);
    }
    List<String> candidates = hardwareCandidates(p.videoCodec(), gpuDevice);
    for (String f : candidates) {
      if (available.test(f)) {
        return new VideoChoice(hardwareEncoder(p, f), true, null);
      }
    }
    String why = candidates.isEmpty()
        ? "GPU " + gpuDevice + " on this slot, but GStreamer has no hardware " + p.videoCodec() + " encoder"
        : "GPU " + gpuDevice + " on this slot, but this worker's GStreamer has none of " + String.join(", ", candidates)
            + " (nvcodec registers its encoders only where the NVIDIA driver and CUDA are; H100/A100-class GPUs have no NVENC)";
    return new VideoChoice(videoEncoder(p, threads, available), false, why);
  }

  /** Hardware encoder element names for a codec, preferred first: NVENC for the device, then VA. */
  public static List<String> hardwareCandidates(String codec, String gpuDevice) {
    String nv = switch (codec) {
      case "h264" -> "h264";
      case "hevc" -> "h265";
      case "av1" -> "av1";
      default -> null;
    };
    if (nv == null) {
      return List.of(); // no VP9 encoder in nvcodec or VA here
    }
    // nvcodec registers device 0's encoder as nvh264enc and device N's as nvh264deviceNenc.
    String nvenc = "0".equals(gpuDevice) ? "nv" + nv + "enc" : "nv" + nv + "device" + gpuDevice + "enc";
    return codec.equals("h264") ? List.of(nvenc, "vah264enc", "vah264lpenc") : List.of(nvenc, "va" + nv + "enc");
  }

  /**
   * Constant-QP (or CBR) settings for a hardware encoder: NVENC's {@code rc-mode}/{@code qp-const}, VA's
   * {@code rate-control}/{@code qpi}; a property an element version lacks is ignored by GStreamer.
   */
  static ElementSpec hardwareEncoder(Profile p, String factory) {
    Map<String, Object> props = new LinkedHashMap<>();
    if (factory.startsWith("nv")) {
      props.put("preset", switch (p.preset()) {
        case "ultrafast", "superfast", "veryfast", "faster" -> "hp";
        case "slow", "slower", "veryslow" -> "hq";
        default -> "default";
      });
      if (p.bitrateKbps() > 0) {
        props.put("rc-mode", "cbr");
        props.put("bitrate", p.bitrateKbps());
      } else {
        props.put("rc-mode", "constqp");
        props.put("qp-const", p.crf());
      }
      props.put("gop-size", 250);
    } else {
      if (p.bitrateKbps() > 0) {
        props.put("rate-control", "cbr");
        props.put("bitrate", p.bitrateKbps());
      } else {
        props.put("rate-control", "cqp");
        props.put("qpi", p.crf());
        props.put("qpp", p.crf());
        props.put("qpb", p.crf());
      }
      props.put("key-int-max", 250);
    }
    return new ElementSpec(factory, props);
  }

  /** The video encoder for {@code p}, or throws {@link IllegalStateException} naming what is missing. */
  public static ElementSpec videoEncoder(Profile p, int threads, Predicate<String> available) {
    Map<String, Object> props = new LinkedHashMap<>();
    switch (p.videoCodec()) {
      case "h264":
        require(available, "x264enc");
        props.put("speed-preset", p.preset());
        if (p.bitrateKbps() > 0) {
          props.put("pass", "cbr");
          props.put("bitrate", p.bitrateKbps());
        } else {
          props.put("pass", "qual");
          props.put("quantizer", p.crf());
          props.put("bitrate", 2_048_000);
        }
        // The 8x8 transform is a High tool: on in every x264 preset from superfast up; on here for
        // ultrafast too, so that the stream is High as the profile promises (x264 signals the lowest
        // profile whose tools it used, and ultrafast alone gives Constrained Baseline).
        props.put("dct8x8", true);
        // 0: x264's own choice (1.5 threads per core, as ffmpeg leaves it); else the slot's share.
        props.put("threads", Math.max(0, threads));
        return new ElementSpec("x264enc", props);
      case "hevc":
        require(available, "x265enc");
        props.put("speed-preset", p.preset());
        if (p.bitrateKbps() > 0) {
          props.put("bitrate", p.bitrateKbps());
        } else {
          props.put("option-string", "crf=" + p.crf() + (threads > 0 ? ":pools=" + threads : ""));
        }
        return new ElementSpec("x265enc", props);
      case "vp9":
        require(available, "vp9enc");
        if (p.bitrateKbps() > 0) {
          props.put("end-usage", "vbr");
          props.put("target-bitrate", p.bitrateKbps() * 1000);
        } else {
          props.put("end-usage", "q");
          props.put("cq-level", p.crf());
        }
        props.put("deadline", 1L);
        props.put("cpu-used", VPX_SPEED.get(p.preset()));
        props.put("row-mt", true);
        props.put("threads", threads > 0 ? threads : Runtime.getRuntime().availableProcessors());
        props.put("keyframe-max-dist", 250);
        return new ElementSpec("vp9enc", props);
      case "av1":
        require(available, "av1enc");
        if (p.bitrateKbps() > 0) {
          props.put("end-usage", "vbr");
          props.put("target-bitrate", p.bitrateKbps());
        } else {
          props.put("end-usage", "q");
          props.put("min-quantizer", p.crf());
          props.put("max-quantizer", p.crf());
        }
        props.put("usage-profile", "realtime");
        props.put("cpu-used", AOM_SPEED.get(p.preset()));
        props.put("row-mt", true);
        props.put("threads", threads > 0 ? threads : Runtime.getRuntime().availableProcessors());
        props.put("keyframe-max-dist", 250);
        return new ElementSpec("av1enc", props);
      default:
        throw new IllegalArgumentException("video codec " + p.videoCodec());
    }
  }

  /**
   * Caps the encoder must produce, or null: H.264 is always High (the profile's promise; with the 8x8
   * transform on, x264 signals High for every preset).
   */
  public static String videoEncoderCaps(Profile p) {
    return p.videoCodec().equals("h264") ? "video/x-h264,profile=high" : null;
  }

  /** The parser after the video encoder (keyframe flags, stream format for the muxer). */
  public static String videoParser(Profile p) {
    return switch (p.videoCodec()) {
      case "h264" -> "h264parse";
      case "hevc" -> "h265parse";
      case "vp9" -> "vp9parse";
      case "av1" -> "av1parse";
      default -> throw new IllegalArgumentException(p.videoCodec());
    };
  }

  /** The audio encoder: for AAC the first of avenc_aac (ffmpeg's own), fdkaacenc, voaacenc found. */
  public static ElementSpec audioEncoder(Profile p, Predicate<String> available) {
    Map<String, Object> props = new LinkedHashMap<>();
    if (p.audioCodec().equals("opus")) {
      require(available, "opusenc");
      props.put("bitrate", p.audioBitrate());
      return new ElementSpec("opusenc", props);
    }
    for (String f : List.of("avenc_aac", "fdkaacenc", "voaacenc")) {
      if (available.test(f)) {
        props.put("bitrate", p.audioBitrate());
        return new ElementSpec(f, props);
      }
    }
    throw new IllegalStateException("no AAC encoder here (need one of avenc_aac, fdkaacenc, voaacenc)");
  }

  /** The muxer for the profile's container. */
  public static ElementSpec muxer(Profile p) {
    Map<String, Object> props = new LinkedHashMap<>();
    return switch (p.container()) {
      case "mp4" -> {
        props.put("faststart", true);
        yield new ElementSpec("mp4mux", props);
      }
      case "webm" -> new ElementSpec("webmmux", props);
      case "mkv" -> new ElementSpec("matroskamux", props);
      default -> throw new IllegalArgumentException(p.container());
    };
  }

  /**
   * The smallest width and height the profile's muxer takes video at, from GStreamer 1.22's pad
   * templates: mp4mux and webmmux take every video codec from 16x16 up, matroskamux from 1x1.
   * {@code EncoderSettingsIT} checks these against the elements.
   */
  public static int smallestVideoSide(Profile p) {
    return p.container().equals("mkv") ? 1 : 16;
  }

  /**
   * Whether the profile's container keeps text subtitles as gstbeam writes them: MP4 (timed text, tx3g)
   * and Matroska (S_TEXT/UTF8). WebM allows WebVTT alone, which GStreamer 1.22's webmmux does not write.
   */
  public static boolean carriesTextSubtitles(Profile p) {
    return p.container().equals("mp4") || p.container().equals("mkv");
  }

  private static void require(Predicate<String> available, String factory) {
    if (!available.test(factory)) {
      throw new IllegalStateException("encoder " + factory + " is not installed here");
    }
  }
}
