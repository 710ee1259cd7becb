package dev.gstbeam.internal.gst;

import dev.gstbeam.internal.probe.GstStructureText;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import org.freedesktop.gstreamer.Buffer;
import org.freedesktop.gstreamer.BufferFlags;
import org.freedesktop.gstreamer.Caps;
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
    private final List<Long> keyframePts = new ArrayList<>();
    private final List<Long> keyframeNumbers = new ArrayList<>();

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
        Caps c = pad.getCurrentCaps();
        if (c != null) {
          caps = c.toString();
          c.dispose();
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

    synchronized void onBuffer(long pts, boolean delta) {
      if (pts >= 0 && (firstPts < 0 || pts < firstPts)) {
        firstPts = pts;
      }
      if (!delta) {
        keyframePts.add(pts);
        keyframeNumbers.add(frames);
      }
      frames++;
    }
  }

  /** What a scan found. */
  public record Result(
      BusOutcome outcome, List<ScannedStream> streams, long durationNanos, String typeCaps) {}

  /**
   * Scans {@code file}. With {@code toEnd} false it stops at preroll; with true it reads every packet
   * and indexes video keyframes.
   */
  public static Result scan(Path file, boolean toEnd, Duration timeout) {
    List<ScannedStream> streams = Collections.synchronizedList(new ArrayList<>());
    try (PipelineSession session = PipelineSession.create("scan")) {
      Element src = session.add("filesrc");
      src.set("location", file.toString());
      Element parse = session.add("parsebin");
      if (!src.link(parse)) {
        throw new IllegalStateException("cannot link filesrc ! parsebin");
      }
      // parsebin's own typefinder names the container (its have-type signal; the caps do not stay on
      // its pads in pull mode).
      Element typefind = ((org.freedesktop.gstreamer.Bin) parse).getElementByName("typefind");
      if (typefind == null) {
        throw new MissingElementException("typefind (inside parsebin)");
      }
      String[] typeFound = new String[1];
      GstNative.HaveType haveType =
          (tf, probability, caps, data) -> {
            // Streaming thread: record only.
            synchronized (typeFound) {
              typeFound[0] = GstNative.takeString(GstNative.Core.INSTANCE.gst_caps_to_string(caps));
            }
          };
      long haveTypeId =
          GstNative.GObject.INSTANCE.g_signal_connect_data(
              org.freedesktop.gstreamer.glib.Natives.getRawPointer(typefind), "have-type", haveType, null, null, 0);
      List<Element> sinks = Collections.synchronizedList(new ArrayList<>());
      List<Pad> pads = new ArrayList<>();
      Element.PAD_ADDED padAdded =
          (element, pad) -> {
            // Streaming thread: create and link a sink, record what the pad carries; nothing else.
            Caps caps = pad.getCurrentCaps();
            String capsText = caps == null ? "" : caps.toString();
            if (caps != null) {
              caps.dispose();
            }
            ScannedStream stream = new ScannedStream(streams.size(), capsText);
            streams.add(stream);
            // To the end: sinks that do not wait for preroll, so one demuxer thread feeding several
            // streams never blocks on a stream that has no data yet. To preroll: a queue per stream
            // (its own thread) so every sink can preroll whatever the interleaving.
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
            synchronized (sinks) {
              sinks.add(sink);
              if (queue != null) {
                sinks.add(queue);
              }
            }
            session.pipeline().add(sink);
            if (queue != null) {
              session.pipeline().add(queue);
              queue.link(sink);
              queue.syncStateWithParent();
            }
            sink.syncStateWithParent();
            Pad sinkPad = head.getStaticPad("sink");
            try {
              pad.link(sinkPad);
            } catch (PadLinkException e) {
              // leave it unlinked: the bus will carry the not-linked error
            } finally {
              sinkPad.dispose();
            }
            synchronized (pads) {
              pads.add(pad);
            }
            if (toEnd) {
              pad.addProbe(
                  PadProbeType.BUFFER,
                  (p, info) -> {
                    if (!stream.isVideo(p)) {
                      return PadProbeReturn.OK;
                    }
                    Buffer b = info.getBuffer();
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
      parse.connect(padAdded);
      session.onClose(
          () -> {
            parse.disconnect(padAdded);
            synchronized (sinks) {
              sinks.forEach(Element::dispose);
            }
          });
      BusOutcome outcome = toEnd ? session.play(timeout) : session.preroll(timeout);
      long duration = outcome.ok() ? session.durationNanos() : -1;
      String typeCaps;
      synchronized (typeFound) {
        typeCaps = typeFound[0];
      }
      session.onClose(
          () -> {
            GstNative.GObject.INSTANCE.g_signal_handler_disconnect(
                org.freedesktop.gstreamer.glib.Natives.getRawPointer(typefind), haveTypeId);
            java.lang.ref.Reference.reachabilityFence(haveType);
            typefind.dispose();
          });
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
}
