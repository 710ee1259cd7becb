package dev.gstbeam.internal.gst;

import dev.gstbeam.internal.probe.GstStructureText;
import java.util.List;
import org.freedesktop.gstreamer.Caps;
import org.freedesktop.gstreamer.Element;
import org.freedesktop.gstreamer.Pad;
import org.freedesktop.gstreamer.PadLinkException;

/** What the pipelines built here do with a new pad: read its caps, or hand it to a decoder. */
final class Pads {
  private Pads() {}

  /** A pad's caps as text: its current caps or, before they are set (parsebin, tsdemux), a caps query's answer. */
  static String capsText(Pad pad) {
    Caps caps = pad.getCurrentCaps();
    if (caps == null) {
      caps = pad.queryCaps(null);
    }
    if (caps == null) {
      return "";
    }
    try {
      return caps.toString();
    } finally {
      caps.dispose();
    }
  }

  static GstStructureText caps(Pad pad) {
    return GstStructureText.parse(capsText(pad));
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
