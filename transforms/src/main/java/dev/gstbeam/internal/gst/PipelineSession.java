package dev.gstbeam.internal.gst;

import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;
import dev.gstbeam.internal.probe.GstStructureText;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.freedesktop.gstreamer.Element;
import org.freedesktop.gstreamer.ElementFactory;
import org.freedesktop.gstreamer.Format;
import org.freedesktop.gstreamer.Pipeline;
import org.freedesktop.gstreamer.State;
import org.freedesktop.gstreamer.glib.Natives;
import org.freedesktop.gstreamer.lowlevel.GstMessagePtr;
import org.freedesktop.gstreamer.message.MessageType;

/**
 * One GStreamer pipeline, built from element factories (never from a description string), run to
 * preroll or end of stream under a watchdog, and torn down on {@link #close()}: state NULL, listeners
 * removed, every native object disposed in reverse order of creation.
 *
 * <p>The bus is read synchronously on the caller's thread ({@code gst_bus_timed_pop_filtered}), so
 * results come back typed to the thread that asked, and the deadline is the wait itself. Callbacks that
 * GStreamer runs on streaming threads (pad-added, probes) must only record what they see.
 */
public final class PipelineSession implements AutoCloseable {
  private static final int WATCHED =
      MessageType.EOS.intValue()
          | MessageType.ERROR.intValue()
          | MessageType.WARNING.intValue()
          | MessageType.TAG.intValue()
          | MessageType.TOC.intValue()
          | MessageType.ASYNC_DONE.intValue();

  private final Pipeline pipeline;
  private final Pointer bus;
  private final Deque<Element> elements = new ArrayDeque<>();
  private final Deque<Runnable> cleanups = new ArrayDeque<>();
  private boolean closed;

  private PipelineSession(Pipeline pipeline) {
    this.pipeline = pipeline;
    // gst1-java-core installs a sync handler that hands every message to its own service thread and
    // drops it from the queue. This session reads its bus itself, on the caller's thread.
    this.bus = GstNative.Core.INSTANCE.gst_pipeline_get_bus(Natives.getRawPointer(pipeline));
    GstNative.Core.INSTANCE.gst_bus_set_sync_handler(bus, null, null, null);
  }

  public static PipelineSession create(String name) {
    GstRuntime.ensureInitialized();
    return new PipelineSession(new Pipeline(name));
  }

  /** Creates an element, adds it to the pipeline and owns it. */
  public Element add(String factory) {
    Element e = ElementFactory.make(factory, null);
    if (e == null) {
      throw new MissingElementException(factory);
    }
    elements.push(e);
    pipeline.add(e);
    return e;
  }

  /** Runs {@code cleanup} on close, before the elements are disposed (signal and probe removal). */
  public void onClose(Runnable cleanup) {
    cleanups.push(cleanup);
  }

  public Pipeline pipeline() {
    return pipeline;
  }

  /** Sets PAUSED and waits for preroll (ASYNC_DONE), an error or the deadline. */
  public BusOutcome preroll(Duration timeout) {
    pipeline.setState(State.PAUSED);
    return await(timeout, false, null, null);
  }

  /** Sets PLAYING and waits for end of stream, an error or the deadline. */
  public BusOutcome play(Duration timeout) {
    pipeline.setState(State.PLAYING);
    return await(timeout, true, null, null);
  }

  /**
   * As {@link #play(Duration)}, and also ends with {@link BusOutcome.End#TIMEOUT} when the pipeline's
   * position has not advanced for {@code stall}: a demuxer waiting forever on a damaged file is caught
   * long before a deadline scaled to the (claimed) media duration.
   */
  public BusOutcome play(Duration timeout, Duration stall) {
    pipeline.setState(State.PLAYING);
    return await(timeout, true, stall, null);
  }

  /**
   * As {@link #play(Duration, Duration)}, and also ends with {@link BusOutcome.End#ENOUGH} as soon as
   * {@code enough} is true (checked at least every 100 ms): for a caller that needs only the start of
   * the stream. The pipeline is left running until {@link #close()}.
   */
  public BusOutcome play(Duration timeout, Duration stall, java.util.function.BooleanSupplier enough) {
    pipeline.setState(State.PLAYING);
    return await(timeout, true, stall, enough);
  }

  /** Duration in nanoseconds as the pipeline reports it, or -1. */
  public long durationNanos() {
    return pipeline.queryDuration(Format.TIME);
  }

  private BusOutcome await(Duration timeout, boolean untilEos, Duration stall, java.util.function.BooleanSupplier enough) {
    GstNative.Core core = GstNative.Core.INSTANCE;
    long deadline = System.nanoTime() + timeout.toNanos();
    long lastPosition = Long.MIN_VALUE;
    long lastProgress = System.nanoTime();
    List<String> warnings = new ArrayList<>();
    List<GstStructureText> tags = new ArrayList<>();
    boolean toc = false;
    while (true) {
      long remaining = deadline - System.nanoTime();
      if (remaining <= 0) {
        return new BusOutcome(BusOutcome.End.TIMEOUT, null, null, warnings, tags, toc);
      }
      if (enough != null) {
        if (enough.getAsBoolean()) {
          return new BusOutcome(BusOutcome.End.ENOUGH, null, null, warnings, tags, toc);
        }
        remaining = Math.min(remaining, 100_000_000L);
      }
      if (stall != null) {
        long now = System.nanoTime();
        long position = pipeline.queryPosition(Format.TIME);
        if (position != lastPosition) {
          lastPosition = position;
          lastProgress = now;
        } else if (now - lastProgress > stall.toNanos()) {
          return new BusOutcome(BusOutcome.End.TIMEOUT, null, "stalled", warnings, tags, toc);
        }
        remaining = Math.min(remaining, enough != null ? 100_000_000L : 1_000_000_000L);
      }
      Pointer msg = core.gst_bus_timed_pop_filtered(bus, remaining, WATCHED);
      if (msg == null) {
        continue; // timed out: the loop checks the deadline
      }
      try {
        int type = new GstMessagePtr(msg).getMessageType();
        if (type == MessageType.ERROR.intValue()) {
          PointerByReference err = new PointerByReference();
          PointerByReference debug = new PointerByReference();
          core.gst_message_parse_error(msg, err, debug);
          GstNative.takeString(debug.getValue());
          return new BusOutcome(
              BusOutcome.End.ERROR, NativeError.take(err.getValue()), sourceName(msg), warnings, tags, toc);
        } else if (type == MessageType.WARNING.intValue()) {
          PointerByReference err = new PointerByReference();
          PointerByReference debug = new PointerByReference();
          core.gst_message_parse_warning(msg, err, debug);
          GstNative.takeString(debug.getValue());
          NativeError w = NativeError.take(err.getValue());
          if (w != null && warnings.size() < 20) {
            warnings.add(w.message());
          }
        } else if (type == MessageType.TAG.intValue()) {
          PointerByReference list = new PointerByReference();
          core.gst_message_parse_tag(msg, list);
          if (list.getValue() != null) {
            try {
              String s = GstNative.takeString(core.gst_tag_list_to_string(list.getValue()));
              if (s != null && tags.size() < 64) {
                tags.add(GstStructureText.parse(s));
              }
            } finally {
              core.gst_mini_object_unref(list.getValue());
            }
          }
        } else if (type == MessageType.TOC.intValue()) {
          toc = true;
        } else if (type == MessageType.EOS.intValue()) {
          return new BusOutcome(BusOutcome.End.EOS, null, null, warnings, tags, toc);
        } else if (type == MessageType.ASYNC_DONE.intValue() && !untilEos) {
          return new BusOutcome(BusOutcome.End.PREROLLED, null, null, warnings, tags, toc);
        }
      } finally {
        core.gst_mini_object_unref(msg);
      }
    }
  }

  private static String sourceName(Pointer msg) {
    Pointer src = new GstMessagePtr(msg).getSource() == null ? null : new GstMessagePtr(msg).getSource().getPointer();
    return src == null ? null : GstNative.takeString(GstNative.Core.INSTANCE.gst_object_get_name(src));
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    pipeline.setState(State.NULL);
    pipeline.getState(TimeUnit.SECONDS.toNanos(5));
    while (!cleanups.isEmpty()) {
      cleanups.pop().run();
    }
    // The pipeline owns its children's native references; drop our Java proxies first, then the pipeline.
    while (!elements.isEmpty()) {
      elements.pop().dispose();
    }
    pipeline.dispose();
    GstNative.Core.INSTANCE.gst_object_unref(bus);
  }
}
