package dev.gstbeam.internal.gst;

/** A GStreamer element factory that this machine does not have. */
public final class MissingElementException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final String factory;

  public MissingElementException(String factory) {
    super("GStreamer element '" + factory + "' is not installed");
    this.factory = factory;
  }

  public String factory() {
    return factory;
  }
}
