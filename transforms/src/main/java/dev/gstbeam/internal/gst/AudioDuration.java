package dev.gstbeam.internal.gst;

import dev.gstbeam.internal.probe.GstStructureText;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.freedesktop.gstreamer.Element;
import org.freedesktop.gstreamer.PadLinkException;
import org.freedesktop.gstreamer.PadProbeReturn;
import org.freedesktop.gstreamer.PadProbeType;

/**
 * The duration of a file's first audio stream as decoded: samples out of the decoder over the sample
 * rate, as ffmpeg counts it. Containers and parsers often misstate it (a FLAC stream's last block
 * taken at full size, ADPCM in WAV, PCM in Matroska without durations), so the verification of
 * audio durations compares decoded samples, not packet timestamps.
 *
 * <pre>filesrc ! parsebin ─(first audio)─ decodebin ! audioconvert ! S16 ! fakesink</pre>
 */
public final class AudioDuration {
  private AudioDuration() {}

  /** Nanoseconds of decoded audio, or -1 when there is no audio or it does not decode to the end. */
  public static long decodedNanos(Path file, Duration timeout) {
    List<Element> owned = Collections.synchronizedList(new ArrayList<>());
    AtomicLong frames = new AtomicLong();
    AtomicLong rate = new AtomicLong();
    try (PipelineSession session = PipelineSession.create("audio-duration")) {
      Element src = session.add("filesrc");
      src.set("location", file.toString());
      Element parse = session.add("parsebin");
      src.link(parse);
      Element.PAD_ADDED onDecoded = (element, pad) -> {
        if (!Pads.caps(pad).name().equals("audio/x-raw")) {
          Transcoder.discard(session, pad, owned);
          return;
        }
        Element convert = Transcoder.make("audioconvert", owned);
        Element filter = Transcoder.make("capsfilter", owned);
        Transcoder.setArg(filter, "caps", "audio/x-raw,format=S16LE,layout=interleaved");
        Element sink = Transcoder.make("fakesink", owned);
        sink.set("sync", false);
        session.pipeline().add(convert);
        session.pipeline().add(filter);
        session.pipeline().add(sink);
        convert.link(filter);
        filter.link(sink);
        sink.syncStateWithParent();
        filter.syncStateWithParent();
        convert.syncStateWithParent();
        AtomicLong bytesPerFrame = new AtomicLong();
        filter.getStaticPad("src").addProbe(PadProbeType.BUFFER, (p, info) -> {
          if (bytesPerFrame.get() == 0) {
            // The format is fixed by the capsfilter (S16 interleaved): read rate and channels once.
            GstStructureText c = Pads.caps(p);
            Integer channels = c.integer("channels");
            Integer r = c.integer("rate");
            if (channels == null || channels <= 0 || r == null) {
              return PadProbeReturn.OK;
            }
            rate.set(r);
            bytesPerFrame.set(2L * channels);
          }
          org.freedesktop.gstreamer.Buffer b = info.getBuffer();
          java.nio.ByteBuffer data = b.map(false);
          try {
            frames.addAndGet(data.remaining() / bytesPerFrame.get());
          } finally {
            b.unmap();
          }
          return PadProbeReturn.OK;
        });
        try {
          pad.link(convert.getStaticPad("sink"));
        } catch (PadLinkException e) {
          // not-linked shows on the bus
        }
      };
      Pads.decodeFirst(session, parse, name -> name.startsWith("audio/"), onDecoded, owned);
      session.onClose(() -> {
        synchronized (owned) {
          owned.forEach(Element::dispose);
        }
      });
      BusOutcome bus = session.play(timeout, Transcoder.STALL);
      if (bus.end() != BusOutcome.End.EOS || rate.get() <= 0) {
        return -1;
      }
      return frames.get() * 1_000_000_000L / rate.get();
    } catch (MissingElementException e) {
      return -1;
    }
  }
}
