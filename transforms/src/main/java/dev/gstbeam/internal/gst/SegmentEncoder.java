package dev.gstbeam.internal.gst;

import dev.gstbeam.FailureReason;
import dev.gstbeam.internal.probe.GstStructureText;
import dev.gstbeam.internal.segment.Segment;
import dev.gstbeam.internal.transcode.EncoderSettings;
import dev.gstbeam.internal.transcode.OutputGeometry;
import dev.gstbeam.internal.transcode.Profile;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.freedesktop.gstreamer.Buffer;
import org.freedesktop.gstreamer.BufferFlags;
import org.freedesktop.gstreamer.Caps;
import org.freedesktop.gstreamer.Element;
import org.freedesktop.gstreamer.Pad;
import org.freedesktop.gstreamer.PadLinkException;
import org.freedesktop.gstreamer.PadProbeReturn;
import org.freedesktop.gstreamer.PadProbeType;
import org.freedesktop.gstreamer.event.EOSEvent;

/**
 * Encodes one {@link Segment} of a source's first video stream into an intermediate MP4 holding only
 * that segment's frames, re-timed to start at zero:
 *
 * <pre>
 * filesrc ! parsebin ─(first video; packet gate)─ decodebin ─(frame gate)─ [video chain as Transcoder]
 *         ! encoder ! parser ! mp4mux ! filesink
 * </pre>
 *
 * The packet gate drops packets (decode order) until the segment's seek keyframe, then lets through
 * exactly the packets the plan asks for and ends the stream, so the decoder is drained; the frame gate
 * keeps decoded frames whose timestamps fall in the segment. Every segment thus starts with a fresh
 * encoder (an IDR frame, closed GOPs) with the same settings, and gives exactly its frames. Other
 * streams go, parsed but not decoded, to a fakesink.
 */
public final class SegmentEncoder {
  private SegmentEncoder() {}

  /** How a segment encode ended. */
  public record Outcome(boolean ok, FailureReason reason, String message, long frames, OutputGeometry geometry,
      String videoEncoder) {}

  /**
   * Encodes {@code segment} of {@code source} into {@code target}. {@code faultAfterFrames} >= 0 makes
   * the frame gate stop passing frames after that many (a test's stand-in for a worker killed midway).
   */
  public static Outcome encode(Path source, Segment segment, Path target, Profile profile, Duration timeout,
      int threads, long faultAfterFrames) {
    ElementRegistry registry = ElementRegistry.get();
    EncoderSettings.ElementSpec videoSpec;
    try {
      videoSpec = EncoderSettings.videoEncoder(profile, threads, registry::hasElement);
    } catch (IllegalStateException e) {
      return new Outcome(false, FailureReason.MISSING_PLUGIN, e.getMessage(), 0, null, null);
    }
    List<Element> owned = Collections.synchronizedList(new ArrayList<>());
    AtomicReference<OutputGeometry> geometry = new AtomicReference<>();
    AtomicReference<String> linkError = new AtomicReference<>();
    AtomicBoolean haveVideo = new AtomicBoolean();
    AtomicLong framesOut = new AtomicLong();
    AtomicLong unstamped = new AtomicLong();

    try (PipelineSession session = PipelineSession.create("segment")) {
      Element src = session.add("filesrc");
      src.set("location", source.toString());
      Element parse = session.add("parsebin");
      Element mux = session.add("mp4mux");
      Element sink = session.add("filesink");
      sink.set("location", target.toString());
      if (!src.link(parse) || !mux.link(sink)) {
        return new Outcome(false, FailureReason.INTERNAL, "cannot link filesrc/parsebin or mp4mux/filesink", 0, null, null);
      }

      Element.PAD_ADDED onDecoded = (element, pad) -> {
        Caps caps = Stitcher.capsOrQuery(pad);
        String text = caps == null ? "" : caps.toString();
        if (caps != null) {
          caps.dispose();
        }
        GstStructureText c = GstStructureText.parse(text);
        if (!c.name().equals("video/x-raw")) {
          Transcoder.discard(session, pad, owned);
          return;
        }
        pad.addProbe(PadProbeType.BUFFER, (p, info) -> {
          Buffer b = info.getBuffer();
          long pts = b.getPresentationTimestamp();
          if (pts < 0) {
            unstamped.incrementAndGet();
            return PadProbeReturn.DROP;
          }
          if (!segment.contains(pts)) {
            return PadProbeReturn.DROP;
          }
          if (faultAfterFrames >= 0 && framesOut.get() >= faultAfterFrames) {
            return PadProbeReturn.DROP;
          }
          framesOut.incrementAndGet();
          return PadProbeReturn.OK;
        });
        try {
          geometry.set(Transcoder.videoChain(session, pad, c, profile, videoSpec, mux, owned));
        } catch (RuntimeException e) {
          linkError.compareAndSet(null, e.getMessage());
        }
      };

      Element.PAD_ADDED onParsed = (element, pad) -> {
        Caps caps = Stitcher.capsOrQuery(pad);
        String text = caps == null ? "" : caps.toString();
        if (caps != null) {
          caps.dispose();
        }
        boolean video = text.startsWith("video/") || text.startsWith("image/");
        if (!video || !haveVideo.compareAndSet(false, true)) {
          // Not decoded; parsed packets to a fakesink (some demuxers stop on an unlinked stream).
          Transcoder.discard(session, pad, owned);
          return;
        }
        // Xiph codecs (Theora) carry their setup in header packets before the first frame.
        PacketGate gate = new PacketGate(segment, text.startsWith("video/x-theora"));
        pad.addProbe(PadProbeType.BUFFER, (p, info) -> {
          Buffer b = info.getBuffer();
          switch (gate.offer(b.getPresentationTimestamp(), !b.getFlags().contains(BufferFlags.DELTA_UNIT),
              b.getFlags().contains(BufferFlags.HEADER))) {
            case PASS:
              return PadProbeReturn.OK;
            case END:
              // Into the decoder's sink pad, not pushed on parsebin's: the parser upstream must not see
              // its pad at EOS (it answers its next push with an error).
              Pad peer = p.getPeer();
              if (peer != null) {
                peer.sendEvent(new EOSEvent());
              }
              return PadProbeReturn.DROP;
            case AFTER_END:
              // Not pushed to the ended pad: some demuxers (tsdemux) treat its EOS answer as an error.
              // The demuxer reads on to the end of the file (parsing only).
              return PadProbeReturn.DROP;
            default:
              return PadProbeReturn.DROP;
          }
        });
        Element decode = Transcoder.make("decodebin", owned);
        decode.connect(onDecoded);
        session.pipeline().add(decode);
        decode.syncStateWithParent();
        try {
          pad.link(decode.getStaticPad("sink"));
        } catch (PadLinkException e) {
          linkError.compareAndSet(null, "cannot link the video stream to a decoder: " + e.getLinkResult());
        }
      };
      parse.connect(onParsed);
      session.onClose(() -> {
        parse.disconnect(onParsed);
        synchronized (owned) {
          owned.forEach(Element::dispose);
        }
      });

      BusOutcome bus = session.play(timeout, Transcoder.STALL);
      if (linkError.get() != null) {
        return new Outcome(false, FailureReason.INTERNAL, "cannot build the segment's chain: " + linkError.get(),
            framesOut.get(), null, null);
      }
      switch (bus.end()) {
        case EOS:
          break;
        case TIMEOUT:
          return new Outcome(false, FailureReason.TIMEOUT, "segment " + segment.index() + " did not finish within "
              + timeout.toSeconds() + " s", framesOut.get(), null, null);
        default:
          NativeError err = bus.error();
          return new Outcome(false, err == null ? FailureReason.CORRUPT : err.reason(),
              err == null ? "pipeline error" : err.message() + (bus.errorSource() == null ? "" : " (" + bus.errorSource() + ")"),
              framesOut.get(), null, null);
      }
      if (!haveVideo.get()) {
        return new Outcome(false, FailureReason.CORRUPT, "no video stream", 0, null, null);
      }
      if (unstamped.get() > 0) {
        return new Outcome(false, FailureReason.CORRUPT, unstamped.get() + " decoded frames without a timestamp",
            framesOut.get(), geometry.get(), videoSpec.factory());
      }
      return new Outcome(true, null, null, framesOut.get(), geometry.get(), videoSpec.factory());
    } catch (MissingElementException e) {
      return new Outcome(false, FailureReason.MISSING_PLUGIN, e.getMessage(), 0, null, null);
    }
  }

  /** Which packets (decode order) a segment's decoder is fed. Pure logic, one stream's thread. */
  static final class PacketGate {
    enum Verdict { DROP, PASS, END, AFTER_END }

    private final Segment segment;
    private boolean passing;
    private boolean ended;
    private long beforeEnd;

    private final boolean passHeaders;

    PacketGate(Segment segment, boolean passHeaders) {
      this.segment = segment;
      this.passHeaders = passHeaders;
      this.passing = segment.seekPts() == Segment.FROM_START;
    }

    Verdict offer(long pts, boolean keyframe, boolean header) {
      if (ended) {
        return Verdict.AFTER_END;
      }
      if (!passing) {
        if (keyframe && pts == segment.seekPts()) {
          passing = true;
        } else {
          return header && passHeaders ? Verdict.PASS : Verdict.DROP;
        }
      }
      if (beforeEnd >= segment.packetsBeforeEnd()) {
        ended = true;
        return Verdict.END;
      }
      if (pts < segment.endPts() && !(header && passHeaders)) {
        beforeEnd++;
      }
      return Verdict.PASS;
    }
  }
}
