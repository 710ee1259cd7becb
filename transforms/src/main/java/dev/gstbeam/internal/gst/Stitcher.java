package dev.gstbeam.internal.gst;

import dev.gstbeam.FailureReason;
import dev.gstbeam.internal.probe.GstStructureText;
import dev.gstbeam.internal.transcode.EncoderSettings;
import dev.gstbeam.internal.transcode.Profile;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.freedesktop.gstreamer.Element;
import org.freedesktop.gstreamer.Pad;
import org.freedesktop.gstreamer.PadLinkException;

/**
 * Joins the segments' intermediate files into the final output at the stream level, and encodes the
 * source's audio once, for the whole file:
 *
 * <pre>
 * filesrc(seg 0) ! qtdemux ─┐
 * filesrc(seg 1) ! qtdemux ─┼─ concat ! parser ! queue ! muxer ! filesink
 * ...                       ─┘                             /
 * filesrc(source) ! parsebin ─(first audio)─ decodebin ! [audio chain as Transcoder] ! queue
 * </pre>
 *
 * {@code concat} plays its inputs one after the other and keeps running time continuous, so each
 * segment's frames follow the previous segment's last frame (whose duration the intermediate keeps);
 * no frame is decoded or re-encoded here. The muxer's pads are requested before any data flows.
 */
public final class Stitcher {
  private Stitcher() {}

  /** How a stitch ended. */
  public record Outcome(boolean ok, FailureReason reason, String message, boolean audio, int textTracks) {

    Outcome(boolean ok, FailureReason reason, String message, boolean audio) {
      this(ok, reason, message, audio, 0);
    }
  }

  /**
   * Writes {@code target} from {@code segments} (in order) and, when {@code withAudio}, the first audio
   * stream of {@code source}.
   */
  public static Outcome stitch(List<Path> segments, Path source, boolean withAudio, Path target, Profile profile,
      Duration timeout) {
    return stitch(segments, source, withAudio, target, profile, timeout, List.of());
  }

  /**
   * As {@link #stitch(List, Path, boolean, Path, Profile, Duration)}, and the source's text subtitle
   * tracks {@code text} (read before, {@link TextSubtitles#read}) written too where the profile's
   * container carries them; the outcome counts the tracks written.
   */
  public static Outcome stitch(List<Path> segments, Path source, boolean withAudio, Path target, Profile profile,
      Duration timeout, List<TextSubtitles.Track> text) {
    ElementRegistry registry = ElementRegistry.get();
    EncoderSettings.ElementSpec audioSpec = null;
    if (withAudio) {
      try {
        audioSpec = EncoderSettings.audioEncoder(profile, registry::hasElement);
      } catch (IllegalStateException e) {
        return new Outcome(false, FailureReason.MISSING_PLUGIN, e.getMessage(), false);
      }
    }
    List<Element> owned = Collections.synchronizedList(new ArrayList<>());
    AtomicReference<String> linkError = new AtomicReference<>();
    AtomicBoolean audioLinked = new AtomicBoolean();
    try (PipelineSession session = PipelineSession.create("stitch")) {
      EncoderSettings.ElementSpec muxSpec = EncoderSettings.muxer(profile);
      Element mux = session.add(muxSpec.factory());
      Transcoder.apply(mux, muxSpec.properties());
      Element sink = session.add("filesink");
      sink.set("location", target.toString());
      Element concat = session.add("concat");
      Element parser = session.add(EncoderSettings.videoParser(profile));
      Element videoQueue = session.add("queue");
      if (!mux.link(sink) || !concat.link(parser) || !parser.link(videoQueue)
          || !linkToRequested(videoQueue, mux, "video_%u")) {
        return new Outcome(false, FailureReason.INTERNAL, "cannot link the stitching chain", false);
      }
      for (Path segment : segments) {
        Element src = session.add("filesrc");
        src.set("location", segment.toString());
        Element demux = session.add("qtdemux");
        if (!src.link(demux)) {
          return new Outcome(false, FailureReason.INTERNAL, "cannot link a segment's reader", false);
        }
        Pad into = concat.getRequestPad("sink_%u"); // in segment order: concat plays them in this order
        Element.PAD_ADDED onPad = (element, pad) -> {
          if (!pad.getName().startsWith("video")) {
            return;
          }
          try {
            pad.link(into);
          } catch (PadLinkException e) {
            linkError.compareAndSet(null, "segment " + segment.getFileName() + ": " + e.getLinkResult());
          }
        };
        demux.connect(onPad);
        session.onClose(() -> demux.disconnect(onPad));
      }

      if (withAudio) {
        Element audioQueue = session.add("queue");
        if (!linkToRequested(audioQueue, mux, "audio_%u")) {
          return new Outcome(false, FailureReason.INTERNAL, "the muxer has no audio input", false);
        }
        Element src = session.add("filesrc");
        src.set("location", source.toString());
        Element parse = session.add("parsebin");
        src.link(parse);
        EncoderSettings.ElementSpec spec = audioSpec;
        Element.PAD_ADDED onDecoded = (element, pad) -> {
          GstStructureText c = Pads.caps(pad);
          if (!c.name().equals("audio/x-raw")) {
            Transcoder.discard(session, pad, owned);
            return;
          }
          try {
            Transcoder.audioChain(session, pad, c, profile, spec, audioQueue, owned);
          } catch (RuntimeException e) {
            linkError.compareAndSet(null, e.getMessage());
          }
        };
        Element.PAD_ADDED onParsed = (element, pad) -> {
          GstStructureText c = Pads.caps(pad);
          if (!c.name().startsWith("audio/") || !audioLinked.compareAndSet(false, true)) {
            return; // video and other streams: unlinked, never decoded here
          }
          String refused = Pads.decode(session, pad, onDecoded, owned);
          if (refused != null) {
            linkError.compareAndSet(null, "cannot link the audio to a decoder: " + refused);
          }
        };
        parse.connect(onParsed);
        session.onClose(() -> parse.disconnect(onParsed));
      }
      int textTracks = 0;
      if (dev.gstbeam.internal.transcode.EncoderSettings.carriesTextSubtitles(profile)) {
        // Every other muxer pad was requested above, before any data flows: fed from the start.
        for (TextSubtitles.Track track : text) {
          if (track.cues().isEmpty()) {
            continue;
          }
          if (!TextSubtitles.feed(session, mux, track, profile.container(), owned)) {
            return new Outcome(false, FailureReason.INTERNAL, "the muxer refuses a text subtitle track", false);
          }
          textTracks++;
        }
      }
      session.onClose(() -> {
        synchronized (owned) {
          owned.forEach(Element::dispose);
        }
      });

      BusOutcome bus = session.play(timeout, Transcoder.STALL);
      if (linkError.get() != null) {
        return new Outcome(false, FailureReason.INTERNAL, "cannot stitch: " + linkError.get(), false);
      }
      switch (bus.end()) {
        case EOS:
          if (muxSpec.factory().equals("mp4mux")) {
            Transcoder.showLastFrame(target);
          }
          return new Outcome(true, null, null, audioLinked.get(), textTracks);
        case TIMEOUT:
          return new Outcome(false, FailureReason.TIMEOUT, "stitch did not finish within " + timeout.toSeconds() + " s"
              + ("stalled".equals(bus.errorSource()) ? " (no progress)" : ""), false);
        default:
          NativeError err = bus.error();
          return new Outcome(false, err == null ? FailureReason.CORRUPT : err.reason(),
              err == null ? "pipeline error" : err.message(), false);
      }
    } catch (MissingElementException e) {
      return new Outcome(false, FailureReason.MISSING_PLUGIN, e.getMessage(), false);
    }
  }

  private static boolean linkToRequested(Element from, Element mux, String template) {
    Pad pad = mux.getRequestPad(template);
    if (pad == null) {
      return false;
    }
    try {
      from.getStaticPad("src").link(pad);
      return true;
    } catch (PadLinkException e) {
      return false;
    }
  }
}
