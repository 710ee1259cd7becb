package dev.gstbeam.internal.gst;

import com.sun.jna.Pointer;
import dev.gstbeam.FailureReason;

/** A GError copied out of native memory: its domain name, code and message. */
public record NativeError(String domain, int code, String message) {

  /** Copies and frees a GError (may be null). */
  static NativeError take(Pointer gerror) {
    if (gerror == null) {
      return null;
    }
    try {
      int domain = gerror.getInt(0);
      int code = gerror.getInt(4);
      Pointer msg = gerror.getPointer(8);
      return new NativeError(
          GstNative.GLib.INSTANCE.g_quark_to_string(domain),
          code,
          msg == null ? "" : msg.getString(0, "UTF-8"));
    } finally {
      GstNative.GLib.INSTANCE.g_error_free(gerror);
    }
  }

  public FailureReason reason() {
    return NativeErrors.reasonFor(domain, code, message);
  }

  /** The reason when the pipeline only reads the input (probing): see {@link NativeErrors#reasonForReader}. */
  public FailureReason readerReason() {
    return NativeErrors.reasonForReader(domain, code, message);
  }
}
