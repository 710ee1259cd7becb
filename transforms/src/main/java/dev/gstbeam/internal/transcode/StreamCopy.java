package dev.gstbeam.internal.transcode;

import dev.gstbeam.model.MediaInfo;
import dev.gstbeam.model.Stream;
import java.util.Locale;

/**
 * Whether a source's video already satisfies a profile and is copied (remuxed) instead of re-encoded:
 * no generation loss and no encoding time. Only the video stream the transcoder keeps (the first) is
 * considered; audio is always re-encoded (it costs little): a copy of AAC from MP4 through GStreamer
 * 1.22's qtdemux and mp4mux loses the encoder-priming frame qtdemux sends ahead of its segment and the
 * last frame (measured: 376 packets in, 374 out, 21 ms short), while a re-encode keeps the duration.
 *
 * <p>Video is copied when the profile's copy mode is {@code auto} and the stream has the profile's codec
 * in the profile's flavour (H.264 High, HEVC Main, VP9 profile 0, AV1 Main), 8 bits per sample, progressive,
 * square pixels, even dimensions, at most the profile's height, no fixed output frame rate is asked, and its bitrate
 * (the stream's, or else the whole file's, an upper bound) is known and not above what the profile would spend: 1.2 times the profile's bitrate when it has one,
 * otherwise {@link #MAX_COPY_BITS_PER_PIXEL} bits per pixel per frame (a constant-quality encode at the
 * built-in levels lands well under it; a camera original at 50 Mb/s does not, and is re-encoded).
 */
public final class StreamCopy {
  private StreamCopy() {}

  /** Bits per pixel per frame above which a source is re-encoded even when its codec fits. */
  public static final double MAX_COPY_BITS_PER_PIXEL = 0.1;

  /** Whether to copy the video, its size, and a human-readable note for the result row. */
  public record Decision(boolean video, int width, int height, String note) {
    public static final Decision NONE = new Decision(false, 0, 0, null);
  }

  /** The encoded caps name of a profile's video codec. */
  public static String videoCaps(String codec) {
    return switch (codec) {
      case "h264" -> "video/x-h264";
      case "hevc" -> "video/x-h265";
      case "vp9" -> "video/x-vp9";
      case "av1" -> "video/x-av1";
      default -> throw new IllegalArgumentException(codec);
    };
  }

  /** Decides for {@code src} under {@code p}. */
  public static Decision decide(Profile p, MediaInfo src) {
    if (!p.copy().equals("auto")) {
      return Decision.NONE;
    }
    Stream video = null;
    for (Stream s : src.getStreams()) {
      if ("video".equals(s.getType())) {
        video = s;
        break;
      }
    }
    if (video == null || !timestampsCarry(video.getCodec(), src.getContainer())) {
      return Decision.NONE;
    }
    // The stream's own bitrate, or the whole file's (an upper bound) where the container states none.
    Long bitRate = video.getBitRate() != null && video.getBitRate() > 0 ? video.getBitRate() : src.getBitRate();
    if (!videoFits(p, video, bitRate)) {
      return Decision.NONE;
    }
    return new Decision(true, video.getWidth(), video.getHeight(), String.format(Locale.ROOT,
        "video copied (%s %s %dx%d at %.3f bits/pixel fits the profile)", video.getCodec(), video.getProfile(),
        video.getWidth(), video.getHeight(), bitsPerPixel(video, bitRate)));
  }

  /**
   * H.264 and HEVC with B-frames need each packet's decode time in the output. MP4/MOV and MPEG-TS carry it;
   * Matroska, WebM, AVI and FLV store presentation times only, GStreamer's parsers do not derive decode
   * times from them, and mp4mux then writes a broken timeline (measured: a 4 s Matroska clip came out
   * 8.68 s long). VP9 and AV1 have no reordering, so any container does.
   */
  static boolean timestampsCarry(String codec, String container) {
    if ("vp9".equals(codec) || "av1".equals(codec)) {
      return true;
    }
    return container != null && java.util.Set.of("mp4", "mov", "3gp", "mpegts").contains(container);
  }

  static boolean videoFits(Profile p, Stream v, Long bitRate) {
    if (!p.videoCodec().equals(v.getCodec()) || !flavourFits(p.videoCodec(), v.getProfile())) {
      return false;
    }
    if (!"I420".equals(p.pixelFormat()) || v.getBitDepth() == null || v.getBitDepth() != 8
        || v.getInterlaced() == null || v.getInterlaced()) {
      return false;
    }
    Integer w = v.getWidth();
    Integer h = v.getHeight();
    if (w == null || h == null || w <= 0 || h <= 0 || w % 2 != 0 || h % 2 != 0 || h > p.maxHeight()) {
      return false;
    }
    if (p.frameRate() > 0) {
      return false;
    }
    // Square pixels, as a re-encode gives (the profile promises them).
    if (v.getSampleAspectRatio() != null && !v.getSampleAspectRatio().equals("1:1")) {
      return false;
    }
    if (bitRate == null || bitRate <= 0) {
      return false;
    }
    if (p.bitrateKbps() > 0) {
      return bitRate <= 1.2 * p.bitrateKbps() * 1000;
    }
    double bpp = bitsPerPixel(v, bitRate);
    return bpp > 0 && bpp <= MAX_COPY_BITS_PER_PIXEL;
  }

  static boolean flavourFits(String codec, String profile) {
    if (profile == null) {
      return false;
    }
    return switch (codec) {
      case "h264" -> profile.equals("high");
      case "hevc", "av1" -> profile.equals("main");
      case "vp9" -> profile.equals("0");
      default -> false;
    };
  }

  static double bitsPerPixel(Stream v, Long bitRate) {
    if (bitRate == null || v.getFrameRate() == null || v.getFrameRate() <= 0 || v.getWidth() == null
        || v.getHeight() == null || v.getWidth() <= 0 || v.getHeight() <= 0) {
      return -1;
    }
    return bitRate / (v.getFrameRate() * v.getWidth() * v.getHeight());
  }
}
