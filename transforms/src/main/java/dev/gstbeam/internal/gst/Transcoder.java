package dev.gstbeam.internal.gst;

import dev.gstbeam.gpu.GpuSlots;
import dev.gstbeam.FailureReason;
import dev.gstbeam.internal.probe.GstStructureText;
import dev.gstbeam.internal.segment.Mp4Colour;
import dev.gstbeam.internal.transcode.Colorimetry;
import dev.gstbeam.internal.transcode.EncoderSettings;
import dev.gstbeam.internal.transcode.OutputGeometry;
import dev.gstbeam.internal.transcode.Profile;
import dev.gstbeam.internal.transcode.StreamCopy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.freedesktop.gstreamer.Element;
import org.freedesktop.gstreamer.ElementFactory;
import org.freedesktop.gstreamer.Pad;
import org.freedesktop.gstreamer.PadLinkException;
import org.freedesktop.gstreamer.glib.Natives;

/**
 * Transcodes one local file to one local file with a {@link Profile}, all elements made by factory:
 *
 * <pre>
 * filesrc ! decodebin
 *   video: queue ! videoconvert [! deinterlace fields=top] ! videoscale [! videorate]
 *          ! capsfilter(format, size, square pixels) ! encoder ! parser ! muxer
 *   audio: queue ! audioconvert ! audioresample ! capsfilter(channels) ! encoder ! muxer
 * muxer ! filesink
 * </pre>
 *
 * The first video and the first audio stream are kept; other streams (more audio tracks, subtitles,
 * data) end in a fakesink and are listed in the result's notes. Deinterlacing keeps one frame per
 * source frame (top fields), so frame counts compare one to one. Orientation tags pass through
 * decodebin to the muxer, which writes them as the track's display matrix: rotation is kept as
 * metadata, pixels are not turned.
 */
public final class Transcoder {
  private Transcoder() {}

  /** decodebin's default stop caps in GStreamer 1.22 (gst-inspect-1.0 decodebin). */
  static final String DECODEBIN_DEFAULT_CAPS = "video/x-raw(ANY); audio/x-raw(ANY); text/x-raw(ANY); subpicture/x-dvd;"
      + " subpicture/x-dvb; subpicture/x-xsub; subpicture/x-pgs; closedcaption/x-cea-608; closedcaption/x-cea-708;"
      + " application/x-onvif-metadata";

  /** A transcode whose position does not advance for this long is stuck (a damaged input). */
  static final Duration STALL = Duration.ofSeconds(30);

  /** How a transcode ended. */
  public record Outcome(
      boolean ok,
      FailureReason reason,
      String message,
      String videoEncoder,
      OutputGeometry geometry,
      boolean video,
      boolean audio,
      List<String> notes,
      String encoderFallbackReason,
      boolean videoCopied,
      EncodeCheck.Result check,
      int textTracks) {}

  /**
   * Transcodes {@code source} into {@code target} (which the caller names, a temporary path) within
   * {@code timeout}. {@code threads}: encoder threads (the slot's share of the machine).
   */
  public static Outcome transcode(Path source, Path target, Profile profile, Duration timeout, int threads) {
    return transcode(source, target, profile, timeout, threads, StreamCopy.Decision.NONE);
  }

  /**
   * As {@link #transcode(Path, Path, Profile, Duration, int)}, copying the video when {@code copy} says so
   * (decodebin stops at its encoded caps; it goes through its parser to the muxer).
   */
  public static Outcome transcode(Path source, Path target, Profile profile, Duration timeout, int threads,
      StreamCopy.Decision copy) {
    return transcode(source, target, profile, timeout, threads, copy, false);
  }

  /**
   * As {@link #transcode(Path, Path, Profile, Duration, int, StreamCopy.Decision)}; with {@code check}, an
   * encoded video stream is also decoded again in the same pipeline and compared with the encoder's
   * input ({@link EncodeCheck}), and the outcome carries what that found.
   */
  public static Outcome transcode(Path source, Path target, Profile profile, Duration timeout, int threads,
      StreamCopy.Decision copy, boolean check) {
    return transcode(source, target, profile, timeout, threads, copy, check, List.of());
  }

  /**
   * As {@link #transcode(Path, Path, Profile, Duration, int, StreamCopy.Decision, boolean)}, and the text
   * subtitle tracks {@code text} (read before, {@link TextSubtitles#read}) are written too, when the
   * profile's container carries text ({@link EncoderSettings#carriesTextSubtitles}); the outcome counts the tracks written.
   */
  public static Outcome transcode(Path source, Path target, Profile profile, Duration timeout, int threads,
      StreamCopy.Decision copy, boolean check, List<TextSubtitles.Track> text) {
    GpuSlots.Offer gpu;
    if (copy.video()) {
      // No video encoder: no GPU session to hold.
      return transcode(source, target, profile, timeout, threads, new GpuSlots.Offer(null, null), copy, false, text);
    }
    try {
      gpu = GpuSlots.offer(0); // a whole file may fall back to software when every session is taken
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return failed(FailureReason.TIMEOUT, "interrupted");
    }
    try (GpuSlots.Lease lease = gpu.lease()) {
      return transcode(source, target, profile, timeout, threads, gpu, copy, check, text);
    }
  }

  private static Outcome transcode(Path source, Path target, Profile profile, Duration timeout, int threads,
      GpuSlots.Offer gpu, StreamCopy.Decision copy, boolean check, List<TextSubtitles.Track> text) {
    ElementRegistry registry = ElementRegistry.get();
    EncoderSettings.ElementSpec videoSpec;
    EncoderSettings.ElementSpec audioSpec;
    String fallback;
    try {
      EncoderSettings.VideoChoice choice =
          EncoderSettings.chooseVideoEncoder(profile, threads, registry::hasElement, gpu.device(), gpu.refusal());
      videoSpec = choice.spec();
      fallback = choice.fallbackReason();
      audioSpec = EncoderSettings.audioEncoder(profile, registry::hasElement);
    } catch (IllegalStateException e) {
      return failed(FailureReason.MISSING_PLUGIN, e.getMessage());
    }
    List<String> notes = Collections.synchronizedList(new ArrayList<>());
    AtomicReference<OutputGeometry> geometry = new AtomicReference<>();
    AtomicReference<String> linkError = new AtomicReference<>();
    boolean[] have = new boolean[2]; // video, audio
    boolean[] copied = new boolean[1]; // the video went through as it was
    AtomicReference<EncodeCheck> encodeCheck = new AtomicReference<>();
    List<Element> owned = Collections.synchronizedList(new ArrayList<>());

    Boolean sourceFullRange = Mp4Colour.fullRange(source);
    int[] statedAspect = dev.gstbeam.internal.segment.Mp4PixelAspect.of(source);
    boolean retimeAudio = dev.gstbeam.internal.transcode.RawAudio.isWave(source);
    try (PipelineSession session = PipelineSession.create("transcode")) {
      Element src = session.add("filesrc");
      src.set("location", source.toString());
      Element decode = session.add("decodebin");
      String copiedVideo = copy.video() ? StreamCopy.videoCaps(profile.videoCodec()) : null;
      if (copiedVideo != null) {
        // decodebin's default caps (GStreamer 1.22) plus the copied codec's, all our constants: that pad
        // comes out encoded. (Not read from the property: caps are shared objects, and gst1-java-core's
        // cached wrappers for them are not safe across threads, see Pads.currentCapsText.)
        setArg(decode, "caps", DECODEBIN_DEFAULT_CAPS + "; " + copiedVideo);
      }
      EncoderSettings.ElementSpec muxSpec = EncoderSettings.muxer(profile);
      Element mux = session.add(muxSpec.factory());
      apply(mux, muxSpec.properties());
      Element sink = session.add("filesink");
      sink.set("location", target.toString());
      if (check) {
        sink.set("async", false); // see EncodeCheck: no sink of this pipeline waits for preroll
      }
      if (!src.link(decode) || !mux.link(sink)) {
        return failed(FailureReason.INTERNAL, "cannot link filesrc/decodebin or muxer/filesink");
      }
      List<TextSubtitles.Track> written = EncoderSettings.carriesTextSubtitles(profile)
          ? text.stream().filter(t -> !t.cues().isEmpty()).toList() : List.of();
      int[] textPads = {written.size()}; // decodebin's own text pads: these tracks, written from memory instead
      java.util.concurrent.atomic.AtomicInteger fed = new java.util.concurrent.atomic.AtomicInteger();
      Element.PAD_ADDED onPad = (element, pad) -> {
        GstStructureText c = GstStructureText.parse(Pads.currentCapsText(pad));
        try {
          synchronized (have) {
            if (c.name().equals("video/x-raw") && !have[0]) {
              have[0] = true;
              geometry.set(videoChain(session, pad, c, profile, videoSpec, mux, owned, check ? encodeCheck : null,
                  sourceFullRange, statedAspect));
              return;
            }
            if (c.name().equals("audio/x-raw") && !have[1]) {
              have[1] = true;
              audioChain(session, pad, c, profile, audioSpec, mux, owned, retimeAudio);
              return;
            }
            if (c.name().equals(copiedVideo) && !have[0]) {
              have[0] = true;
              copied[0] = true;
              geometry.set(new OutputGeometry(copy.width(), copy.height()));
              attach(session, pad, List.of(make("queue", owned), make(EncoderSettings.videoParser(profile), owned)), mux);
              return;
            }
          }
          if (c.name().equals("text/x-raw") && textPads[0] > 0) {
            textPads[0]--; // written from memory (TextSubtitles), not through decodebin
          } else {
            notes.add("dropped stream " + c.name());
          }
          discard(session, pad, owned);
        } catch (RuntimeException e) {
          linkError.compareAndSet(null, e.getMessage());
          discard(session, pad, owned);
        }
      };
      decode.connect(onPad);
      // The subtitle tracks join the muxer once decodebin has exposed every stream, before any data
      // flows (decodebin unblocks its pads after no-more-pads): matroskamux writes its header when every
      // pad it has holds data, and a subtitle pad fed from memory would otherwise be alone there.
      java.util.concurrent.atomic.AtomicBoolean textFed = new java.util.concurrent.atomic.AtomicBoolean();
      Element.NO_MORE_PADS onAllPads = element -> {
        if (!textFed.compareAndSet(false, true)) {
          return; // once: a chained stream (a new group) emits it again
        }
        for (TextSubtitles.Track track : written) {
          try {
            if (!TextSubtitles.feed(session, mux, track, profile.container(), owned)) {
              linkError.compareAndSet(null, "the muxer refuses a text subtitle track");
              return;
            }
            fed.incrementAndGet();
          } catch (RuntimeException e) {
            linkError.compareAndSet(null, e.getMessage());
            return;
          }
        }
      };
      if (!written.isEmpty()) {
        decode.connect(onAllPads);
      }
      session.onClose(() -> {
        decode.disconnect(onPad);
        if (!written.isEmpty()) {
          decode.disconnect(onAllPads);
        }
        synchronized (owned) {
          owned.forEach(Element::dispose);
        }
      });
      BusOutcome bus = session.play(timeout, STALL);
      if (linkError.get() != null) {
        return failed(FailureReason.INTERNAL, "cannot build the encoding chain: " + linkError.get());
      }
      switch (bus.end()) {
        case EOS:
          break;
        case TIMEOUT:
          return failed(FailureReason.TIMEOUT, "stalled".equals(bus.errorSource())
              ? "no progress for " + STALL.toSeconds() + " s"
              : "transcode did not finish within " + timeout.toSeconds() + " s");
        default:
          NativeError err = bus.error();
          return err == null
              ? failed(FailureReason.CORRUPT, "pipeline error")
              : failed(err.reason(), err.message() + (bus.errorSource() == null ? "" : " (" + bus.errorSource() + ")"));
      }
      if (!have[0] && !have[1]) {
        return failed(FailureReason.CORRUPT, "no decodable audio or video stream");
      }
      if (muxSpec.factory().equals("mp4mux")) {
        showLastFrame(target);
      }
      if (copy.video() && have[0] && !copied[0]) {
        // The probe said the video would be copied, but decodebin gave another video stream first, decoded.
        notes.add("video planned for copying was re-encoded");
      }
      EncodeCheck checked = encodeCheck.get();
      return new Outcome(true, null, null, !have[0] ? null : copied[0] ? "copy" : videoSpec.factory(), geometry.get(),
          have[0], have[1], List.copyOf(notes), have[0] && !copied[0] ? fallback : null, copied[0],
          checked == null ? null : checked.result(), fed.get());
    } catch (MissingElementException e) {
      return failed(FailureReason.MISSING_PLUGIN, e.getMessage());
    }
  }

  /**
   * mp4mux ends the edit list at the decode timeline's end; with B-frames and a variable frame rate
   * the last frame shown can start after it and be dropped by players: extend the edit to it.
   */
  static void showLastFrame(Path target) {
    try {
      dev.gstbeam.internal.segment.Mp4EditList.extendToLastSample(target);
    } catch (java.io.IOException e) {
      // Left as written: verification counts the frames shown and fails the input if one is missing.
    }
  }

  /**
   * Builds and links the video chain for {@code pad}. With {@code check} (not null), the encoder's input
   * and its output decoded again also go to an {@link EncodeCheck}, which is set there.
   */
  static OutputGeometry videoChain(PipelineSession session, Pad pad, GstStructureText caps, Profile profile,
      EncoderSettings.ElementSpec encoderSpec, Element mux, List<Element> owned, AtomicReference<EncodeCheck> check,
      Boolean sourceFullRange, int[] statedAspect) {
    int w = orZero(caps.integer("width"));
    int h = orZero(caps.integer("height"));
    int[] derived = caps.fraction("pixel-aspect-ratio");
    // An MP4's stated pixel aspect (its pasp box) over what GStreamer derived (Mp4PixelAspect).
    int[] par = statedAspect != null ? statedAspect : derived;
    boolean relabelAspect = statedAspect != null
        && (derived == null || (long) derived[0] * statedAspect[1] != (long) derived[1] * statedAspect[0]);
    OutputGeometry g = OutputGeometry.of(w, h, par == null ? 1 : par[0], par == null ? 1 : par[1], profile.maxHeight());
    String mode = caps.string("interlace-mode");
    boolean interlaced = mode != null && !mode.equals("progressive");

    List<Element> chain = new ArrayList<>();
    chain.add(make("queue", owned));
    String colorimetry = Colorimetry.relabel(caps.string("colorimetry"), h, sourceFullRange);
    if (colorimetry != null || relabelAspect) {
      // A label, not a conversion (see Colorimetry): the frames are full range and must be encoded as such;
      // their pixels have the stated aspect (else videoscale would add borders to keep GStreamer's).
      Element label = make("capssetter", owned);
      setArg(label, "join", "true");
      setArg(label, "replace", "false");
      setArg(label, "caps", "video/x-raw" // our numbers only
          + (colorimetry != null ? ",colorimetry=(string)" + colorimetry : "")
          + (relabelAspect ? ",pixel-aspect-ratio=(fraction)" + statedAspect[0] + "/" + statedAspect[1] : ""));
      chain.add(label);
    }
    chain.add(make("videoconvert", owned));
    if (interlaced) {
      Element deinterlace = make("deinterlace", owned);
      setArg(deinterlace, "fields", "top");
      chain.add(deinterlace);
    }
    chain.add(make("videoscale", owned));
    String rate = "";
    if (profile.frameRate() > 0) {
      chain.add(make("videorate", owned));
      rate = ",framerate=" + profile.frameRate() + "/1";
    }
    Element filter = make("capsfilter", owned);
    // Our own numbers and names only: no user data in caps text.
    setArg(filter, "caps", "video/x-raw,format=" + profile.pixelFormat() + ",width=" + g.width() + ",height="
        + g.height() + ",pixel-aspect-ratio=1/1" + rate);
    chain.add(filter);
    List<Element> encode = new ArrayList<>();
    Element encoder = make(encoderSpec.factory(), owned);
    apply(encoder, encoderSpec.properties());
    encode.add(encoder);
    String encoded = EncoderSettings.videoEncoderCaps(profile);
    if (encoded != null) {
      Element profileFilter = make("capsfilter", owned);
      setArg(profileFilter, "caps", encoded); // our constant, no user data
      encode.add(profileFilter);
    }
    encode.add(make(EncoderSettings.videoParser(profile), owned));
    if (check == null) {
      chain.addAll(encode);
      attach(session, pad, chain, mux);
      return g;
    }
    EncodeCheck c = new EncodeCheck(g.width(), g.height());
    check.set(c);
    c.countSourceFrames(chain.get(0).getStaticPad("sink"));
    // capsfilter ! tee ! queue ! encoder ! parser ! tee ! queue ! muxer, and a branch off each tee.
    Element toEncoder = make("tee", owned);
    chain.add(toEncoder);
    List<Element> encodeBranch = new ArrayList<>();
    encodeBranch.add(make("queue", owned));
    encodeBranch.addAll(encode);
    Element fromEncoder = make("tee", owned);
    encodeBranch.add(fromEncoder);
    List<Element> toMux = List.of(make("queue", owned));
    List<Element> reference = c.referenceBranch(owned);
    List<Element> decoded = c.decodedBranch(EncodeCheck.encodedCaps(profile.videoCodec()), owned);
    List<List<Element>> branches = List.of(chain, encodeBranch, toMux, reference, decoded);
    for (List<Element> b : branches) {
      addAndLink(session, b);
    }
    if (!toEncoder.link(encodeBranch.get(0)) || !toEncoder.link(reference.get(0))
        || !fromEncoder.link(toMux.get(0)) || !fromEncoder.link(decoded.get(0))) {
      throw new IllegalStateException("cannot link the verification branches");
    }
    if (!toMux.get(0).link(mux)) {
      throw new IllegalStateException("the muxer refuses " + toMux.get(0).getName() + "'s output");
    }
    for (int b = branches.size() - 1; b >= 0; b--) {
      List<Element> branch = branches.get(b);
      for (int i = branch.size() - 1; i >= 0; i--) {
        branch.get(i).syncStateWithParent();
      }
    }
    try {
      pad.link(chain.get(0).getStaticPad("sink"));
    } catch (PadLinkException e) {
      throw new IllegalStateException("cannot link the decoded stream: " + e.getLinkResult());
    }
    return g;
  }

  static void audioChain(PipelineSession session, Pad pad, GstStructureText caps, Profile profile,
      EncoderSettings.ElementSpec encoderSpec, Element mux, List<Element> owned) {
    audioChain(session, pad, caps, profile, encoderSpec, mux, owned, false);
  }

  /**
   * As {@link #audioChain(PipelineSession, Pad, GstStructureText, Profile, EncoderSettings.ElementSpec,
   * Element, List)}; with {@code retimeBySamples}, the decoded audio is timed by its sample count from 0
   * (identity's datarate), not by the container: for a WAVE source, whose only timeline is its samples
   * and whose compressed data wavparse times from the header's byte rate (see {@link
   * dev.gstbeam.internal.transcode.RawAudio#isWave}). Those times could step back, and the AAC track was
   * written with decode times that go back.
   */
  static void audioChain(PipelineSession session, Pad pad, GstStructureText caps, Profile profile,
      EncoderSettings.ElementSpec encoderSpec, Element mux, List<Element> owned, boolean retimeBySamples) {
    int channels = Math.min(profile.audioChannels(), Math.max(1, orZero(caps.integer("channels"))));
    List<Element> chain = new ArrayList<>();
    chain.add(make("queue", owned));
    long bytesPerSecond = retimeBySamples && !"non-interleaved".equals(caps.string("layout"))
        ? dev.gstbeam.internal.transcode.RawAudio.bytesPerSecond(caps.string("format"), orZero(caps.integer("rate")),
            orZero(caps.integer("channels")))
        : 0;
    if (bytesPerSecond > 0 && bytesPerSecond <= Integer.MAX_VALUE) {
      Element retime = make("identity", owned);
      setArg(retime, "datarate", String.valueOf(bytesPerSecond)); // a number of ours
      chain.add(retime);
    }
    chain.add(make("audioconvert", owned));
    chain.add(make("audioresample", owned));
    Element filter = make("capsfilter", owned);
    // 48 kHz whatever the source's rate: AAC and Opus frames are 1024 and 960 samples, so at 8 kHz an
    // AAC frame (and the encoder's priming) alone is 128 ms, and durations could not hold to 50 ms.
    setArg(filter, "caps", "audio/x-raw,channels=" + channels + ",rate=48000");
    chain.add(filter);
    Element encoder = make(encoderSpec.factory(), owned);
    apply(encoder, encoderSpec.properties());
    chain.add(encoder);
    if (profile.audioCodec().equals("aac") && ElementRegistry.get().hasElement("aacparse")) {
      chain.add(make("aacparse", owned));
    }
    attach(session, pad, chain, mux);
  }

  /** Adds {@code chain} to the pipeline, links pad ! chain ! mux, and starts the new elements. */
  static void attach(PipelineSession session, Pad pad, List<Element> chain, Element mux) {
    addAndLink(session, chain);
    Element last = chain.get(chain.size() - 1);
    if (!last.link(mux)) {
      throw new IllegalStateException("the muxer refuses " + last.getName() + "'s output");
    }
    for (int i = chain.size() - 1; i >= 0; i--) {
      chain.get(i).syncStateWithParent();
    }
    try {
      pad.link(chain.get(0).getStaticPad("sink"));
    } catch (PadLinkException e) {
      throw new IllegalStateException("cannot link the decoded stream: " + e.getLinkResult());
    }
  }

  /** Adds {@code chain} to the pipeline and links each element to the next. */
  static void addAndLink(PipelineSession session, List<Element> chain) {
    for (Element e : chain) {
      session.pipeline().add(e);
    }
    for (int i = 0; i + 1 < chain.size(); i++) {
      if (!chain.get(i).link(chain.get(i + 1))) {
        throw new IllegalStateException("cannot link " + chain.get(i).getName() + " to " + chain.get(i + 1).getName());
      }
    }
  }

  static void discard(PipelineSession session, Pad pad, List<Element> owned) {
    Element sink = make("fakesink", owned);
    sink.set("sync", false);
    sink.set("async", false);
    session.pipeline().add(sink);
    sink.syncStateWithParent();
    try {
      pad.link(sink.getStaticPad("sink"));
    } catch (PadLinkException e) {
      // not-linked will show on the bus
    }
  }

  static Element make(String factory, List<Element> owned) {
    Element e = ElementFactory.make(factory, null);
    if (e == null) {
      throw new MissingElementException(factory);
    }
    owned.add(e);
    return e;
  }

  /** Sets properties from their string forms (enum nicks, numbers, booleans), as GStreamer parses them. */
  static void apply(Element e, Map<String, Object> properties) {
    properties.forEach((k, v) -> setArg(e, k, String.valueOf(v)));
  }

  static void setArg(Element e, String name, String value) {
    GstNative.Core.INSTANCE.gst_util_set_object_arg(Natives.getRawPointer(e), name, value);
  }

  private static int orZero(Integer i) {
    return i == null ? 0 : i;
  }

  private static Outcome failed(FailureReason reason, String message) {
    return new Outcome(false, reason, message, null, null, false, false, List.of(), null, false, null, 0);
  }
}
