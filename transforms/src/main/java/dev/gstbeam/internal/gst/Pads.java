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
    decodeFirst(session, parsebin, wanted, onDecoded, null, owned);
  }

  /**
   * As {@link #decodeFirst(PipelineSession, Element, java.util.function.Predicate, Element.PAD_ADDED, List)},
   * and {@code onNone} (if not null) runs when parsebin has exposed all its streams and none was
   * wanted: a sink waiting for that stream would otherwise keep the pipeline from prerolling.
   */
  static void decodeFirst(PipelineSession session, Element parsebin, java.util.function.Predicate<String> wanted,
      Element.PAD_ADDED onDecoded, Runnable onNone, List<Element> owned) {
    java.util.concurrent.atomic.AtomicBoolean taken = new java.util.concurrent.atomic.AtomicBoolean();
    if (onNone != null) {
      Element.NO_MORE_PADS done = element -> {
        if (!taken.get()) {
          onNone.run();
        }
      };
      parsebin.connect(done);
      session.onClose(() -> parsebin.disconnect(done));
    }
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
