package dev.gstbeam.internal.gst;

import dev.gstbeam.internal.transcode.FramePairs;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.freedesktop.gstreamer.Element;
import org.freedesktop.gstreamer.Pad;
import org.freedesktop.gstreamer.PadProbeReturn;
import org.freedesktop.gstreamer.PadProbeType;
import org.freedesktop.gstreamer.elements.AppSink;

/**
 * Verification while the transcode runs, in the transcode's own pipeline: the frames fed to the video
 * encoder (the source decoded, deinterlaced, scaled and converted exactly as encoded) are compared with
 * the encoder's output decoded again, frame by frame ({@link FramePairs}). This replaces a second pass
 * that would decode the whole source again after the transcode, usually the most expensive part of
 * verifying (a 14 Mb/s H.264 source: 6.5 s of a 9.5 s comparison pass, against 15.6 s to transcode).
 *
 * <pre>
 * ... ! capsfilter ! tee ! queue ! encoder ! parser ! tee ! queue ! muxer ! filesink
 *                     |                               `-- queue ! decoder ! videoconvert ! I420 ! appsink
 *                     `-- queue ! videoconvert ! I420 ! appsink
 * </pre>
 *
 * Every sink of that pipeline is set not to preroll (the muxer's filesink too, by the transcoder), so no
 * branch waits for another before the pipeline plays. The written file is still decoded afterwards,
 * alone and without scaling, for its frame count: what the muxer kept is what players show.
 */
public final class EncodeCheck {
  /** The most frames held while the decoded side trails the encoder: past this, the check gives up. */
  static long maxBacklogBytes() {
    return Math.min(256L << 20, Runtime.getRuntime().maxMemory() / 8);
  }

  /**
   * Frames of the written output compared afterwards with the source decoded on its own: if this
   * pipeline's decode of the source differs from an independent one, the comparison made while
   * encoding would not see it (a crop or conversion that differs between pipelines).
   */
  public static final int SPOT_FRAMES = 50;

  private final int width;
  private final int height;
  private final FramePairs pairs;
  private final AtomicLong sourceFrames = new AtomicLong();

  EncodeCheck(int width, int height) {
    if (width % 2 != 0 || height % 2 != 0) {
      throw new IllegalArgumentException("I420 comparison needs even sizes: " + width + "x" + height);
    }
    this.width = width;
    this.height = height;
    this.pairs = new FramePairs(width * height * 3 / 2, maxBacklogBytes(), SPOT_FRAMES);
  }

  /** Caps of the profile's encoded video, to find a decoder for: our constants. */
  static String encodedCaps(String codec) {
    String caps = dev.gstbeam.internal.transcode.StreamCopy.videoCaps(codec);
    // Without alpha: vp9alphadecodebin ranks above vp9dec and takes only streams with an alpha plane.
    return codec.equals("vp9") ? caps + ",codec-alpha=(boolean)false" : caps;
  }

  /** What the check saw: the source's decoded frames, and the encoder's input against its output. */
  public record Result(long sourceFrames, FramePairs.Result pairs) {}

  public Result result() {
    return new Result(sourceFrames.get(), pairs.result());
  }

  /** Counts the decoded source frames that enter the video chain at {@code pad}. */
  void countSourceFrames(Pad pad) {
    pad.addProbe(PadProbeType.BUFFER, (p, info) -> {
      sourceFrames.incrementAndGet();
      return PadProbeReturn.OK;
    });
  }

  /** queue ! videoconvert ! I420 at the output size ! appsink: the encoder's input, as the reference. */
  List<Element> referenceBranch(List<Element> owned) {
    List<Element> branch = new ArrayList<>();
    branch.add(Transcoder.make("queue", owned));
    branch.addAll(toAppSink(true, owned));
    return branch;
  }

  /**
   * queue ! decoder ! videoconvert ! I420 ! appsink: the encoder's output decoded again. The decoder is
   * the one decodebin would choose for {@code encodedCaps}, made directly: a decodebin on a tee branch
   * of a running encoder deadlocks in GStreamer 1.22 (its typefind never lets the first buffer through).
   */
  List<Element> decodedBranch(String encodedCaps, List<Element> owned) {
    String decoder = ElementRegistry.get().decoderFor(encodedCaps)
        .orElseThrow(() -> new MissingElementException("a decoder for " + encodedCaps));
    List<Element> branch = new ArrayList<>();
    branch.add(Transcoder.make("queue", owned));
    branch.add(Transcoder.make(decoder, owned));
    branch.addAll(toAppSink(false, owned));
    return branch;
  }

  /**
   * videoconvert ! I420 ! appsink, the appsink not prerolling (async=false). A sink that prerolls holds
   * its first frame until the whole pipeline plays, which can stop the tee feeding the encoder before
   * the encoder's look-ahead is full: the same topology in gst-launch-1.0 with prerolling sinks stalls
   * at x264's "slower" preset (854x480) and runs with async=false.
   */
  private List<Element> toAppSink(boolean reference, List<Element> owned) {
    Element convert = Transcoder.make("videoconvert", owned);
    Element filter = Transcoder.make("capsfilter", owned);
    // Our own numbers only: no user data in caps text.
    Transcoder.setArg(filter, "caps", "video/x-raw,format=I420,width=" + width + ",height=" + height);
    AppSink sink = (AppSink) Transcoder.make("appsink", owned);
    sink.set("async", false);
    sink.set("enable-last-sample", false);
    FrameComparison.deliverI420(sink, width, height, pairs::buffer, frame -> {
      if (reference) {
        pairs.reference(frame);
      } else {
        pairs.decoded(frame);
      }
      return true;
    });
    return List.of(convert, filter, sink);
  }
}
