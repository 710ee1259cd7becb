package dev.gstbeam.internal.gst;

import dev.gstbeam.internal.probe.FfprobeVocabulary;
import dev.gstbeam.internal.probe.GstStructureText;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import org.freedesktop.gstreamer.Buffer;
import org.freedesktop.gstreamer.BufferFlags;
import org.freedesktop.gstreamer.Element;
import org.freedesktop.gstreamer.ElementFactory;
import org.freedesktop.gstreamer.Pad;
import org.freedesktop.gstreamer.PadLinkException;
import org.freedesktop.gstreamer.PadProbeReturn;
import org.freedesktop.gstreamer.PadProbeType;

/**
 * Demuxes and parses a file without decoding ({@code filesrc ! parsebin}, one fakesink per stream):
 * either to preroll, to learn each stream's parsed caps when the discoverer could not, or to the end,
 * to index video keyframes and count frames.
 */
public final class StreamScan {
  private StreamScan() {}

  /** One elementary stream as parsebin exposed it. */
  public static final class ScannedStream {
    private final int index;
    private volatile String caps;
    private volatile Boolean video;
    private long frames;
    private long firstPts = -1;
    private long startPts = -1;
    private long endPts = -1;
    private long nextEnd = -1; // where the next untimed packet ends, after the last timed one
    private final List<Long> keyframePts = new ArrayList<>();
    private final List<Long> keyframeNumbers = new ArrayList<>();
    private long[] packetPts = new long[1024];
    private final java.util.BitSet packetKey = new java.util.BitSet();

    ScannedStream(int index, String caps) {
      this.index = index;
      this.caps = caps;
    }

    public int index() {
      return index;
    }

    public String caps() {
      return caps;
    }

    /** Caps may be set on a pad only after it is added (tsdemux): learn them from the pad later. */
    void learnCaps(Pad pad) {
      if (caps == null || caps.isEmpty()) {
        String c = Pads.currentCapsText(pad);
        if (!c.isEmpty()) {
          caps = c;
        }
      }
    }

    boolean hasInBandHeaders() {
      String c = caps;
      return c != null && c.startsWith("video/x-theora");
    }

    boolean isVideo(Pad pad) {
      Boolean v = video;
      if (v == null) {
        learnCaps(pad);
        String c = caps;
        if (c == null || c.isEmpty()) {
          return false;
        }
        v = c.startsWith("video/") || c.startsWith("image/");
        video = v;
      }
      return v;
    }

    public GstStructureText parsedCaps() {
      return GstStructureText.parse(caps);
    }

    public synchronized long frames() {
      return frames;
    }

    public synchronized long firstPtsNanos() {
      return firstPts;
    }

    public synchronized List<Long> keyframePtsNanos() {
      return List.copyOf(keyframePts);
    }

    public synchronized List<Long> keyframeNumbers() {
      return List.copyOf(keyframeNumbers);
    }

    /** Presentation timestamps of the video frames, in decode order (-1: none); a scan to the end only. */
    public synchronized long[] packetPtsNanos() {
      return java.util.Arrays.copyOf(packetPts, (int) Math.min(frames, packetPts.length));
    }

    /** Which of {@link #packetPtsNanos()} are keyframes. */
    public synchronized java.util.BitSet packetKeyframes() {
      return (java.util.BitSet) packetKey.clone();
    }

    /**
     * Start and end (last timestamp plus its duration) of the packets seen, any stream type. A packet
     * without a timestamp but with a duration follows the one before it, as ffprobe interpolates them:
     * mpeg4videoparse leaves only keyframes timed in an AVI with packed B-frames, and the untimed tail
     * after the last one made such a file's video 0.2 s shorter than it plays.
     */
    synchronized void onExtent(long pts, long duration) {
      if (pts < 0) {
        if (nextEnd >= 0 && duration > 0) {
          nextEnd += duration;
          endPts = Math.max(endPts, nextEnd);
        }
        return;
      }
      if (startPts < 0 || pts < startPts) {
        startPts = pts;
      }
      long end = pts + Math.max(0, duration);
      nextEnd = end;
      if (end > endPts) {
        endPts = end;
      }
    }

    public synchronized long startPtsNanos() {
      return startPts;
    }

    public synchronized long endPtsNanos() {
      return endPts;
    }

    synchronized void onBuffer(long pts, boolean delta) {
      if (pts >= 0 && (firstPts < 0 || pts < firstPts)) {
        firstPts = pts;
      }
      if (!delta) {
        keyframePts.add(pts);
        keyframeNumbers.add(frames);
        packetKey.set((int) frames);
      }
      if (frames < Integer.MAX_VALUE - 8) {
        if (frames == packetPts.length) {
          packetPts = java.util.Arrays.copyOf(packetPts, packetPts.length * 2);
        }
        packetPts[(int) frames] = pts;
      }
      frames++;
    }
  }

  /** What a scan found. */
  public record Result(
      BusOutcome outcome, List<ScannedStream> streams, long durationNanos, String typeCaps) {

    /**
     * After a scan to the end: the timed extent (first timestamp to last packet's end) of the first
     * stream whose caps start with {@code mediaPrefix} ({@code "audio/"}, {@code "video/"}), or -1.
     */
    public long extentNanos(String mediaPrefix) {
      for (ScannedStream s : streams) {
        String caps = s.caps();
        if (caps != null && caps.startsWith(mediaPrefix) && s.startPtsNanos() >= 0 && s.endPtsNanos() > s.startPtsNanos()) {
          return s.endPtsNanos() - s.startPtsNanos();
        }
      }
      return -1;
    }

    /**
     * After a scan to the end: from the earliest packet's timestamp to the latest packet's end, over all
     * streams (what ffprobe reports for containers without an index); -1 when nothing was timed.
     */
    public long extentNanos() {
      long start = Long.MAX_VALUE;
      long end = -1;
      for (ScannedStream s : streams) {
        if (s.startPtsNanos() >= 0) {
          start = Math.min(start, s.startPtsNanos());
          end = Math.max(end, s.endPtsNanos());
        }
      }
      return end < 0 || end <= start ? -1 : end - start;
    }
  }

  /**
   * Scans {@code file}. With {@code toEnd} false it stops at preroll; with true it reads every packet
   * and indexes video keyframes.
   *
   * <p>The demuxer is chosen here, from typefind's answer (its own short pipeline) and the registry, not
   * by parsebin or decodebin: those drop an error that a demuxer posts while they are still trying it (their
   * "filtered" errors), and a damaged file then never prerolls. Elementary streams (MP3, FLAC, ADTS)
   * and, to the end, each demuxed stream go through parsebin for their parser.
   */
  public static Result scan(Path file, boolean toEnd, Duration timeout) {
    List<ScannedStream> streams = Collections.synchronizedList(new ArrayList<>());
    List<Element> owned = Collections.synchronizedList(new ArrayList<>());
    List<Pad> pads = Collections.synchronizedList(new ArrayList<>());
    List<Runnable> disconnects = Collections.synchronizedList(new ArrayList<>());
    long deadline = System.nanoTime() + timeout.toNanos();
    TypeFound found = typeOf(file, timeout);
    if (found.type() == null) {
      return new Result(found.outcome(), List.of(), -1, null);
    }
    String typeCaps = found.type();
    try (PipelineSession session = PipelineSession.create("scan")) {
      Element src = session.add("filesrc");
      src.set("location", file.toString());

      // A stream pad (from the demuxer, or from parsebin): record it and give it a sink.
      Element.PAD_ADDED toSink =
          (element, pad) -> {
            String capsText = Pads.currentCapsText(pad);
            ScannedStream stream = new ScannedStream(streams.size(), capsText);
            streams.add(stream);
            pads.add(pad);
            attachSink(session, pad, toEnd, owned);
            if (toEnd) {
              pad.addProbe(
                  PadProbeType.BUFFER,
                  (p, info) -> {
                    Buffer b = info.getBuffer();
                    stream.onExtent(b.getPresentationTimestamp(), b.getDuration());
                    if (!stream.isVideo(p)) {
                      return PadProbeReturn.OK;
                    }
                    EnumSet<BufferFlags> flags = b.getFlags();
                    if (flags.contains(BufferFlags.GAP)
                        || (flags.contains(BufferFlags.HEADER) && stream.hasInBandHeaders())) {
                      // Gaps and Xiph codec headers (Theora in Ogg) are not frames. h264parse also flags
                      // a picture that carries SPS/PPS as HEADER: that one is a frame.
                      return PadProbeReturn.OK;
                    }
                    stream.onBuffer(b.getPresentationTimestamp(), flags.contains(BufferFlags.DELTA_UNIT));
                    return PadProbeReturn.OK;
                  });
            }
          };

      // A demuxed pad when reading to the end: through parsebin, so parsers set keyframe flags.
      Element.PAD_ADDED toParser =
          (element, pad) -> {
            Element parse = ElementFactory.make("parsebin", null);
            owned.add(parse);
            parse.connect(toSink);
            disconnects.add(() -> parse.disconnect(toSink));
            session.pipeline().add(parse);
            parse.syncStateWithParent();
            Pad sinkPad = parse.getStaticPad("sink");
            try {
              pad.link(sinkPad);
            } catch (PadLinkException e) {
              // unlinked: the demuxer reports not-linked on the bus
            }
          };

      // Tag wrappers (ID3, APE) hide an elementary stream that needs a parser: parsebin's job.
      java.util.Optional<String> demuxer =
          FfprobeVocabulary.isTagWrapper(GstStructureText.parse(typeCaps).name())
              ? java.util.Optional.empty()
              : ElementRegistry.get().demuxerFor(typeCaps);
      Element next = session.add(demuxer.orElse("parsebin"));
      Element.PAD_ADDED handler = demuxer.isPresent() && toEnd ? toParser : toSink;
      next.connect(handler);
      disconnects.add(() -> next.disconnect(handler));
      if (!src.link(next)) {
        throw new IllegalStateException("cannot link filesrc to " + demuxer.orElse("parsebin"));
      }
      // Some demuxers have an always src pad (wavparse): no pad-added will announce it.
      for (Pad existing : next.getSrcPads()) {
        handler.padAdded(next, existing);
      }
      session.onClose(
          () -> {
            synchronized (disconnects) {
              disconnects.forEach(Runnable::run);
            }
            synchronized (owned) {
              owned.forEach(Element::dispose);
            }
          });
      Duration left = Duration.ofNanos(Math.max(1, deadline - System.nanoTime()));
      BusOutcome outcome = toEnd ? session.play(left) : session.preroll(left);
      long duration = outcome.ok() ? session.durationNanos() : -1;
      synchronized (streams) {
        synchronized (pads) {
          for (int i = 0; i < streams.size() && i < pads.size(); i++) {
            streams.get(i).learnCaps(pads.get(i));
          }
        }
        return new Result(outcome, List.copyOf(streams), duration, typeCaps);
      }
    }
  }

  /** What typefind made of a file: its caps, or the bus outcome that says why not. */
  private record TypeFound(String type, BusOutcome outcome) {}

  /**
   * Typefinding on its own small pipeline ({@code filesrc ! typefind ! fakesink}), so that the scan
   * pipeline is built, demuxer included, on the caller's thread before it starts: linking the demuxer
   * from typefind's have-type callback deadlocks when typefind runs in pull mode (the callback needs
   * typefind's object lock, which the thread activating typefind's pads holds while it waits for the
   * callback's thread).
   */
  private static TypeFound typeOf(Path file, Duration timeout) {
    try (PipelineSession session = PipelineSession.create("typefind")) {
      Element src = session.add("filesrc");
      src.set("location", file.toString());
      Element typefind = session.add("typefind");
      Element sink = session.add("fakesink");
      sink.set("sync", false);
      if (!Element.linkMany(src, typefind, sink)) {
        throw new IllegalStateException("cannot link filesrc ! typefind ! fakesink");
      }
      BusOutcome outcome = session.preroll(timeout);
      if (!outcome.ok()) {
        return new TypeFound(null, outcome);
      }
      Pad pad = typefind.getStaticPad("src");
      try {
        String caps = Pads.currentCapsText(pad);
        return new TypeFound(caps.isEmpty() ? null : caps, outcome);
      } finally {
        // Pad wrappers are not disposed by hand: gst1-java-core caches wrappers by native address,
        // and a disposed one can be handed back for a new pad at a reused address ("Native object
        // has been disposed", seen once in 300 probes). Their one reference goes with the wrapper.
        java.lang.ref.Reference.reachabilityFence(pad);
      }
    }
  }

  // Elements added from pad-added (demuxer streaming threads) follow the pipeline's state, as with
  // decodebin; only typefinding is kept off the scan pipeline (see typeOf).

  /**
   * To the end: a sink that does not wait for preroll, so one demuxer thread feeding several streams
   * never blocks on a stream that has no data yet. To preroll: a queue per stream (its own thread) so
   * every sink can preroll whatever the interleaving.
   */
  private static void attachSink(PipelineSession session, Pad pad, boolean toEnd, List<Element> owned) {
    Element sink = ElementFactory.make("fakesink", null);
    sink.set("sync", false);
    if (toEnd) {
      sink.set("async", false);
    }
    Element head = sink;
    Element queue = null;
    if (!toEnd) {
      queue = ElementFactory.make("queue", null);
      queue.set("max-size-buffers", 0);
      queue.set("max-size-time", 0L);
      queue.set("max-size-bytes", 64 << 20);
      head = queue;
    }
    owned.add(sink);
    session.pipeline().add(sink);
    if (queue != null) {
      owned.add(queue);
      session.pipeline().add(queue);
      queue.link(sink);
      queue.syncStateWithParent();
    }
    sink.syncStateWithParent();
    Pad sinkPad = head.getStaticPad("sink");
    try {
      pad.link(sinkPad);
    } catch (PadLinkException e) {
      // unlinked: the bus carries the not-linked error
    }
  }
}
