package dev.gstbeam.internal.gst;

import dev.gstbeam.internal.probe.GstStructureText;
import java.util.List;
import com.sun.jna.Pointer;
import org.freedesktop.gstreamer.Element;
import org.freedesktop.gstreamer.Pad;
import org.freedesktop.gstreamer.PadLinkException;
import org.freedesktop.gstreamer.glib.Natives;

/** What the pipelines built here do with a new pad: read its caps, or hand it to a decoder. */
final class Pads {
  private Pads() {}

  /**
   * A pad's current caps as text, or "" when it has none yet. Read through GStreamer's C API, with no
   * Java wrapper for the caps: gst1-java-core hands out one cached wrapper per native address, and caps
   * are shared objects (typefind's for WAV is the same static caps in every pipeline), so a wrapper one
   * thread disposed could be the one another thread was reading ("Native object has been disposed",
   * an INTERNAL probe failure about once in 3,000 files).
   */
  static String currentCapsText(Pad pad) {
    Pointer caps = GstNative.Core.INSTANCE.gst_pad_get_current_caps(Natives.getRawPointer(pad));
    return takeCaps(caps);
  }

  /** A pad's caps as text: its current caps or, before they are set (parsebin, tsdemux), a caps query's answer. */
  static String capsText(Pad pad) {
    Pointer raw = Natives.getRawPointer(pad);
    Pointer caps = GstNative.Core.INSTANCE.gst_pad_get_current_caps(raw);
    if (caps == null) {
      caps = GstNative.Core.INSTANCE.gst_pad_query_caps(raw, null);
    }
    return takeCaps(caps);
  }

  private static String takeCaps(Pointer caps) {
    if (caps == null) {
      return "";
    }
    try {
      String text = GstNative.takeString(GstNative.Core.INSTANCE.gst_caps_to_string(caps));
      return text == null ? "" : text;
    } finally {
      GstNative.Core.INSTANCE.gst_caps_unref(caps);
    }
  }

  static GstStructureText caps(Pad pad) {
    return GstStructureText.parse(capsText(pad));
  }

  /**
   * Decodes the first stream {@code parsebin} exposes whose caps name {@code wanted} accepts (a new
   * decodebin, its decoded pads to {@code onDecoded}); every other stream is left unlinked, not decoded.
   * The handler is disconnected when the session closes.
   */
  static void decodeFirst(PipelineSession session, Element parsebin, java.util.function.Predicate<String> wanted,
      Element.PAD_ADDED onDecoded, List<Element> owned) {
    java.util.concurrent.atomic.AtomicBoolean taken = new java.util.concurrent.atomic.AtomicBoolean();
    Element.PAD_ADDED onParsed = (element, pad) -> {
      if (!wanted.test(caps(pad).name()) || !taken.compareAndSet(false, true)) {
        return; // left unlinked: not decoded
      }
      decode(session, pad, onDecoded, owned); // a refused link shows on the bus as not-linked
    };
    parsebin.connect(onParsed);
    session.onClose(() -> parsebin.disconnect(onParsed));
  }

  /**
   * Decodes the first video stream (caps {@code video/*} or {@code image/*}) {@code parsebin} exposes, as
   * {@link #decodeFirst(PipelineSession, Element, java.util.function.Predicate, Element.PAD_ADDED, List)};
   * and runs {@code onNone} when the first stream it exposes is of another kind, so has no video.
   *
   * <p>That rule is parsebin's own order: it exposes a group's streams all at once, sorted video first,
   * then still images, then audio, then the rest ({@code sort_end_pads} in gstparsebin.c, GStreamer 1.22).
   * parsebin emits no {@code no-more-pads}, and the demuxer's not-linked error is not a reliable end: it
   * is dropped when it comes while parsebin still filters the demuxer's errors (the streaming thread can
   * expose and push before the autoplugging thread lifts the filter), and a sink waiting for a video
   * stream that never comes then keeps the pipeline from prerolling until the stall watchdog.
   */
  static void decodeFirstVideo(PipelineSession session, Element parsebin, Element.PAD_ADDED onDecoded, Runnable onNone,
      List<Element> owned) {
    java.util.concurrent.atomic.AtomicBoolean first = new java.util.concurrent.atomic.AtomicBoolean(true);
    java.util.concurrent.atomic.AtomicBoolean taken = new java.util.concurrent.atomic.AtomicBoolean();
    Element.PAD_ADDED onParsed = (element, pad) -> {
      String name = caps(pad).name();
      boolean wasFirst = first.getAndSet(false);
      if (isVideo(name)) {
        if (taken.compareAndSet(false, true)) {
          decode(session, pad, onDecoded, owned); // a refused link shows on the bus as not-linked
        }
      } else if (wasFirst && !name.isEmpty()) {
        onNone.run(); // parsebin exposes video first: there is none
      }
    };
    parsebin.connect(onParsed);
    session.onClose(() -> parsebin.disconnect(onParsed));
  }

  /** Caps that carry pictures: video, or a still-image codec carrying video (MJPEG: image/jpeg). */
  static boolean isVideo(String capsName) {
    return capsName.startsWith("video/") || capsName.startsWith("image/");
  }

  /**
   * Links {@code pad} (a parsed stream) to a new decodebin whose decoded pads go to {@code onDecoded};
   * null when linked, else the link result.
   */
  static String decode(PipelineSession session, Pad pad, Element.PAD_ADDED onDecoded, List<Element> owned) {
    Element decode = Transcoder.make("decodebin", owned);
    decode.connect(onDecoded);
    session.pipeline().add(decode);
    decode.syncStateWithParent();
    try {
      pad.link(decode.getStaticPad("sink"));
      return null;
    } catch (PadLinkException e) {
      return String.valueOf(e.getLinkResult());
    }
  }
}
