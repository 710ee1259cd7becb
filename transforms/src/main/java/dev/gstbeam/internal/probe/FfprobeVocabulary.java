package dev.gstbeam.internal.probe;

import java.util.Locale;
import java.util.Map;

/**
 * GStreamer caps in ffprobe's words: container format names and codec names as ffprobe 5.1 prints them
 * ({@code format_name}, {@code codec_name}). Pure Java; the native side hands it parsed caps text.
 */
public final class FfprobeVocabulary {
  private FfprobeVocabulary() {}

  /** Whether a container name (ffprobe's, as {@link #containerName} gives it) is one of the ISO/QuickTime family. */
  public static boolean isMp4Family(String container) {
    return "mp4".equals(container) || "mov".equals(container) || "3gp".equals(container);
  }

  /** Caps of a top-level stream that only wrap another (tags in front of an elementary stream). */
  public static boolean isTagWrapper(String capsName) {
    return capsName.equals("application/x-id3") || capsName.equals("application/x-apetag");
  }

  /**
   * The ffprobe format name for the caps GStreamer's typefinder gave the whole file; {@code
   * elementaryCodec} is the codec of the only stream when the file is an elementary stream (no
   * container), else null.
   */
  public static String containerName(GstStructureText caps, String elementaryCodec) {
    String n = caps.name();
    switch (n) {
      case "video/quicktime":
      case "audio/x-m4a":
        {
          String variant = caps.string("variant");
          if (variant == null || variant.equals("apple")) {
            return "mov";
          }
          if (variant.startsWith("3g")) {
            return "3gp";
          }
          if (variant.equals("mj2")) {
            return "mj2";
          }
          return "mp4";
        }
      case "video/x-matroska":
      case "audio/x-matroska":
      case "video/x-matroska-3d":
        return "matroska";
      case "video/webm":
      case "audio/webm":
        return "webm";
      case "video/mpegts":
        return "mpegts";
      case "video/mpeg":
        return Boolean.TRUE.equals(caps.bool("systemstream")) ? "mpeg" : codecOrNull(elementaryCodec);
      case "video/x-msvideo":
        return "avi";
      case "application/ogg":
      case "audio/ogg":
      case "video/ogg":
      case "application/x-ogm":
        return "ogg";
      case "audio/x-wav":
        return "wav";
      case "audio/x-rf64":
        return "wav"; // ffprobe's wav demuxer reads RF64 and names it wav
      case "application/x-3gp":
        return "3gp";
      case "audio/x-amr-nb-sh":
      case "audio/x-amr-wb-sh":
        return "amr";
      case "audio/x-w64":
        return "w64";
      case "audio/x-aiff":
        return "aiff";
      case "audio/x-au":
        return "au";
      case "audio/x-caf":
        return "caf";
      case "video/x-flv":
        return "flv";
      case "video/x-ms-asf":
        return "asf";
      case "application/mxf":
        return "mxf";
      case "video/x-dv":
        return "dv";
      case "video/x-ivf":
        return "ivf";
      case "application/x-yuv4mpeg":
        return "yuv4mpegpipe";
      case "audio/x-wavpack":
        return "wv";
      case "audio/x-ape":
        return "ape";
      case "application/x-subtitle":
        return "srt";
      case "application/x-subtitle-vtt":
        return "webvtt";
      case "application/x-ssa":
      case "application/x-ass":
        return "ass";
      default:
        break;
    }
    // An elementary stream file (flac, mp3, aac, ac3, amr, raw h264, ...): the format is named after the
    // codec, as ffprobe does, with ffprobe's few exceptions.
    String codec = elementaryCodec != null ? elementaryCodec : codecName(caps, null);
    return codecOrNull(codec);
  }

  private static String codecOrNull(String codec) {
    if (codec == null) {
      return null;
    }
    switch (codec) {
      case "amr_nb":
      case "amr_wb":
        return "amr";
      case "mjpeg":
        return "mjpeg";
      case "mpeg1video":
      case "mpeg2video":
        return "mpegvideo";
      case "mpeg4":
        return "m4v";
      case "vc1":
        return "vc1";
      case "hevc":
        return "hevc";
      default:
        return codec;
    }
  }

  /**
   * The ffprobe codec_name for a stream's caps, or null when GStreamer could not tell. {@code container}
   * (an ffprobe format name, may be null) disambiguates text subtitles.
   */
  public static String codecName(GstStructureText caps, String container) {
    String n = caps.name();
    if (n.startsWith("audio/x-gst-fourcc-") || n.startsWith("video/x-gst-fourcc-")) {
      // qtdemux names sample entries it has no caps for by their fourcc.
      return FOURCC.get(n.substring(n.lastIndexOf('-') + 1));
    }
    switch (n) {
      // video
      case "video/x-h264":
        return "h264";
      case "video/x-h265":
        return "hevc";
      case "video/x-h266":
        return "vvc";
      case "video/x-vp8":
        return "vp8";
      case "video/x-vp9":
        return "vp9";
      case "video/x-av1":
        return "av1";
      case "video/mpeg":
        {
          Integer v = caps.integer("mpegversion");
          if (v == null) {
            return null;
          }
          return v == 1 ? "mpeg1video" : v == 2 ? "mpeg2video" : v == 4 ? "mpeg4" : null;
        }
      case "video/x-divx":
        {
          Integer v = caps.integer("divxversion");
          return v != null && v == 3 ? "msmpeg4v3" : "mpeg4";
        }
      case "video/x-xvid":
        return "mpeg4";
      case "video/x-msmpeg":
        {
          Integer v = caps.integer("msmpegversion");
          if (v == null) {
            return null;
          }
          return v == 41 ? "msmpeg4v1" : v == 42 ? "msmpeg4v2" : v == 43 ? "msmpeg4v3" : null;
        }
      case "image/jpeg":
        return "mjpeg";
      case "video/x-theora":
        return "theora";
      case "video/x-prores":
        return "prores";
      case "video/x-dnxhd":
        return "dnxhd";
      case "video/x-h263":
        return "h263p".equals(caps.string("h263version")) ? "h263p" : "h263";
      case "video/x-flash-video":
        return "flv1";
      case "video/x-flash-screen":
        return "flashsv";
      case "video/x-wmv":
        {
          Integer v = caps.integer("wmvversion");
          if (v == null) {
            return null;
          }
          if (v == 3) {
            String format = caps.string("format");
            return format != null && format.equals("WVC1") ? "vc1" : "wmv3";
          }
          return v == 1 ? "wmv1" : v == 2 ? "wmv2" : null;
        }
      case "video/x-dv":
        return "dvvideo";
      case "video/x-huffyuv":
        return "huffyuv";
      case "video/x-ffv":
        return "ffv1";
      case "video/x-raw":
        return "rawvideo";
      case "image/png":
        return "png";
      case "image/gif":
        return "gif";
      case "image/bmp":
        return "bmp";
      case "video/x-cinepak":
        return "cinepak";
      case "video/x-svq":
        {
          Integer v = caps.integer("svqversion");
          return v != null && v == 3 ? "svq3" : "svq1";
        }
      case "video/x-rle":
        return "qtrle";
      case "video/x-gst-av-qtrle":
        return "qtrle";
      // audio
      case "audio/mpeg":
        {
          Integer v = caps.integer("mpegversion");
          if (v == null) {
            return null;
          }
          if (v == 1) {
            Integer layer = caps.integer("layer");
            return layer == null || layer == 3 ? "mp3" : layer == 2 ? "mp2" : "mp1";
          }
          return v == 2 || v == 4 ? "aac" : null;
        }
      case "audio/x-opus":
        return "opus";
      case "audio/x-vorbis":
        return "vorbis";
      case "audio/x-flac":
        return "flac";
      case "audio/x-ac3":
      case "audio/ac3":
        return "ac3";
      case "audio/x-eac3":
        return "eac3";
      case "audio/x-ac4":
        return "ac4";
      case "audio/x-dts":
        return "dts";
      case "audio/x-true-hd":
        return "truehd";
      case "audio/x-alac":
        return "alac";
      case "audio/x-wma":
        {
          Integer v = caps.integer("wmaversion");
          if (v == null) {
            return null;
          }
          return v == 1 ? "wmav1" : v == 2 ? "wmav2" : v == 3 ? "wmapro" : v == 4 ? "wmalossless" : null;
        }
      case "audio/x-alaw":
        return "pcm_alaw";
      case "audio/x-mulaw":
        return "pcm_mulaw";
      case "audio/AMR":
        return "amr_nb";
      case "audio/AMR-WB":
        return "amr_wb";
      case "audio/x-adpcm":
        {
          String layout = caps.string("layout");
          if (layout == null) {
            return null;
          }
          return ADPCM.get(layout);
        }
      case "audio/x-speex":
        return "speex";
      case "audio/x-gsm":
        return "gsm";
      case "audio/x-wavpack":
        return "wavpack";
      case "audio/x-ape":
        return "ape";
      case "audio/x-mpegh-3da":
      case "audio/x-mpeg-h":
        return "mpegh_3d_audio";
      case "audio/x-raw":
        return pcmName(caps.string("format"));
      // subtitles
      case "text/x-raw":
        if (isMp4Family(container)) {
          return "mov_text";
        }
        return "subrip";
      case "application/x-subtitle":
        return "subrip";
      case "application/x-ssa":
        return "ssa";
      case "application/x-ass":
        return "ass";
      case "application/x-subtitle-vtt":
      case "application/x-subtitle-vtt-mp4":
        return "webvtt";
      case "subpicture/x-pgs":
        return "hdmv_pgs_subtitle";
      case "subpicture/x-dvd":
        return "dvd_subtitle";
      case "subpicture/x-dvb":
        return "dvb_subtitle";
      case "application/x-teletext":
        return "dvb_teletext";
      case "closedcaption/x-cea-608":
        return "eia_608";
      case "audio/x-alac-stream":
        return "alac";
      case "application/x-subtitle-tmplayer":
      case "application/x-subtitle-mpl2":
      case "application/x-subtitle-sami":
        return null;
      default:
        return null;
    }
  }

  /** MP4 sample entry fourccs that qtdemux exposes as x-gst-fourcc caps, in ffprobe's names. */
  private static final Map<String, String> FOURCC =
      Map.of("mhm1", "mpegh_3d_audio", "mha1", "mpegh_3d_audio", "mlpa", "truehd");

  private static final Map<String, String> ADPCM =
      Map.of(
          "dvi", "adpcm_ima_wav",
          "quicktime", "adpcm_ima_qt",
          "microsoft", "adpcm_ms",
          "g726", "adpcm_g726",
          "swf", "adpcm_swf",
          "yamaha", "adpcm_yamaha",
          "oki", "adpcm_ima_oki",
          "g721", "adpcm_g726");

  /** GStreamer raw audio format (S16LE, F32LE, S24_32LE, ...) as ffprobe's pcm_* codec name. */
  static String pcmName(String format) {
    if (format == null) {
      return null;
    }
    String f = format.toLowerCase(Locale.ROOT);
    if (f.equals("u8") || f.equals("s8")) {
      return "pcm_" + f;
    }
    if (f.startsWith("s24_32")) {
      return "pcm_s24" + f.substring("s24_32".length());
    }
    if (f.matches("[suf](16|24|32|64)(le|be)")) {
      return "pcm_" + f;
    }
    return null;
  }

  /** Stream type in ffprobe's words for a caps name and discoverer type nick. */
  public static String streamType(String discovererNick, String capsName) {
    if ("video".equals(discovererNick)) {
      return "video";
    }
    if ("audio".equals(discovererNick)) {
      return "audio";
    }
    if ("subtitles".equals(discovererNick)) {
      return "subtitle";
    }
    if (capsName.startsWith("video/") || capsName.startsWith("image/")) {
      return "video";
    }
    if (capsName.startsWith("audio/")) {
      return "audio";
    }
    if (capsName.startsWith("text/")
        || capsName.startsWith("subpicture/")
        || capsName.startsWith("application/x-subtitle")
        || capsName.equals("application/x-ssa")
        || capsName.equals("application/x-ass")
        || capsName.startsWith("closedcaption/")) {
      return "subtitle";
    }
    return "data";
  }

  /** Luma bits per sample of a video stream, from parser caps or what the codec allows. */
  public static Integer videoBitDepth(GstStructureText caps, String codec) {
    Integer luma = caps.integer("bit-depth-luma");
    if (luma != null && luma > 0) {
      return luma;
    }
    String profile = caps.string("profile");
    if (profile != null) {
      String p = profile.toLowerCase(Locale.ROOT);
      if (p.contains("12")) {
        return 12;
      }
      if (p.contains("10")) {
        return 10;
      }
    }
    if (codec == null) {
      return null;
    }
    switch (codec) {
      case "prores":
        return 10;
      case "vp9":
        {
          // VP9 profiles 2 and 3 are high bit depth (10 or 12); 0 and 1 are 8-bit.
          if (profile != null && (profile.equals("2") || profile.equals("3"))) {
            return 10;
          }
          return 8;
        }
      case "h264":
      case "hevc":
      case "av1":
        // Without bit-depth fields and without a high-bit-depth profile name these are 8-bit.
        return profile != null ? 8 : null;
      case "mpeg1video":
      case "mpeg2video":
      case "mpeg4":
      case "mjpeg":
      case "theora":
      case "vp8":
      case "h263":
      case "h263p":
      case "flv1":
      case "vc1":
      case "wmv1":
      case "wmv2":
      case "wmv3":
      case "msmpeg4v1":
      case "msmpeg4v2":
      case "msmpeg4v3":
      case "dvvideo":
      case "cinepak":
      case "svq1":
      case "svq3":
        return 8;
      case "rawvideo":
        {
          String format = caps.string("format");
          if (format == null) {
            return null;
          }
          if (format.contains("10")) {
            return 10;
          }
          if (format.contains("12")) {
            return 12;
          }
          if (format.contains("16")) {
            return 16;
          }
          return 8;
        }
      default:
        return null;
    }
  }

  /** Degrees clockwise from GStreamer's image-orientation tag value (rotate-90, flip-rotate-270, ...). */
  public static Integer rotationDegrees(String imageOrientation) {
    if (imageOrientation == null) {
      return null;
    }
    String v = imageOrientation.trim().toLowerCase(Locale.ROOT);
    int dash = v.lastIndexOf('-');
    if (!v.contains("rotate") || dash < 0) {
      return null;
    }
    try {
      int degrees = Integer.parseInt(v.substring(dash + 1));
      return ((degrees % 360) + 360) % 360;
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /**
   * ffprobe's color_range from GStreamer's colorimetry: {@code pc} for full range (the first of the four
   * numbers is 1, or the named sRGB), {@code tv} for limited (2, or the named bt601/bt709/bt2020/...
   * colorimetries, all limited); null when unknown.
   */
  public static String colorRange(String colorimetry) {
    if (colorimetry == null || colorimetry.isEmpty()) {
      return null;
    }
    if (colorimetry.matches("[0-9]+:[0-9]+:[0-9]+:[0-9]+")) {
      return switch (colorimetry.charAt(0)) {
        case '1' -> "pc";
        case '2' -> "tv";
        default -> null;
      };
    }
    return colorimetry.equalsIgnoreCase("sRGB") ? "pc" : colorimetry.startsWith("bt") || colorimetry.startsWith("smpte") ? "tv" : null;
  }

  /** True for interlace modes other than progressive. */
  public static Boolean interlaced(String interlaceMode) {
    if (interlaceMode == null) {
      return null;
    }
    return !interlaceMode.equals("progressive");
  }
}
