package dev.gstbeam.internal.gst;

import com.sun.jna.Pointer;
import com.sun.jna.ptr.LongByReference;
import com.sun.jna.ptr.PointerByReference;
import dev.gstbeam.FailureReason;
import dev.gstbeam.internal.probe.FfprobeVocabulary;
import dev.gstbeam.internal.probe.GstStructureText;
import dev.gstbeam.internal.probe.TagNames;
import dev.gstbeam.model.Chapter;
import dev.gstbeam.model.MediaInfo;
import dev.gstbeam.model.Stream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads a media file's metadata with GstDiscoverer (demux and parse to preroll; no full decode) and
 * describes it in ffprobe's vocabulary. One instance serves many files, one at a time: create it per
 * DoFn instance or bundle, and {@link #close()} it. Not thread-safe.
 */
public final class GstProber implements AutoCloseable {
  private static final int RESULT_OK = 0;
  private static final int RESULT_URI_INVALID = 1;
  private static final int RESULT_ERROR = 2;
  private static final int RESULT_TIMEOUT = 3;
  private static final int RESULT_MISSING_PLUGINS = 5;
  private static final int TOC_ENTRY_CHAPTER = 3;

  private final GstNative.PbUtils pb = GstNative.PbUtils.INSTANCE;
  private final GstNative.Core core = GstNative.Core.INSTANCE;
  private final ElementRegistry registry;
  private final Duration timeout;
  /** Quick first try, then a patient one: see {@link #DISCOVERER_TRIES}. */
  private final Pointer[] discoverers = new Pointer[2];

  public GstProber(Duration timeout) {
    GstRuntime.ensureInitialized();
    this.timeout = timeout;
    this.registry = ElementRegistry.get();
    Duration[] tries = discovererTimeouts(timeout);
    for (int i = 0; i < tries.length; i++) {
      PointerByReference err = new PointerByReference();
      discoverers[i] = pb.gst_discoverer_new(tries[i].toNanos(), err);
      NativeError error = NativeError.take(err.getValue());
      if (discoverers[i] == null) {
        close();
        throw new IllegalStateException(
            "cannot create a GstDiscoverer: " + (error == null ? "unknown error" : error.message()));
      }
    }
  }

  /**
   * Why two tries. decodebin (inside the discoverer) and parsebin drop an ERROR a demuxer posts while
   * they are still trying that demuxer ("filtered" errors, discarded when its state change succeeds):
   * tsdemux, oggdemux and qtdemux post theirs from their streaming thread that early on some damaged
   * files, and then nothing else comes and the pipeline never prerolls. GStreamer 1.22 loses about one
   * such error in twelve under load (seen in its own debug log: posted on decodebin's bus, never on the
   * pipeline's). A healthy local file prerolls in well under the first deadline, so the first try is
   * short (one second, the discoverer's floor). When it passes, a parse-only scan that picks the
   * demuxer itself (so no error is filtered) decides within the caller's watchdog: an error is
   * reported as such; a healthy slow file gets a second, patient discoverer run for its full
   * description (or the scan's, if that run fails too).
   */
  static final int DISCOVERER_TRIES = 2;

  /** Files up to this size without a reported duration get one from a parse-only pass. */
  static final long SCAN_FOR_DURATION_MAX_BYTES = 64L << 20;

  static Duration[] discovererTimeouts(Duration watchdog) {
    if (watchdog.compareTo(Duration.ofSeconds(1)) < 0) {
      watchdog = Duration.ofSeconds(1);
    }
    // The discoverer's timeout property has a floor of one second (a smaller value is refused and the
    // 15 s default stays).
    Duration quick = min(watchdog, Duration.ofSeconds(1));
    Duration patient = min(watchdog, Duration.ofSeconds(10));
    return new Duration[] {quick, patient};
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) < 0 ? a : b;
  }

  /** Probes one local file; {@code reportedUri} is the URI the record carries. */
  public ProbeOutcome probe(java.nio.file.Path file, String reportedUri, long sizeBytes) {
    if (discoverers[0] == null) {
      throw new IllegalStateException("prober is closed");
    }
    ProbeOutcome quick = discover(discoverers[0], file, reportedUri, sizeBytes);
    if (quick != null) {
      return quick;
    }
    // No answer within a second: a lost error, or a slow file. The scan tells which, reliably.
    StreamScan.Result scan = StreamScan.scan(file, false, timeout);
    BusOutcome bus = scan.outcome();
    if (bus.end() == BusOutcome.End.TIMEOUT) {
      return ProbeOutcome.failed(FailureReason.TIMEOUT, "no preroll within " + timeout.toMillis() + " ms");
    }
    if (!bus.ok()) {
      return bus.error() == null
          ? ProbeOutcome.failed(FailureReason.CORRUPT, "pipeline error")
          : ProbeOutcome.failed(bus.error().readerReason(), bus.error().message());
    }
    // A healthy but slow file: the patient discoverer gives the full description.
    ProbeOutcome patient = discover(discoverers[1], file, reportedUri, sizeBytes);
    if (patient != null && patient.succeeded()) {
      return patient;
    }
    if (patient == null) {
      // It parses, but no decoding pipeline prerolls, even given time (a WAV whose LIST chunk claims 0
      // bytes: wavparse pushes data before its segment and decodebin waits for ever). Nothing would
      // decode it, a transcode included: not a catalog record.
      return ProbeOutcome.failed(FailureReason.TIMEOUT, "the file parses, but decoding did not start within "
          + discovererTimeouts(timeout)[1].toMillis() + " ms");
    }
    Topology topology = new Topology();
    mergeScan(topology, scan);
    GstStructureText tags = bus.tags().isEmpty() ? null : bus.tags().get(0);
    return build(topology, new LinkedHashSet<>(), tags, null, scan.durationNanos(), null, reportedUri, sizeBytes, file);
  }

  /** One discoverer run: the outcome, or null when it did not answer in its time. */
  private ProbeOutcome discover(Pointer discoverer, java.nio.file.Path file, String reportedUri, long sizeBytes) {
    String uri = file.toAbsolutePath().toUri().toString();
    PointerByReference err = new PointerByReference();
    Pointer info = pb.gst_discoverer_discover_uri(discoverer, uri, err);
    NativeError error = NativeError.take(err.getValue());
    try {
      if (info == null) {
        return error == null
            ? ProbeOutcome.failed(FailureReason.INTERNAL, "discoverer returned nothing")
            : ProbeOutcome.failed(error.readerReason(), error.message());
      }
      int result = pb.gst_discoverer_info_get_result(info);
      switch (result) {
        case RESULT_OK:
        case RESULT_MISSING_PLUGINS:
          return describe(info, file, reportedUri, sizeBytes);
        case RESULT_URI_INVALID:
          return ProbeOutcome.failed(FailureReason.IO_ERROR, "GStreamer cannot open this URI");
        case RESULT_TIMEOUT:
          return null;
        case RESULT_ERROR:
          return error == null
              ? ProbeOutcome.failed(FailureReason.CORRUPT, "GStreamer reported an error")
              : ProbeOutcome.failed(error.readerReason(), error.message());
        default:
          return ProbeOutcome.failed(FailureReason.INTERNAL, "discoverer result " + result);
      }
    } finally {
      if (info != null) {
        GstNative.GObject.INSTANCE.g_object_unref(info);
      }
    }
  }

  /** What the walk of the discoverer's stream topology collects. */
  private static final class Topology {
    String containerCaps;
    String wrapperCaps;
    GstStructureText containerTags;
    final List<Leaf> leaves = new ArrayList<>();
  }

  private record Leaf(
      String nick,
      String caps,
      GstStructureText tags,
      Integer width,
      Integer height,
      int[] framerate,
      Boolean interlaced,
      Long bitRate,
      Integer sampleRate,
      Integer channels,
      Integer audioDepth,
      String language) {
    Leaf withCaps(String newCaps) {
      return new Leaf(nick, newCaps, tags, width, height, framerate, interlaced, bitRate, sampleRate,
          channels, audioDepth, language);
    }
  }

  private ProbeOutcome describe(Pointer info, java.nio.file.Path file, String reportedUri, long sizeBytes) {
    Topology topology = new Topology();
    Pointer top = pb.gst_discoverer_info_get_stream_info(info);
    if (top != null) {
      try {
        walk(top, topology, 0);
      } finally {
        GstNative.GObject.INSTANCE.g_object_unref(top);
      }
    }
    Set<String> missing = new LinkedHashSet<>(missingElements(info));
    Long scannedDuration = null;
    if (needsScan(topology)) {
      // The discoverer stops where a plugin is missing, and reports raw streams with their container's
      // caps (audio/x-wav): a demux-and-parse pass tells what the streams really are.
      StreamScan.Result scan = StreamScan.scan(file, false, timeout);
      if (scan.outcome().ok()) {
        mergeScan(topology, scan);
        if (scan.durationNanos() > 0) {
          scannedDuration = scan.durationNanos();
        }
      }
    }
    if (topology.leaves.isEmpty()) {
      if (!missing.isEmpty()) {
        return ProbeOutcome.failed(
            FailureReason.MISSING_PLUGIN, "missing: " + String.join("; ", missing));
      }
      return ProbeOutcome.failed(FailureReason.CORRUPT, "no playable stream found");
    }

    GstStructureText infoTags = tags(pb.gst_discoverer_info_get_tags(info));
    long durationNs = pb.gst_discoverer_info_get_duration(info);
    if (durationNs <= 0 && scannedDuration != null) {
      durationNs = scannedDuration;
    }
    if (durationNs <= 0 && sizeBytes <= SCAN_FOR_DURATION_MAX_BYTES) {
      // Short MPEG-TS and elementary streams carry too few clock references for the demuxer to
      // estimate a duration; ffprobe reads their timestamps instead. So does a parse-only pass here,
      // bounded by size (a large file has the references, and gets a duration from the demuxer).
      StreamScan.Result full = StreamScan.scan(file, true, timeout);
      if (full.outcome().ok() && full.extentNanos() > 0) {
        durationNs = full.extentNanos();
      }
    }
    return build(topology, missing, infoTags, topology.containerTags, durationNs,
        pb.gst_discoverer_info_get_toc(info), reportedUri, sizeBytes, file);
  }

  private ProbeOutcome build(
      Topology topology,
      Set<String> missing,
      GstStructureText infoTags,
      GstStructureText containerTags,
      long durationNs,
      Pointer toc,
      String reportedUri,
      long sizeBytes,
      java.nio.file.Path sourceFile) {
    if (topology.leaves.isEmpty()) {
      return ProbeOutcome.failed(FailureReason.CORRUPT, "no playable stream found");
    }
    // Container name first: text subtitles are named after it.
    String container;
    if (topology.containerCaps != null) {
      container = FfprobeVocabulary.containerName(GstStructureText.parse(topology.containerCaps), null);
    } else {
      Leaf only = topology.leaves.get(0);
      GstStructureText caps = GstStructureText.parse(only.caps());
      container = FfprobeVocabulary.containerName(caps, FfprobeVocabulary.codecName(caps, null));
    }

    List<Stream> streams = new ArrayList<>();
    Integer globalRotation = null;
    if (infoTags != null) {
      globalRotation = FfprobeVocabulary.rotationDegrees(infoTags.string("image-orientation"));
    }
    int index = 0;
    for (Leaf leaf : topology.leaves) {
      streams.add(stream(index++, leaf, container, globalRotation, missing));
    }

    if ("mpegts".equals(container)) {
      unreadTransportStreamAudio(sourceFile, streams, missing);
    } else if (java.util.Set.of("mpegvideo", "m4v", "h264", "hevc").contains(container)) {
      audioInsideVideoStream(sourceFile, streams, missing);
    }

    if (FfprobeVocabulary.isMp4Family(container) && sourceFile != null) {
      // The video track's stated pixel aspect (its pasp box) is its aspect, as ffmpeg reads it; GStreamer
      // can override it (Mp4PixelAspect). The transcode follows the same box.
      int[] stated = dev.gstbeam.internal.segment.Mp4PixelAspect.of(sourceFile);
      Stream video = stated == null ? null
          : streams.stream().filter(s -> "video".equals(s.getType())).findFirst().orElse(null);
      if (video != null) {
        video.setSampleAspectRatio(stated[0] + ":" + stated[1]); // the first video track, whose box was read
      }
    }
    Double duration = durationNs > 0 ? durationNs / 1e9 : null;
    if ("wav".equals(container) && sourceFile != null) {
      // A WAVE file's duration is in its header (RawAudio.waveSeconds); wavparse's own can be wrong.
      Double header = dev.gstbeam.internal.transcode.RawAudio.waveSeconds(sourceFile);
      if (header != null) {
        duration = header;
      }
    }
    Long bitRate = duration != null && duration > 0 ? Math.round(sizeBytes * 8 / duration) : null;

    Map<String, String> globalTags = new LinkedHashMap<>();
    TagNames.addGlobal(containerTags, globalTags, true);
    TagNames.addGlobal(infoTags, globalTags, false);

    return ProbeOutcome.of(
        MediaInfo.newBuilder()
            .setUri(reportedUri)
            .setSizeBytes(sizeBytes)
            .setDecodable(missing.stream().noneMatch(GstProber::isAudioOrVideo))
            .setMissingElements(new ArrayList<>(missing))
            .setContainer(container)
            .setDurationSeconds(duration)
            .setBitRate(bitRate)
            .setTags(globalTags)
            .setChapters(chapters(toc))
            .setStreams(streams)
            .build());
  }

  /**
   * Audio streams the transport stream's program map announces, that carry data, and that the demuxer
   * gave no stream for (GStreamer 1.22's tsdemux ignores DTS as type 0x82 without a registration
   * descriptor; ffmpeg reads it): listed as missing, so the file is not decodable here rather than
   * migrated without its audio. Compared by count: tsdemux does not say which PID a stream came from
   * in what the discoverer reports.
   */
  static void unreadTransportStreamAudio(java.nio.file.Path file, List<Stream> streams, Set<String> missing) {
    if (file == null) {
      return;
    }
    List<dev.gstbeam.internal.probe.TsProgramMap.Entry> announced;
    try {
      announced = dev.gstbeam.internal.probe.TsProgramMap.audioWithData(
          dev.gstbeam.internal.probe.TsProgramMap.read(file));
    } catch (java.io.IOException | RuntimeException e) {
      return; // unreadable here: the demuxer's view stands
    }
    long read = audioStreams(streams);
    if (announced.size() <= read) {
      return;
    }
    StringBuilder which = new StringBuilder();
    for (dev.gstbeam.internal.probe.TsProgramMap.Entry e : announced) {
      which.append(which.length() == 0 ? "" : ", ").append(String.format(java.util.Locale.ROOT,
          "type 0x%02x on PID 0x%x", e.streamType(), e.pid()));
    }
    missing.add(String.format(java.util.Locale.ROOT,
        "audio/mpegts demuxing: the program map has %d audio stream(s) with data (%s), the demuxer read %d",
        announced.size(), which, read));
  }

  /**
   * A file read as an elementary video stream that carries MPEG audio packets (a program stream with
   * junk before its first pack, see {@link dev.gstbeam.internal.probe.EmbeddedPesAudio}): listed as
   * missing, so the file is not decodable here rather than migrated without its audio.
   */
  static void audioInsideVideoStream(java.nio.file.Path file, List<Stream> streams, Set<String> missing) {
    if (file == null) {
      return;
    }
    Map<Integer, Integer> audio;
    try {
      audio = dev.gstbeam.internal.probe.EmbeddedPesAudio.streams(file);
    } catch (java.io.IOException | RuntimeException e) {
      return;
    }
    long read = audioStreams(streams);
    if (audio.size() <= read) {
      return;
    }
    StringBuilder which = new StringBuilder();
    audio.forEach((id, n) -> which.append(which.length() == 0 ? "" : ", ")
        .append(String.format(java.util.Locale.ROOT, "stream 0x%02x, %d packets", id, n)));
    missing.add(String.format(java.util.Locale.ROOT, "audio/mpeg program-stream demuxing: the file was read as an"
        + " elementary video stream but carries MPEG audio packets (%s)", which));
  }

  private static long audioStreams(List<Stream> streams) {
    return streams.stream().filter(st -> "audio".equals(st.getType())).count();
  }

  /**
   * Whether a missing element concerns audio or video: a subtitle track GStreamer cannot parse is listed
   * but does not make the file undecodable (a migration drops it and says so).
   */
  static boolean isAudioOrVideo(String missingElement) {
    String m = missingElement.toLowerCase(java.util.Locale.ROOT);
    return m.contains("audio/") || m.contains("video/") || m.contains("image/");
  }

  private static boolean needsScan(Topology t) {
    if (t.leaves.isEmpty()) {
      return true;
    }
    for (Leaf leaf : t.leaves) {
      GstStructureText caps = GstStructureText.parse(leaf.caps());
      String type = FfprobeVocabulary.streamType(leaf.nick(), caps.name());
      if ((type.equals("audio") || type.equals("video"))
          && FfprobeVocabulary.codecName(caps, null) == null) {
        return true;
      }
    }
    return false;
  }

  /** Fills what the discoverer left out from a scan: streams it never reached, caps it did not give. */
  private static void mergeScan(Topology t, StreamScan.Result scan) {
    if (t.leaves.isEmpty()) {
      if (t.containerCaps == null && scan.typeCaps() != null) {
        GstStructureText type = GstStructureText.parse(scan.typeCaps());
        if (FfprobeVocabulary.containerName(type, null) != null
            && !type.name().equals(scan.streams().isEmpty() ? "" : scan.streams().get(0).parsedCaps().name())) {
          t.containerCaps = scan.typeCaps();
        }
      }
      for (StreamScan.ScannedStream s : scan.streams()) {
        if (s.caps() == null || s.caps().isEmpty()) {
          continue;
        }
        GstStructureText caps = s.parsedCaps();
        String type = FfprobeVocabulary.streamType(null, caps.name());
        String nick = type.equals("subtitle") ? "subtitles" : type;
        int[] fr = caps.fraction("framerate");
        t.leaves.add(
            new Leaf(nick, s.caps(), null, caps.integer("width"), caps.integer("height"),
                fr, null, null, caps.integer("rate"), caps.integer("channels"), null, null));
      }
      return;
    }
    // Replace container-level caps of raw streams with the scanned stream caps of the same type and order.
    java.util.Map<String, java.util.Deque<StreamScan.ScannedStream>> byType = new java.util.HashMap<>();
    for (StreamScan.ScannedStream s : scan.streams()) {
      if (s.caps() == null || s.caps().isEmpty()) {
        continue;
      }
      byType.computeIfAbsent(FfprobeVocabulary.streamType(null, s.parsedCaps().name()), k -> new java.util.ArrayDeque<>()).add(s);
    }
    for (int i = 0; i < t.leaves.size(); i++) {
      Leaf leaf = t.leaves.get(i);
      GstStructureText caps = GstStructureText.parse(leaf.caps());
      String type = FfprobeVocabulary.streamType(leaf.nick(), caps.name());
      java.util.Deque<StreamScan.ScannedStream> same = byType.get(type);
      StreamScan.ScannedStream match = same == null ? null : same.poll();
      if (match != null && FfprobeVocabulary.codecName(caps, null) == null) {
        if (t.containerCaps == null && t.leaves.size() == 1) {
          t.containerCaps = leaf.caps(); // e.g. audio/x-wav: the container of a raw stream
        }
        t.leaves.set(i, leaf.withCaps(match.caps()));
      }
    }
  }

  private void walk(Pointer node, Topology t, int depth) {
    if (depth > 16) {
      return; // a hostile file cannot make us recurse without bound
    }
    String nick = pb.gst_discoverer_stream_info_get_stream_type_nick(node);
    String caps = capsString(pb.gst_discoverer_stream_info_get_caps(node));
    if ("container".equals(nick)) {
      if (t.containerCaps == null && caps != null) {
        t.containerCaps = caps;
        t.containerTags = tags(pb.gst_discoverer_container_info_get_tags(node));
      }
      Pointer list = pb.gst_discoverer_container_info_get_streams(node);
      try {
        for (Pointer l = list; l != null; l = GstNative.listNext(l)) {
          walk(GstNative.listData(l), t, depth + 1);
        }
      } finally {
        if (list != null) {
          pb.gst_discoverer_stream_info_list_free(list);
        }
      }
      return;
    }
    if (caps != null && FfprobeVocabulary.isTagWrapper(GstStructureText.parse(caps).name())) {
      if (t.wrapperCaps == null) {
        t.wrapperCaps = caps;
      }
      Pointer next = pb.gst_discoverer_stream_info_get_next(node);
      if (next != null) {
        try {
          walk(next, t, depth + 1);
        } finally {
          GstNative.GObject.INSTANCE.g_object_unref(next);
        }
      }
      return;
    }
    if (caps == null) {
      return;
    }
    GstStructureText streamTags = tags(pb.gst_discoverer_stream_info_get_tags(node));
    switch (nick == null ? "" : nick) {
      case "video":
        {
          int num = pb.gst_discoverer_video_info_get_framerate_num(node);
          int den = pb.gst_discoverer_video_info_get_framerate_denom(node);
          int bitrate = pb.gst_discoverer_video_info_get_bitrate(node);
          t.leaves.add(
              new Leaf(
                  nick,
                  caps,
                  streamTags,
                  positive(pb.gst_discoverer_video_info_get_width(node)),
                  positive(pb.gst_discoverer_video_info_get_height(node)),
                  num > 0 && den > 0 ? new int[] {num, den} : null,
                  pb.gst_discoverer_video_info_is_interlaced(node),
                  bitrate > 0 ? (long) bitrate : null,
                  null,
                  null,
                  null,
                  null));
          return;
        }
      case "audio":
        {
          int bitrate = pb.gst_discoverer_audio_info_get_bitrate(node);
          t.leaves.add(
              new Leaf(
                  nick,
                  caps,
                  streamTags,
                  null,
                  null,
                  null,
                  null,
                  bitrate > 0 ? (long) bitrate : null,
                  positive(pb.gst_discoverer_audio_info_get_sample_rate(node)),
                  positive(pb.gst_discoverer_audio_info_get_channels(node)),
                  positive(pb.gst_discoverer_audio_info_get_depth(node)),
                  pb.gst_discoverer_audio_info_get_language(node)));
          return;
        }
      case "subtitles":
        t.leaves.add(
            new Leaf(
                nick,
                caps,
                streamTags,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                pb.gst_discoverer_subtitle_info_get_language(node)));
        return;
      default:
        t.leaves.add(
            new Leaf(nick, caps, streamTags, null, null, null, null, null, null, null, null, null));
    }
  }

  private Stream stream(
      int index, Leaf leaf, String container, Integer globalRotation, Set<String> missing) {
    GstStructureText caps = GstStructureText.parse(leaf.caps());
    String type = FfprobeVocabulary.streamType(leaf.nick(), caps.name());
    String codec = FfprobeVocabulary.codecName(caps, container);
    Stream.Builder b =
        Stream.newBuilder()
            .setIndex(index)
            .setType(type)
            .setCodec(codec)
            .setProfile(caps.string("profile"))
            .setLevel(caps.string("level"))
            .setBitRate(leaf.bitRate());
    String language = leaf.language();
    if (language == null && leaf.tags() != null) {
      language = leaf.tags().string("language-code");
    }
    b.setLanguage(TagNames.iso639_2(language, container));
    if (language == null) {
      b.setLanguage(TagNames.storedDefault(container));
    }
    if (type.equals("video")) {
      b.setWidth(leaf.width() != null ? leaf.width() : caps.integer("width"));
      b.setHeight(leaf.height() != null ? leaf.height() : caps.integer("height"));
      int[] fr = leaf.framerate() != null ? leaf.framerate() : caps.fraction("framerate");
      b.setFrameRate(fr != null && fr[0] > 0 && fr[1] > 0 ? (double) fr[0] / fr[1] : null);
      Boolean interlaced = FfprobeVocabulary.interlaced(caps.string("interlace-mode"));
      b.setInterlaced(interlaced != null ? interlaced : leaf.interlaced());
      b.setBitDepth(FfprobeVocabulary.videoBitDepth(caps, codec));
      int[] par = caps.fraction("pixel-aspect-ratio");
      b.setSampleAspectRatio(par != null && par[0] > 0 && par[1] > 0 ? par[0] + ":" + par[1] : null);
      b.setColorRange(FfprobeVocabulary.colorRange(caps.string("colorimetry")));
      Integer rotation =
          leaf.tags() == null
              ? null
              : FfprobeVocabulary.rotationDegrees(leaf.tags().string("image-orientation"));
      b.setRotation(rotation != null ? rotation : globalRotation != null ? globalRotation : 0);
      if (!registry.canDecode(leaf.caps())) {
        missing.add(caps.name() + " decoder");
      }
    } else if (type.equals("audio")) {
      Integer rate = leaf.sampleRate() != null ? leaf.sampleRate() : caps.integer("rate");
      if ("opus".equals(codec)) {
        rate = 48000; // Opus always decodes at 48 kHz; some demuxers put the input rate in caps
      }
      b.setSampleRate(rate);
      b.setChannels(leaf.channels() != null ? leaf.channels() : caps.integer("channels"));
      if (codec != null && codec.startsWith("pcm_") && leaf.audioDepth() != null) {
        b.setBitDepth(leaf.audioDepth());
      }
      if (!registry.canDecode(leaf.caps())) {
        missing.add(caps.name() + " decoder");
      }
    }
    return b.build();
  }

  private List<Chapter> chapters(Pointer toc) {
    List<Chapter> chapters = new ArrayList<>();
    if (toc == null) {
      return chapters;
    }
    Pointer entries = core.gst_toc_get_entries(toc);
    for (Pointer l = entries; l != null; l = GstNative.listNext(l)) {
      Pointer entry = GstNative.listData(l);
      int type = core.gst_toc_entry_get_entry_type(entry);
      if (type < 0) {
        // An edition (or angle/version): its chapters are the sub-entries. ffprobe reads the first.
        for (Pointer s = core.gst_toc_entry_get_sub_entries(entry); s != null; s = GstNative.listNext(s)) {
          addChapter(GstNative.listData(s), chapters);
        }
        break;
      } else if (type == TOC_ENTRY_CHAPTER) {
        addChapter(entry, chapters);
      }
    }
    return chapters;
  }

  private void addChapter(Pointer entry, List<Chapter> out) {
    LongByReference start = new LongByReference(-1);
    LongByReference stop = new LongByReference(-1);
    core.gst_toc_entry_get_start_stop_times(entry, start, stop);
    GstStructureText t = tags(core.gst_toc_entry_get_tags(entry));
    out.add(
        Chapter.newBuilder()
            .setStartSeconds(start.getValue() >= 0 ? start.getValue() / 1e9 : 0.0)
            .setEndSeconds(stop.getValue() >= 0 ? stop.getValue() / 1e9 : null)
            .setTitle(t == null ? null : t.string("title"))
            .build());
  }

  private List<String> missingElements(Pointer info) {
    List<String> out = new ArrayList<>();
    Pointer details = pb.gst_discoverer_info_get_missing_elements_installer_details(info);
    if (details == null) {
      return out;
    }
    for (String d : details.getStringArray(0)) {
      // gstreamer|1.0|<app>|<description>|<detail>
      String[] parts = d.split("\\|");
      out.add(parts.length >= 4 ? parts[3] : d);
    }
    return out;
  }

  private String capsString(Pointer caps) {
    if (caps == null) {
      return null;
    }
    try {
      return GstNative.takeString(core.gst_caps_to_string(caps));
    } finally {
      core.gst_caps_unref(caps);
    }
  }

  private GstStructureText tags(Pointer tagList) {
    if (tagList == null) {
      return null;
    }
    String s = GstNative.takeString(core.gst_tag_list_to_string(tagList));
    return s == null ? null : GstStructureText.parse(s);
  }

  private static Integer positive(int v) {
    return v > 0 ? v : null;
  }

  @Override
  public void close() {
    for (int i = 0; i < discoverers.length; i++) {
      if (discoverers[i] != null) {
        GstNative.GObject.INSTANCE.g_object_unref(discoverers[i]);
        discoverers[i] = null;
      }
    }
    NativeHeap.trim();
  }
}
