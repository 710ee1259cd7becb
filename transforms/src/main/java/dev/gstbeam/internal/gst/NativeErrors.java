package dev.gstbeam.internal.gst;

import dev.gstbeam.FailureReason;

/**
 * Maps GStreamer's GError domains and codes (gstreamer/gst/gsterror.h) to the contract's failure
 * reasons. Pure function of its arguments.
 */
public final class NativeErrors {
  private NativeErrors() {}

  // GstCoreError
  static final int CORE_MISSING_PLUGIN = 12;
  // GstStreamError
  static final int STREAM_FAILED = 1;
  static final int STREAM_NOT_IMPLEMENTED = 3;
  static final int STREAM_TYPE_NOT_FOUND = 4;
  static final int STREAM_WRONG_TYPE = 5;
  static final int STREAM_CODEC_NOT_FOUND = 6;
  static final int STREAM_DECODE = 7;
  static final int STREAM_DEMUX = 9;
  static final int STREAM_FORMAT = 11;
  static final int STREAM_DECRYPT = 12;
  static final int STREAM_DECRYPT_NOKEY = 13;

  public static FailureReason reasonFor(String domain, int code) {
    return reasonFor(domain, code, "");
  }

  /**
   * As {@link #reasonFor(String, int)}; the message separates the two uses of STREAM_WRONG_TYPE:
   * decodebin's "This appears to be a text file" (not media) and parsers that find no valid frame in
   * what the container called their stream (corrupt).
   */
  public static FailureReason reasonFor(String domain, int code, String message) {
    if (domain == null) {
      return FailureReason.INTERNAL;
    }
    switch (domain) {
      case "gst-stream-error-quark":
        switch (code) {
          case STREAM_TYPE_NOT_FOUND:
            return FailureReason.NOT_MEDIA;
          case STREAM_WRONG_TYPE:
            return message != null && message.contains("text file")
                ? FailureReason.NOT_MEDIA
                : FailureReason.CORRUPT;
          case STREAM_CODEC_NOT_FOUND:
            return FailureReason.MISSING_PLUGIN;
          case STREAM_DECRYPT:
          case STREAM_DECRYPT_NOKEY:
            return FailureReason.UNSUPPORTED_CODEC;
          case STREAM_NOT_IMPLEMENTED:
            return FailureReason.UNSUPPORTED_CODEC;
          default:
            // FAILED ("internal data stream error"), WRONG_TYPE, DECODE, DEMUX, FORMAT, ...: the bytes
            // were recognised but do not parse.
            return FailureReason.CORRUPT;
        }
      case "gst-resource-error-quark":
        return FailureReason.IO_ERROR;
      case "gst-core-error-quark":
        return code == CORE_MISSING_PLUGIN ? FailureReason.MISSING_PLUGIN : FailureReason.INTERNAL;
      case "gst-library-error-quark":
        return FailureReason.INTERNAL;
      default:
        return FailureReason.INTERNAL;
    }
  }

  /**
   * As {@link #reasonFor(String, int, String)}, for a pipeline whose every element reads the input
   * (source, typefind, demuxers, parsers, decoders; no encoder, nothing gstbeam configures beyond the
   * input): there a library error is a decoder's library refusing the input's data, so CORRUPT. aom's
   * av1dec posts LIBRARY/INIT "Failed to decode frame" for a damaged AV1 frame (probe fuzzing found it:
   * testdata/fuzz), openh264dec LIBRARY/ENCODE. Where gstbeam sets an encoder up, such an error can be
   * gstbeam's own settings, and {@link #reasonFor} keeps INTERNAL.
   */
  public static FailureReason reasonForReader(String domain, int code, String message) {
    if ("gst-library-error-quark".equals(domain)) {
      return FailureReason.CORRUPT;
    }
    return reasonFor(domain, code, message);
  }
}
