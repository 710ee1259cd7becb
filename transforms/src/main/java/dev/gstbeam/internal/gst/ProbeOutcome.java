package dev.gstbeam.internal.gst;

import dev.gstbeam.FailureReason;
import dev.gstbeam.model.MediaInfo;
import java.util.Objects;

/** What probing one input gave: a catalog record, or a failure reason with GStreamer's message. */
public final class ProbeOutcome implements java.io.Serializable {
  private static final long serialVersionUID = 1L;
  private final MediaInfo media;
  private final FailureReason reason;
  private final String message;

  private ProbeOutcome(MediaInfo media, FailureReason reason, String message) {
    this.media = media;
    this.reason = reason;
    this.message = message;
  }

  public static ProbeOutcome of(MediaInfo media) {
    return new ProbeOutcome(Objects.requireNonNull(media, "media"), null, null);
  }

  public static ProbeOutcome failed(FailureReason reason, String message) {
    return new ProbeOutcome(null, Objects.requireNonNull(reason, "reason"), message == null ? "" : message);
  }

  public boolean succeeded() {
    return media != null;
  }

  public MediaInfo media() {
    return media;
  }

  public FailureReason reason() {
    return reason;
  }

  public String message() {
    return message;
  }

  @Override
  public String toString() {
    return succeeded() ? "ok " + media.getUri() : reason + ": " + message;
  }
}
