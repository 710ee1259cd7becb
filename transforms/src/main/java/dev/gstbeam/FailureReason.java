package dev.gstbeam;

/** Why an input produced no output. The names are part of the user contract (failure records). */
public enum FailureReason {
  /** Not a media file GStreamer can identify (empty, random bytes, text, unknown format). */
  NOT_MEDIA,
  /** Identified, but its container or streams cannot be parsed or decoded. */
  CORRUPT,
  /** Identified and parsed, but no profile or element handles a codec in it (e.g. encrypted). */
  UNSUPPORTED_CODEC,
  /** This machine lacks a GStreamer element (decoder, demuxer) the input needs. */
  MISSING_PLUGIN,
  /** The native pipeline did not finish before the watchdog deadline. */
  TIMEOUT,
  /** The input exceeds a configured limit (pixels, duration, streams, size). */
  LIMIT_EXCEEDED,
  /** Reading the input or writing an output failed. */
  IO_ERROR,
  /** A defect in gstbeam or GStreamer that the input alone does not explain. */
  INTERNAL
}
