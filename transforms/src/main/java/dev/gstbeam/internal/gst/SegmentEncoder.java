package dev.gstbeam.internal.gst;

import dev.gstbeam.gpu.GpuSlots;
import dev.gstbeam.FailureReason;
import dev.gstbeam.internal.probe.GstStructureText;
import dev.gstbeam.internal.segment.Mp4Colour;
import dev.gstbeam.internal.segment.Segment;
import dev.gstbeam.internal.transcode.EncoderSettings;
import dev.gstbeam.internal.transcode.OutputGeometry;
import dev.gstbeam.internal.transcode.Profile;
import com.sun.jna.Pointer;
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
import org.freedesktop.gstreamer.Element;
import org.freedesktop.gstreamer.Pad;
import org.freedesktop.gstreamer.PadProbeReturn;
import org.freedesktop.gstreamer.PadProbeType;
import org.freedesktop.gstreamer.Format;
import org.freedesktop.gstreamer.event.EOSEvent;
import org.freedesktop.gstreamer.event.SeekEvent;
import org.freedesktop.gstreamer.event.SeekFlags;
import org.freedesktop.gstreamer.event.SeekType;
import org.freedesktop.gstreamer.glib.Natives;

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
 * streams are left unlinked (not decoded).
 */
public final class SegmentEncoder {
  private SegmentEncoder() {}

  /** How a segment encode ended. */
  public record Outcome(boolean ok, FailureReason reason, String message, long frames, OutputGeometry geometry,
      String videoEncoder, boolean jumped, String encoderFallbackReason) {

    Outcome(boolean ok, FailureReason reason, String message, long frames, OutputGeometry geometry, String videoEncoder) {
      this(ok, reason, message, frames, geometry, videoEncoder, false, null);
    }
  }

  /**
   * Encodes {@code segment} of {@code source} into {@code target}. {@code faultAfterFrames} >= 0 makes
   * the frame gate stop passing frames after that many (a test's stand-in for a worker killed midway).
   */
  public static Outcome encode(Path source, Segment segment, Path target, Profile profile, Duration timeout,
      int threads, long faultAfterFrames) {
    return encode(source, segment, target, profile, timeout, threads, faultAfterFrames, true);
  }

  /**
   * As above; with {@code seek}, a segment that starts past the file's beginning asks the demuxer to
   * jump (key unit, snapping before) to a little before its seek keyframe instead of reading every
   * packet from the start. The packet gate still starts at exactly that keyframe; a jump that lands
   * past it is reported ({@link #OVERSHOT}) and the caller reads from the start instead.
   */
  public static Outcome encode(Path source, Segment segment, Path target, Profile profile, Duration timeout,
      int threads, long faultAfterFrames, boolean seek) {
    ElementRegistry registry = ElementRegistry.get();
    // Segments of one file must share one encoder: on a GPU worker wait for an encode session rather
    // than fall back to software for this segment alone.
    GpuSlots.Offer gpu;
    try {
      gpu = GpuSlots.offer(timeout.toMillis() / 2);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Outcome(false, FailureReason.TIMEOUT, "interrupted while waiting for a GPU encode session", 0, null, null);
    }
    try (GpuSlots.Lease lease = gpu.lease()) {
      return encode(source, segment, target, profile, timeout, threads, faultAfterFrames, seek, registry, gpu);
    }
  }

  private static Outcome encode(Path source, Segment segment, Path target, Profile profile, Duration timeout,
      int threads, long faultAfterFrames, boolean seek, ElementRegistry registry, GpuSlots.Offer gpu) {
    EncoderSettings.ElementSpec videoSpec;
    String fallback;
    try {
      EncoderSettings.VideoChoice choice =
          EncoderSettings.chooseVideoEncoder(profile, threads, registry::hasElement, gpu.device(), gpu.refusal());
      videoSpec = choice.spec();
      fallback = choice.fallbackReason();
    } catch (IllegalStateException e) {
      return new Outcome(false, FailureReason.MISSING_PLUGIN, e.getMessage(), 0, null, null);
    }
    List<Element> owned = Collections.synchronizedList(new ArrayList<>());
    AtomicReference<OutputGeometry> geometry = new AtomicReference<>();
    AtomicReference<String> linkError = new AtomicReference<>();
    AtomicBoolean haveVideo = new AtomicBoolean();
    AtomicLong framesOut = new AtomicLong();
    AtomicLong unstamped = new AtomicLong();
    AtomicLong segStart = new AtomicLong(Long.MIN_VALUE);
    AtomicLong segTime = new AtomicLong();
    AtomicBoolean overshot = new AtomicBoolean();
    java.util.concurrent.CountDownLatch firstPacket = new java.util.concurrent.CountDownLatch(1);
    AtomicBoolean jumped = new AtomicBoolean();
    AtomicReference<Pad> videoPad = new AtomicReference<>();
    AtomicReference<PacketGate> gateRef = new AtomicReference<>();
    AtomicReference<Pad.PROBE> gateProbeRef = new AtomicReference<>();
    AtomicReference<Pad.PROBE> blockRef = new AtomicReference<>();
    boolean seeking = seek && segment.seekPts() != Segment.FROM_START;

    Boolean sourceFullRange = Mp4Colour.fullRange(source);
    int[] statedAspect = dev.gstbeam.internal.segment.Mp4PixelAspect.of(source);
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
        GstStructureText c = Pads.caps(pad);
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
          geometry.set(Transcoder.videoChain(session, pad, c, profile, videoSpec, mux, owned, null, sourceFullRange,
              statedAspect));
        } catch (RuntimeException e) {
          linkError.compareAndSet(null, e.getMessage());
        }
      };

      Element.PAD_ADDED onParsed = (element, pad) -> {
        String text = Pads.capsText(pad);
        boolean video = text.startsWith("video/") || text.startsWith("image/");
        if (!video || !haveVideo.compareAndSet(false, true)) {
          // Left unlinked: demuxers combine their pads' flows and go on while the video is linked. A
          // fakesink here would hold the demuxer's one streaming thread in its preroll wait in PAUSED,
          // before the seek, and the video would never arrive.
          return;
        }
        // Xiph codecs (Theora) carry their setup in header packets before the first frame.
        PacketGate gate = new PacketGate(segment, text.startsWith("video/x-theora"));
        gateRef.set(gate);
        videoPad.set(pad);
        pad.addEventProbe((ep, event) -> {
          // By the native type: gst1-java-core caches wrappers by address, and a new event at a reused
          // address can come back as a wrapper of an earlier event's class.
          Pointer raw = Natives.getRawPointer(event);
          int type = GstNative.eventType(raw);
          if (type == GstNative.EVENT_SEGMENT) {
            long[] st = GstNative.segmentStartAndTime(raw);
            if (st != null) {
              segStart.set(st[0]);
              segTime.set(st[1]);
            }
          } else if (type == GstNative.EVENT_FLUSH_STOP) {
            jumped.set(true);
            gate.restart(); // after a seek: wait for the seek keyframe again
          }
          return PadProbeReturn.OK;
        });
        Pad.PROBE gateProbe = (p, info) -> {
          Buffer b = info.getBuffer();
          PacketGate.Verdict verdict = gate.offer(b.getPresentationTimestamp(),
              !b.getFlags().contains(BufferFlags.DELTA_UNIT), b.getFlags().contains(BufferFlags.HEADER));
          if (verdict == PacketGate.Verdict.OVERSHOT) {
            overshot.set(true);
          }
          switch (verdict) {
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
        };
        gateProbeRef.set(gateProbe);
        if (seeking) {
          // Hold the demuxer at its first video packet until the seek: nothing reaches the decoder
          // before it, and the demuxer cannot run on to the end meanwhile. The seek's flush releases
          // the held push; the caller then installs the gate and removes this block.
          Pad.PROBE block = (p, info) -> {
            firstPacket.countDown();
            return PadProbeReturn.OK;
          };
          blockRef.set(block);
          pad.addProbe(EnumSet.of(PadProbeType.BLOCK, PadProbeType.BUFFER), block);
        } else {
          pad.addProbe(PadProbeType.BUFFER, gateProbe);
        }
        String refused = Pads.decode(session, pad, onDecoded, owned);
        if (refused != null) {
          linkError.compareAndSet(null, "cannot link the video stream to a decoder: " + refused);
        }
      };
      parse.connect(onParsed);
      session.onClose(() -> {
        parse.disconnect(onParsed);
        synchronized (owned) {
          owned.forEach(Element::dispose);
        }
      });

      if (seeking) {
        session.pipeline().setState(org.freedesktop.gstreamer.State.PAUSED);
        try {
          boolean got = firstPacket.await(30, java.util.concurrent.TimeUnit.SECONDS);
          if (got && segStart.get() != Long.MIN_VALUE) {
            // Stream time of the seek keyframe, from the segment its pad carries; a little earlier, so that
            // demuxers without an exact index (TS, ES) still land before it.
            long position = Math.max(0, segment.seekPts() - segStart.get() + segTime.get() - SEEK_MARGIN_NANOS);
            // Upstream from the video pad to the demuxer (the muxer downstream would refuse a seek sent
            // to the pipeline's sinks); the demuxer flushes and restarts all its streams there.
            videoPad.get().sendEvent(new SeekEvent(1.0, Format.TIME,
                EnumSet.of(SeekFlags.FLUSH, SeekFlags.KEY_UNIT, SeekFlags.SNAP_BEFORE), SeekType.SET, position,
                SeekType.NONE, -1));
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        } finally {
          // From here the gate decides, from wherever the demuxer now is (jumped or not).
          Pad vp = videoPad.get();
          if (vp != null && gateProbeRef.get() != null) {
            vp.addProbe(PadProbeType.BUFFER, gateProbeRef.get());
            if (blockRef.get() != null) {
              vp.removeProbe(blockRef.get());
            }
          }
        }
      }
      BusOutcome bus = session.play(timeout, Transcoder.STALL);
      if (linkError.get() != null) {
        return new Outcome(false, FailureReason.INTERNAL, "cannot build the segment's chain: " + linkError.get(),
            framesOut.get(), null, null);
      }
      if (overshot.get()) {
        return new Outcome(false, FailureReason.INTERNAL, OVERSHOT, framesOut.get(), null, null);
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
      Transcoder.showLastFrame(target);
      return new Outcome(true, null, null, framesOut.get(), geometry.get(), videoSpec.factory(), jumped.get(), fallback);
    } catch (MissingElementException e) {
      return new Outcome(false, FailureReason.MISSING_PLUGIN, e.getMessage(), 0, null, null);
    }
  }

  /** The message of an outcome whose seek landed past the seek keyframe. */
  public static final String OVERSHOT = "the seek landed past the segment's keyframe";

  static final long SEEK_MARGIN_NANOS = 3_000_000_000L;

  /** Which packets (decode order) a segment's decoder is fed. Pure logic, one stream's thread. */
  static final class PacketGate {
    enum Verdict { DROP, PASS, END, AFTER_END, OVERSHOT }

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

    /** After a flush (a seek): nothing passed before counts; wait for the seek keyframe again. */
    synchronized void restart() {
      if (segment.seekPts() != Segment.FROM_START) {
        passing = false;
        ended = false;
        beforeEnd = 0;
      }
    }

    synchronized Verdict offer(long pts, boolean keyframe, boolean header) {
      if (ended) {
        return Verdict.AFTER_END;
      }
      if (!passing) {
        if (keyframe && pts == segment.seekPts()) {
          passing = true;
        } else if (keyframe && pts > segment.seekPts()) {
          // Keyframes come in presentation order: the one we need is behind us.
          ended = true;
          return Verdict.OVERSHOT;
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
