package dev.gstbeam.internal.gst;

import dev.gstbeam.FailureReason;
import dev.gstbeam.internal.probe.GstStructureText;
import dev.gstbeam.internal.transcode.Psnr;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.freedesktop.gstreamer.Buffer;
import org.freedesktop.gstreamer.Element;
import org.freedesktop.gstreamer.ElementFactory;
import org.freedesktop.gstreamer.FlowReturn;
import org.freedesktop.gstreamer.Pad;
import org.freedesktop.gstreamer.PadLinkException;
import org.freedesktop.gstreamer.Sample;
import org.freedesktop.gstreamer.elements.AppSink;

/**
 * Decodes a source and its transcoded output side by side in one pipeline and compares them frame by
 * frame: both decoded to I420 at the output's size (the source deinterlaced as the transcoder does),
 * pulled from two appsinks, paired by index on a comparing thread. Gives both frame counts and the
 * PSNR (mean and worst frame, {@link Psnr}). Only the first video stream of each file is decoded.
 */
public final class FrameComparison {
  private FrameComparison() {}

  /** What the comparison found. */
  public record Result(
      boolean ok, FailureReason reason, String message, long sourceFrames, long outputFrames,
      double psnrMean, double psnrMin, java.util.Map<Long, Double> framePsnr) {

    public Result(boolean ok, FailureReason reason, String message, long sourceFrames, long outputFrames,
        double psnrMean, double psnrMin) {
      this(ok, reason, message, sourceFrames, outputFrames, psnrMean, psnrMin, java.util.Map.of());
    }
  }

  private static final byte[] END = new byte[0];

  /** Compares the video of {@code source} and {@code output} at {@code width}x{@code height}. */
  public static Result compare(Path source, Path output, int width, int height, Duration timeout) {
    return compare(source, output, width, height, timeout, new long[0]);
  }

  /**
   * As {@link #compare(Path, Path, int, int, Duration)}, and also gives the PSNR of the frames with these
   * indexes (from 0, presentation order): the frames on each side of a segment boundary.
   */
  public static Result compare(Path source, Path output, int width, int height, Duration timeout, long[] watch) {
    return compare(source, output, width, height, timeout, watch, Long.MAX_VALUE, 0);
  }

  /**
   * As {@link #compare(Path, Path, int, int, Duration)}, the source converted to {@code frameRate}
   * frames per second first (videorate, as the transcoder does for a profile with a fixed frame rate;
   * 0 keeps its timing): the result's source count is then the frames at that rate.
   */
  public static Result compare(Path source, Path output, int width, int height, Duration timeout, int frameRate) {
    return compare(source, output, width, height, timeout, new long[0], Long.MAX_VALUE, frameRate);
  }

  /**
   * Compares only the first {@code maxPairs} frames (fewer if a file has fewer) and stops there: the
   * result's counts are the frames read so far, its PSNR that of those pairs.
   */
  public static Result compareFirst(Path source, Path output, int width, int height, Duration timeout, long maxPairs) {
    return compare(source, output, width, height, timeout, new long[0], maxPairs, 0);
  }

  private static Result compare(Path source, Path output, int width, int height, Duration timeout, long[] watch,
      long maxPairs, int frameRate) {
    AtomicBoolean enough = new AtomicBoolean();
    java.util.Set<Long> watched = new java.util.HashSet<>();
    for (long w : watch) {
      watched.add(w);
    }
    java.util.Map<Long, Double> framePsnr = new java.util.concurrent.ConcurrentSkipListMap<>();
    if (width % 2 != 0 || height % 2 != 0) {
      throw new IllegalArgumentException("I420 comparison needs even sizes: " + width + "x" + height);
    }
    BlockingQueue<byte[]> fromSource = new ArrayBlockingQueue<>(8);
    BlockingQueue<byte[]> fromOutput = new ArrayBlockingQueue<>(8);
    AtomicBoolean stop = new AtomicBoolean();
    java.util.concurrent.atomic.AtomicReference<String> missing = new java.util.concurrent.atomic.AtomicReference<>();
    List<Element> owned = Collections.synchronizedList(new ArrayList<>());
    Psnr psnr = new Psnr();
    long[] counts = new long[2];
    int frameBytes = width * height * 3 / 2;

    Thread comparer = new Thread(() -> {
      byte[] a = null;
      byte[] b = null;
      boolean aDone = false;
      boolean bDone = false;
      try {
        while (!stop.get() && !(aDone && bDone)) {
          if (!aDone && a == null) {
            a = fromSource.poll(100, TimeUnit.MILLISECONDS);
            if (a == END) {
              aDone = true;
              a = null;
            } else if (a != null) {
              counts[0]++;
            }
          }
          if (!bDone && b == null) {
            b = fromOutput.poll(100, TimeUnit.MILLISECONDS);
            if (b == END) {
              bDone = true;
              b = null;
            } else if (b != null) {
              counts[1]++;
            }
          }
          if (a != null && b != null) {
            long sq = Psnr.squaredErrors(a, b, frameBytes);
            long index = counts[1] - 1;
            synchronized (psnr) {
              psnr.add(sq, frameBytes);
            }
            if (watched.contains(index)) {
              framePsnr.put(index, Psnr.ofFrame(sq, frameBytes));
            }
            a = null;
            b = null;
            if (index + 1 >= maxPairs) {
              enough.set(true);
              return;
            }
          } else if (aDone && b != null) {
            b = null; // output has more frames than the source: counted, not compared
          } else if (bDone && a != null) {
            a = null;
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "gstbeam-frame-compare");

    try (PipelineSession session = PipelineSession.create("compare")) {
      branch(session, source, true, frameRate, width, height, fromSource, stop, owned,
          () -> missing.compareAndSet(null, "no video stream decodes in the source"));
      branch(session, output, false, 0, width, height, fromOutput, stop, owned,
          () -> missing.compareAndSet(null, "no video stream decodes in the output"));
      session.onClose(() -> {
        synchronized (owned) {
          owned.forEach(Element::dispose);
        }
      });
      comparer.start();
      // Ends early when enough pairs were compared, or when a file turns out to have no video stream
      // (its appsink would never preroll, and the pipeline would wait for the stall watchdog).
      BusOutcome bus = session.play(timeout, Transcoder.STALL, () -> enough.get() || missing.get() != null);
      if (missing.get() != null) {
        stop.set(true);
        joinQuietly(comparer);
        return new Result(false, FailureReason.CORRUPT, missing.get(), counts[0], counts[1], Double.NaN, Double.NaN);
      }
      if (bus.end() == BusOutcome.End.ENOUGH) {
        stop.set(true); // the appsinks stop waiting for room; close() tears the pipeline down
        joinQuietly(comparer);
        synchronized (psnr) {
          return new Result(true, null, null, counts[0], counts[1], psnr.mean(), psnr.min());
        }
      }
      if (bus.end() != BusOutcome.End.EOS) {
        stop.set(true);
        joinQuietly(comparer);
        if (bus.end() == BusOutcome.End.TIMEOUT) {
          return new Result(false, FailureReason.TIMEOUT, "stalled".equals(bus.errorSource())
              ? "comparison made no progress for " + Transcoder.STALL.toSeconds() + " s"
              : "comparison did not finish within " + timeout.toSeconds() + " s",
              counts[0], counts[1], Double.NaN, Double.NaN);
        }
        NativeError err = bus.error();
        return new Result(false, err == null ? FailureReason.CORRUPT : err.reason(),
            err == null ? "pipeline error" : err.message(), counts[0], counts[1], Double.NaN, Double.NaN);
      }
      // Both appsinks saw EOS and queued END: the comparer drains and stops.
      comparer.join(timeout.toMillis());
      stop.set(true);
      joinQuietly(comparer);
      synchronized (psnr) {
        return new Result(true, null, null, counts[0], counts[1], psnr.mean(), psnr.min(), java.util.Map.copyOf(framePsnr));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      stop.set(true);
      return new Result(false, FailureReason.INTERNAL, "interrupted", counts[0], counts[1], Double.NaN, Double.NaN);
    }
  }

  /**
   * Decodes the first video stream of {@code file} to the end and counts its frames as a player shows
   * them (within the stream's segment: an edit list that cuts a frame off is seen). No conversion, no
   * scaling. The result's {@code outputFrames} is the count; no PSNR.
   */
  public static Result countFrames(Path file, Duration timeout) {
    AtomicLong frames = new AtomicLong();
    try (PipelineSession session = PipelineSession.create("count")) {
      Element src = session.add("filesrc");
      src.set("location", file.toString());
      Element decode = session.add("decodebin");
      Transcoder.setArg(decode, "caps", "video/x-raw(ANY)");
      decode.set("expose-all-streams", false);
      src.link(decode);
      AppSink sink = (AppSink) session.add("appsink");
      sink.set("sync", false);
      sink.set("max-buffers", 4);
      sink.set("enable-last-sample", false);
      sink.set("emit-signals", true);
      sink.connect((AppSink.NEW_SAMPLE) s -> {
        Sample sample = s.pullSample();
        if (sample == null) {
          return FlowReturn.EOS;
        }
        sample.dispose();
        frames.incrementAndGet();
        return FlowReturn.OK;
      });
      boolean[] linked = new boolean[1];
      Element.PAD_ADDED onPad = (element, pad) -> {
        synchronized (linked) {
          if (linked[0] || !Pads.caps(pad).name().equals("video/x-raw")) {
            return;
          }
          linked[0] = true;
        }
        try {
          pad.link(sink.getStaticPad("sink"));
        } catch (PadLinkException e) {
          // not-linked shows on the bus
        }
      };
      decode.connect(onPad);
      session.onClose(() -> decode.disconnect(onPad));
      BusOutcome bus = session.play(timeout, Transcoder.STALL);
      if (bus.end() == BusOutcome.End.EOS) {
        return new Result(true, null, null, 0, frames.get(), Double.NaN, Double.NaN);
      }
      if (bus.end() == BusOutcome.End.TIMEOUT) {
        return new Result(false, FailureReason.TIMEOUT, "decoding did not finish within " + timeout.toSeconds() + " s",
            0, frames.get(), Double.NaN, Double.NaN);
      }
      NativeError err = bus.error();
      return new Result(false, err == null ? FailureReason.CORRUPT : err.reason(),
          err == null ? "pipeline error" : err.message(), 0, frames.get(), Double.NaN, Double.NaN);
    }
  }

  private static void joinQuietly(Thread t) {
    try {
      t.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * filesrc ! parsebin ─(first video stream)─ decodebin ! queue ! videoconvert [! deinterlace] !
   * videoscale ! caps ! appsink. Only the first video stream is decoded: a stream nothing here decodes
   * (PGS or VobSub subpictures) is left unlinked instead of failing the comparison.
   */
  private static void branch(PipelineSession session, Path file, boolean deinterlace, int frameRate, int width,
      int height, BlockingQueue<byte[]> frames, AtomicBoolean stop, List<Element> owned, Runnable noVideo) {
    Element src = session.add("filesrc");
    src.set("location", file.toString());
    Element parse = session.add("parsebin");
    src.link(parse);

    AppSink sink = (AppSink) session.add("appsink");
    Transcoder.setArg(sink, "caps", "video/x-raw,format=I420,width=" + width + ",height=" + height);
    int frameBytes = width * height * 3 / 2;
    deliverI420(sink, width, height, () -> new byte[frameBytes], frame -> offer(frames, frame, stop));
    sink.connect((AppSink.EOS) s -> offer(frames, END, stop));

    boolean[] linked = new boolean[1];
    Element.PAD_ADDED onPad = (element, pad) -> {
      GstStructureText c = GstStructureText.parse(Pads.currentCapsText(pad));
      synchronized (linked) {
        if (!c.name().equals("video/x-raw") || linked[0]) {
          return;
        }
        linked[0] = true;
      }
      String mode = c.string("interlace-mode");
      List<Element> chain = new ArrayList<>();
      chain.add(make("queue", owned));
      chain.add(make("videoconvert", owned));
      if (deinterlace && mode != null && !mode.equals("progressive")) {
        Element d = make("deinterlace", owned);
        Transcoder.setArg(d, "fields", "top");
        chain.add(d);
      }
      chain.add(make("videoscale", owned));
      if (frameRate > 0) {
        chain.add(make("videorate", owned));
        Element rate = make("capsfilter", owned);
        Transcoder.setArg(rate, "caps", "video/x-raw,framerate=" + frameRate + "/1"); // a number, no user data
        chain.add(rate);
      }
      chain.add(make("videoconvert", owned));
      for (Element e : chain) {
        session.pipeline().add(e);
      }
      for (int i = 0; i + 1 < chain.size(); i++) {
        chain.get(i).link(chain.get(i + 1));
      }
      chain.get(chain.size() - 1).link(sink);
      for (int i = chain.size() - 1; i >= 0; i--) {
        chain.get(i).syncStateWithParent();
      }
      try {
        pad.link(chain.get(0).getStaticPad("sink"));
      } catch (PadLinkException e) {
        // not-linked shows on the bus
      }
    };
    Pads.decodeFirstVideo(session, parse, onPad, noVideo, owned);
  }

  private static boolean offer(BlockingQueue<byte[]> q, byte[] frame, AtomicBoolean stop) {
    try {
      while (!stop.get()) {
        if (q.offer(frame, 100, TimeUnit.MILLISECONDS)) {
          return true;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return false;
  }

  /**
   * Makes {@code sink} (negotiated to I420 at {@code width}x{@code height}) copy each frame it gets,
   * visible samples only, into an array from {@code arrays} and hand it to {@code frames}; when that
   * returns false the stream stops (FLUSHING). Sets sync off, at most 4 queued buffers, signals on.
   */
  static void deliverI420(AppSink sink, int width, int height, java.util.function.Supplier<byte[]> arrays,
      java.util.function.Predicate<byte[]> frames) {
    int[] layout = i420Layout(width, height);
    sink.set("sync", false);
    sink.set("max-buffers", 4);
    sink.set("emit-signals", true);
    sink.connect((AppSink.NEW_SAMPLE) s -> {
      Sample sample = s.pullSample();
      if (sample == null) {
        return FlowReturn.EOS;
      }
      try {
        Buffer buffer = sample.getBuffer();
        ByteBuffer data = buffer.map(false);
        try {
          if (!frames.test(copyI420(data, width, height, layout, arrays.get()))) {
            return FlowReturn.FLUSHING;
          }
        } finally {
          buffer.unmap();
        }
      } finally {
        sample.dispose();
      }
      return FlowReturn.OK;
    });
  }

  /** GStreamer's default I420 layout: {Y stride, UV stride, U offset, V offset}. */
  static int[] i420Layout(int width, int height) {
    int yStride = (width + 3) & ~3;
    int uvStride = (((width + 1) / 2) + 3) & ~3;
    int uOffset = yStride * ((height + 1) & ~1);
    int vOffset = uOffset + uvStride * (((height + 1) & ~1) / 2);
    return new int[] {yStride, uvStride, uOffset, vOffset};
  }

  /** Copies the visible samples of an I420 frame into one tight array (Y, then U, then V). */
  static byte[] copyI420(ByteBuffer data, int width, int height, int[] layout, byte[] out) {
    int o = 0;
    for (int y = 0; y < height; y++) {
      data.get(y * layout[0], out, o, width);
      o += width;
    }
    int cw = width / 2;
    int ch = height / 2;
    for (int plane = 0; plane < 2; plane++) {
      int base = layout[2 + plane];
      for (int y = 0; y < ch; y++) {
        data.get(base + y * layout[1], out, o, cw);
        o += cw;
      }
    }
    return out;
  }

  private static Element make(String factory, List<Element> owned) {
    Element e = ElementFactory.make(factory, null);
    if (e == null) {
      throw new MissingElementException(factory);
    }
    owned.add(e);
    return e;
  }
}
