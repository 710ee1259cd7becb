package dev.gstbeam.internal.gst;

import dev.gstbeam.internal.probe.GstStructureText;
import dev.gstbeam.internal.transcode.SubtitleText;
import com.sun.jna.Pointer;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.freedesktop.gstreamer.Buffer;
import org.freedesktop.gstreamer.Caps;
import org.freedesktop.gstreamer.Element;
import org.freedesktop.gstreamer.FlowReturn;
import org.freedesktop.gstreamer.Pad;
import org.freedesktop.gstreamer.PadLinkException;
import org.freedesktop.gstreamer.Sample;
import org.freedesktop.gstreamer.elements.AppSink;
import org.freedesktop.gstreamer.elements.AppSrc;
import org.freedesktop.gstreamer.glib.Natives;

/**
 * The text subtitle tracks of a file (SubRip, SSA/ASS, MP4 timed text: what GStreamer 1.22 gives as
 * {@code text/x-raw}), read whole before the transcode and fed to its muxer from memory.
 *
 * <p>Why not straight through the transcode pipeline: a muxer interleaves by time and waits for the
 * next buffer of every stream, and a subtitle track's next cue can be minutes away. The video queues
 * fill first and the pipeline stops (found with mp4mux and matroskamux: a 60 s file whose first cue is
 * at 5 s never finished). Cues are small, so they are read in one demux-only pass (nothing decoded) and
 * pushed to the muxer all at once, which then always has the next one.
 */
public final class TextSubtitles {
  private TextSubtitles() {}

  /** One cue: running time and duration in nanoseconds, the text as the demuxer gave it. */
  public record Cue(long ptsNanos, long durationNanos, String text) {}

  /**
   * One text track; {@code markup}: its cues are Pango markup (SubRip, SSA), else plain UTF-8;
   * {@code language}: its ISO 639 code as the demuxer tagged it (two or three lowercase letters), or null.
   */
  public record Track(boolean markup, String language, List<Cue> cues) {}

  /** What reading found: the tracks, or why it failed. */
  public record Read(List<Track> tracks, String failure) {
    public boolean ok() {
      return failure == null;
    }
  }

  /** The cue text as the container {@code container} ("mp4" or "mkv") carries it. */
  public static String textFor(Track track, Cue cue, String container) {
    if (!track.markup()) {
      return cue.text();
    }
    return container.equals("mkv") ? SubtitleText.subRip(cue.text()) : SubtitleText.plain(cue.text());
  }

  /** Reads every text subtitle track of {@code source}: filesrc ! parsebin, each text stream to an appsink. */
  public static Read read(Path source, Duration timeout) {
    List<List<Cue>> cues = Collections.synchronizedList(new ArrayList<>());
    List<Boolean> markup = Collections.synchronizedList(new ArrayList<>());
    List<Pad> pads = Collections.synchronizedList(new ArrayList<>());
    List<Element> owned = Collections.synchronizedList(new ArrayList<>());
    try (PipelineSession session = PipelineSession.create("subtitles")) {
      Element src = session.add("filesrc");
      src.set("location", source.toString());
      Element parse = session.add("parsebin");
      src.link(parse);
      Element.PAD_ADDED onPad = (element, pad) -> {
        GstStructureText c = Pads.caps(pad);
        if (!c.name().equals("text/x-raw")) {
          return; // not read: left unlinked (the demuxer goes on while one stream is linked)
        }
        List<Cue> track = Collections.synchronizedList(new ArrayList<>());
        AppSink sink = (AppSink) Transcoder.make("appsink", owned);
        synchronized (cues) {
          cues.add(track);
          markup.add(!"utf8".equals(c.string("format")));
          pads.add(sink.getStaticPad("sink"));
        }
        sink.set("sync", false);
        sink.set("async", false);
        sink.set("emit-signals", true);
        sink.set("enable-last-sample", false);
        sink.connect((AppSink.NEW_SAMPLE) s -> {
          Sample sample = s.pullSample();
          if (sample == null) {
            return FlowReturn.EOS;
          }
          try {
            Buffer b = sample.getBuffer();
            ByteBuffer data = b.map(false);
            try {
              byte[] bytes = new byte[data.remaining()];
              data.get(bytes);
              String text = new String(bytes, StandardCharsets.UTF_8);
              int nul = text.indexOf('\0');
              if (nul >= 0) {
                text = text.substring(0, nul); // some muxers end each cue with a NUL
              }
              // Running time, as the muxer places every stream: the demuxer's segment can start after 0
              // (an ffmpeg-made file with AAC priming starts at 23 ms), and the appsrc's starts at 0.
              long pts = b.getPresentationTimestamp();
              long duration = b.getDuration();
              Pointer segment = GstNative.Core.INSTANCE.gst_sample_get_segment(Natives.getRawPointer(sample));
              long start = segment == null || pts < 0 ? pts
                  : GstNative.Core.INSTANCE.gst_segment_to_running_time(segment, 3, pts);
              long end = segment == null || pts < 0 || duration < 0 ? -1
                  : GstNative.Core.INSTANCE.gst_segment_to_running_time(segment, 3, pts + duration);
              track.add(new Cue(start, end < 0 ? duration : end - start, text));
            } finally {
              b.unmap();
            }
          } finally {
            sample.dispose();
          }
          return FlowReturn.OK;
        });
        session.pipeline().add(sink);
        sink.syncStateWithParent();
        try {
          pad.link(sink.getStaticPad("sink"));
        } catch (PadLinkException e) {
          // not-linked shows on the bus
        }
      };
      parse.connect(onPad);
      session.onClose(() -> {
        parse.disconnect(onPad);
        synchronized (owned) {
          owned.forEach(Element::dispose);
        }
      });
      BusOutcome bus = session.play(timeout, Transcoder.STALL);
      if (bus.end() != BusOutcome.End.EOS) {
        return new Read(List.of(), bus.end() == BusOutcome.End.TIMEOUT ? "reading the subtitles stalled"
            : bus.error() == null ? "pipeline error" : bus.error().message());
      }
      List<Track> tracks = new ArrayList<>();
      synchronized (cues) {
        for (int i = 0; i < cues.size(); i++) {
          List<Cue> list = new ArrayList<>(cues.get(i));
          list.removeIf(cue -> cue.ptsNanos() < 0); // an untimed cue cannot be placed
          tracks.add(new Track(markup.get(i), language(pads.get(i)), List.copyOf(list)));
        }
      }
      return new Read(List.copyOf(tracks), null);
    }
  }

  /**
   * The samples to write for {@code track} in {@code container}: each cue's text as the container
   * carries it; for MP4, whose timed text shows one sample at a time, overlapping cues become a sequence
   * that shows every cue on screen at each instant ({@link SubtitleText#flatten}). A cue without a
   * duration lasts until the next one starts (the last one: 5 s).
   */
  static List<Cue> samples(Track track, String container) {
    List<Cue> cues = new ArrayList<>();
    List<Cue> in = track.cues();
    for (int i = 0; i < in.size(); i++) {
      Cue c = in.get(i);
      long duration = c.durationNanos() >= 0 ? c.durationNanos()
          : i + 1 < in.size() ? Math.max(0, in.get(i + 1).ptsNanos() - c.ptsNanos()) : 5_000_000_000L;
      cues.add(new Cue(c.ptsNanos(), duration, textFor(track, c, container)));
    }
    if (!container.equals("mp4")) {
      return cues;
    }
    List<SubtitleText.Span> spans = new ArrayList<>();
    for (Cue c : cues) {
      spans.add(new SubtitleText.Span(c.ptsNanos(), c.ptsNanos() + c.durationNanos(), c.text()));
    }
    List<Cue> flat = new ArrayList<>();
    for (SubtitleText.Span s : SubtitleText.flatten(spans)) {
      flat.add(new Cue(s.start(), s.end() - s.start(), s.text()));
    }
    return flat;
  }

  /** The language code a pad's sticky tag events carry (stream scope first), if it looks like ISO 639. */
  private static String language(Pad pad) {
    GstNative.Core core = GstNative.Core.INSTANCE;
    for (int i = 0; i < 4; i++) {
      Pointer event = core.gst_pad_get_sticky_event(Natives.getRawPointer(pad),
          org.freedesktop.gstreamer.event.EventType.TAG.intValue(), i);
      if (event == null) {
        break;
      }
      try {
        com.sun.jna.ptr.PointerByReference list = new com.sun.jna.ptr.PointerByReference();
        core.gst_event_parse_tag(event, list);
        com.sun.jna.ptr.PointerByReference value = new com.sun.jna.ptr.PointerByReference();
        if (list.getValue() != null && core.gst_tag_list_get_string(list.getValue(), "language-code", value)) {
          String code = GstNative.takeString(value.getValue());
          if (code != null && code.matches("[a-z]{2,3}")) {
            return code;
          }
        }
      } finally {
        core.gst_mini_object_unref(event);
      }
    }
    return null;
  }

  /**
   * Adds an appsrc for {@code track} to the transcode pipeline and links it to a new subtitle pad of
   * {@code mux}; every cue (the text for {@code container}) and the end of stream are pushed when the
   * appsrc first asks for data. Returns whether the muxer took the track.
   */
  static boolean feed(PipelineSession session, Element mux, Track track, String container, List<Element> owned) {
    AppSrc app = (AppSrc) Transcoder.make("appsrc", owned);
    Transcoder.setArg(app, "format", "time");
    Transcoder.setArg(app, "max-bytes", "0"); // all cues at once: small, never blocks
    Transcoder.setArg(app, "block", "false");
    app.setCaps(Caps.fromString("text/x-raw,format=utf8")); // our constant
    session.pipeline().add(app);
    Pad target = mux.getRequestPad("subtitle_%u");
    if (target == null) {
      session.pipeline().remove(app);
      return false;
    }
    try {
      app.getStaticPad("src").link(target);
    } catch (PadLinkException e) {
      session.pipeline().remove(app);
      return false;
    }
    boolean[] pushed = new boolean[1];
    AppSrc.NEED_DATA onNeed = (source, length) -> {
      synchronized (pushed) {
        if (pushed[0]) {
          return;
        }
        pushed[0] = true;
      }
      if (track.language() != null) {
        // A stream-scope tag event for the track's language (MP4: mdhd; Matroska: Language), sent from
        // here, the appsrc's streaming thread asking for its first buffer: basesrc pushes queued events
        // before the buffer it is creating, so the muxer has the language before any cue. (Sent after
        // the appsrc started, it could come after the first cue: matroskamux had written the track
        // without it, 1 run in CI.) The code was checked as [a-z]{2,3}.
        GstNative.Core core = GstNative.Core.INSTANCE;
        Pointer tags = core.gst_tag_list_new_empty();
        core.gst_tag_list_add(tags, 2, "language-code", track.language(), null);
        core.gst_element_send_event(Natives.getRawPointer(source), core.gst_event_new_tag(tags));
      }
      for (Cue cue : samples(track, container)) {
        byte[] bytes = cue.text().getBytes(StandardCharsets.UTF_8);
        if (bytes.length == 0) {
          continue; // nothing shown: the muxer fills the gap
        }
        Buffer b = new Buffer(bytes.length);
        ByteBuffer data = b.map(true);
        data.put(bytes);
        b.unmap();
        b.setPresentationTimestamp(cue.ptsNanos());
        b.setDuration(cue.durationNanos());
        source.pushBuffer(b); // ownership passes to appsrc (the wrapper is invalidated)
      }
      List<Cue> written = samples(track, container);
      if (container.equals("mp4") && !written.isEmpty()) {
        // mp4mux writes the last sample of a sparse track without a duration (ffprobe: N/A), so the last
        // cue would vanish at once: an empty sample where it ends gives it its length.
        TextSubtitles.Cue last = written.get(written.size() - 1);
        Buffer end = new Buffer(0);
        end.setPresentationTimestamp(last.ptsNanos() + Math.max(0, last.durationNanos()));
        end.setDuration(0);
        source.pushBuffer(end);
      }
      source.endOfStream();
    };
    app.connect(onNeed);
    session.onClose(() -> app.disconnect(onNeed));
    app.syncStateWithParent();
    return true;
  }
}
