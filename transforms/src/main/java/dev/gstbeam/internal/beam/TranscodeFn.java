package dev.gstbeam.internal.beam;

import dev.gstbeam.FailureReason;
import dev.gstbeam.Stage;
import dev.gstbeam.internal.gst.EncodeCheck;
import dev.gstbeam.internal.gst.FrameComparison;
import dev.gstbeam.internal.gst.GstProber;
import dev.gstbeam.internal.worker.MigrateTask;
import dev.gstbeam.internal.worker.Workers;
import dev.gstbeam.internal.gst.ProbeOutcome;
import dev.gstbeam.internal.gst.StreamScan;
import dev.gstbeam.internal.gst.Transcoder;
import dev.gstbeam.internal.paths.OutputPaths;
import dev.gstbeam.internal.transcode.FramePairs;
import dev.gstbeam.internal.transcode.Profile;
import dev.gstbeam.internal.transcode.StreamCopy;
import dev.gstbeam.model.MediaInfo;
import dev.gstbeam.model.MigrationResult;
import dev.gstbeam.model.Stream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import org.apache.beam.sdk.io.FileIO;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.beam.sdk.io.fs.MoveOptions;
import org.apache.beam.sdk.io.fs.ResourceId;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Distribution;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.util.MimeTypes;

/**
 * Probe, transcode, verify and commit one input per element, and say what happened in one
 * {@link MigrationResult}: every input gives exactly one row.
 *
 * <p>An output appears under its final name only once verified: the transcoder writes a hidden
 * temporary next to it, the verifier checks it (decodes fully, frame count equal to the source's,
 * duration, PSNR against the source at the profile's thresholds), the row is recorded under
 * {@code _manifest/done/}, and only then is the temporary renamed. A re-run finds the final name and
 * reports the recorded row as skipped instead of transcoding again.
 */
public final class TranscodeFn extends ProbingDoFn<FileIO.ReadableFile, MigrationResult> {
  private static final long serialVersionUID = 1L;
  private static final Counter OK = Metrics.counter(TranscodeFn.class, "files_ok");
  private static final Counter FAILED = Metrics.counter(TranscodeFn.class, "files_failed");
  private static final Counter SKIPPED = Metrics.counter(TranscodeFn.class, "files_skipped");
  private static final Counter BYTES_IN = Metrics.counter(TranscodeFn.class, "bytes_in");
  private static final Counter BYTES_OUT = Metrics.counter(TranscodeFn.class, "bytes_out");
  private static final Distribution MEDIA_MILLIS = Metrics.distribution(TranscodeFn.class, "media_millis");
  private static final Distribution ENCODE_MILLIS = Metrics.distribution(TranscodeFn.class, "encode_millis");

  private final Profile profile;
  private final String inputPrefix;
  private final String outputRoot;
  private final int encoderThreads;
  private final dev.gstbeam.Limits limits;
  private final boolean isolated;

  public TranscodeFn(Profile profile, String inputPrefix, String outputRoot, Duration probeTimeout, int encoderThreads,
      dev.gstbeam.Limits limits, boolean isolated) {
    super(probeTimeout);
    this.limits = limits;
    this.isolated = isolated;
    this.profile = profile;
    this.inputPrefix = inputPrefix;
    this.outputRoot = outputRoot;
    this.encoderThreads = encoderThreads;
  }



  @ProcessElement
  public void process(@Element FileIO.ReadableFile file, @SideInput(OutputNames.RENAMES) java.util.Map<String, String> renames,
      OutputReceiver<MigrationResult> out) {
    long start = System.nanoTime();
    String input = file.getMetadata().resourceId().toString();
    String output = OutputNames.outputFor(input, renames, inputPrefix, outputRoot, profile.extension());
    MigrationResult.Builder row = MigrationResult.newBuilder()
        .setUri(LocalMedia.uriOf(file))
        .setProfile(profile.name())
        .setStatus("failed")
        .setAttempts(1)
        .setSegments(1)
        .setWallSeconds(0)
        .setBytesIn(file.getMetadata().sizeBytes());
    MigrationResult result;
    try {
      MigrationResult done = previous(outputRoot, output);
      if (done != null && !sameInput(done, file)) {
        result = fail(row, Stage.WRITE, FailureReason.IO_ERROR, "the output " + output
            + " exists, made from another input (" + done.getUri() + "); not replaced");
        result.setWallSeconds((System.nanoTime() - start) / 1e9);
        result.setFinishedAt(Instant.now().toString());
        FAILED.inc();
        dev.gstbeam.JobProgress.finished(false, 0);
        out.output(result);
        return;
      }
      if (done != null) {
        SKIPPED.inc();
        dev.gstbeam.JobProgress.finished(true, 0);
        out.output(MigrationResult.newBuilder(done).setAction("skip")
            .setWallSeconds((System.nanoTime() - start) / 1e9).setFinishedAt(Instant.now().toString()).build());
        return;
      }
      String tooBig = limits.fileSizeProblem(file.getMetadata().sizeBytes());
      result = tooBig != null
          ? fail(row, Stage.PROBE, FailureReason.LIMIT_EXCEEDED, tooBig)
          : migrate(file, output, row);
    } catch (ScratchArea.FullException e) {
      result = fail(row, Stage.PROBE, FailureReason.LIMIT_EXCEEDED, ProbeFn.oneLine(e));
    } catch (IOException e) {
      result = fail(row, Stage.WRITE, FailureReason.IO_ERROR, ProbeFn.oneLine(e));
    } catch (RuntimeException e) {
      result = fail(row, Stage.TRANSCODE, FailureReason.INTERNAL, e.getClass().getSimpleName() + ": " + ProbeFn.oneLine(e));
    }
    result.setWallSeconds((System.nanoTime() - start) / 1e9);
    result.setFinishedAt(Instant.now().toString());
    dev.gstbeam.JobProgress.finished("ok".equals(result.getStatus()),
        result.getSourceDurationSeconds() == null ? 0 : result.getSourceDurationSeconds());
    if ("ok".equals(result.getStatus())) {
      OK.inc();
    } else {
      FAILED.inc();
      Metrics.counter(TranscodeFn.class, "failures_" + result.getReason()).inc();
    }
    out.output(result);
  }

  private MigrationResult migrate(FileIO.ReadableFile file, String output, MigrationResult.Builder row) throws IOException {
    BYTES_IN.inc(file.getMetadata().sizeBytes());
    try (LocalMedia media = LocalMedia.of(file)) {
      boolean local = LocalMedia.isLocal(output);
      Path target = local
          ? Paths.get(OutputPaths.temporaryFor(output, UUID.randomUUID().toString().substring(0, 8)))
          : ScratchArea.get().dir().resolve(OutputPaths.TEMP_PREFIX + UUID.randomUUID() + "." + profile.extension());
      if (local) {
        removeStaleTemporaries(Paths.get(output));
      }
      try {
        MigrationResult r;
        if (isolated) {
          Workers.Result<MigrationResult> w = Workers.call(new MigrateTask(media.path().toString(), media.uri(),
              media.sizeBytes(), target.toString(), profile, encoderThreads, limits, probeTimeoutMillis(), row.build()),
              Duration.ofHours(6).plusMinutes(5));
          r = w.ok() ? w.value() : fail(row.setAttempts(w.attempts()), Stage.TRANSCODE,
              w.timedOut() ? FailureReason.TIMEOUT : w.crash() != null ? FailureReason.CORRUPT : FailureReason.INTERNAL,
              w.message());
        } else {
          r = nativeSteps(prober(), profile, encoderThreads, limits, media.path(), media.uri(), media.sizeBytes(),
              target, row.build());
        }
        if (r.getSourceDurationSeconds() != null) {
          MEDIA_MILLIS.update(Math.round(r.getSourceDurationSeconds() * 1000));
        }
        if (r.getEncodeSeconds() != null) {
          ENCODE_MILLIS.update(Math.round(r.getEncodeSeconds() * 1000));
        }
        if (!"ok".equals(r.getStatus())) {
          return r;
        }
        commit(outputRoot, target, output, r);
        BYTES_OUT.inc(r.getBytesOut() == null ? 0 : r.getBytesOut());
        return r;
      } finally {
        Files.deleteIfExists(target);
      }
    }
  }

  /**
   * The native steps for one local input, in this JVM or in a worker process: probe, the checks that
   * come before decoding, transcode to {@code target}, verify. {@code partial}: the row so far.
   */
  public static MigrationResult nativeSteps(GstProber prober, Profile profile, int encoderThreads,
      dev.gstbeam.Limits limits, Path source, String uri, long size, Path target, MigrationResult partial)
      throws IOException {
    MigrationResult.Builder row = MigrationResult.newBuilder(partial);
    ProbeOutcome probed = prober.probe(source, uri, size);
    if (!probed.succeeded()) {
      return fail(row, Stage.PROBE, probed.reason(), probed.message());
    }
    MediaInfo src = probed.media();
    row.setSourceDurationSeconds(src.getDurationSeconds()).setCodecsIn(codecs(src));
    if (!src.getDecodable()) {
      return fail(row, Stage.PROBE, FailureReason.MISSING_PLUGIN, "cannot decode here: missing "
          + String.join("; ", src.getMissingElements()));
    }
    String over = limits.problem(size, src);
    if (over != null) {
      return fail(row, Stage.PROBE, FailureReason.LIMIT_EXCEEDED, over);
    }
    String nothing = nothingToMigrate(src);
    if (nothing != null) {
      return fail(row, Stage.PLAN, FailureReason.UNSUPPORTED_CODEC, nothing);
    }
    String small = tooSmallForTheMuxer(profile, src);
    if (small != null) {
      return fail(row, Stage.PLAN, FailureReason.UNSUPPORTED_CODEC, small);
    }
    String unexposed = trackGStreamerDoesNotExpose(source, src);
    if (unexposed != null) {
      return fail(row, Stage.PLAN, FailureReason.UNSUPPORTED_CODEC, unexposed);
    }
    Files.createDirectories(target.getParent());
    return transcodeAndVerify(prober, profile, encoderThreads, source, target, src, row);
  }

  /**
   * Why a source with neither audio nor video (a subtitle file in a container, a data-only stream) has
   * nothing a profile makes an output of, or null when it has audio or video. Such a source used to run
   * into the stall watchdog: the muxer waits for a stream that never comes.
   */
  static String nothingToMigrate(MediaInfo src) {
    if (src.getStreams().stream().anyMatch(s -> "video".equals(s.getType()) || "audio".equals(s.getType()))) {
      return null;
    }
    java.util.Map<String, Long> kinds = new java.util.TreeMap<>();
    for (var s : src.getStreams()) {
      kinds.merge(String.valueOf(s.getType()), 1L, Long::sum);
    }
    StringBuilder has = new StringBuilder();
    kinds.forEach((k, n) -> has.append(has.length() == 0 ? "" : ", ").append(n).append(' ').append(k)
        .append(n == 1 ? " stream" : " streams"));
    return "nothing to migrate: the source has no audio or video stream"
        + (has.length() == 0 ? "" : " (" + has + ")");
  }

  /**
   * Why an MP4/MOV/3GP source would lose a whole kind of stream, or null: its boxes hold a video (audio)
   * track with samples, and GStreamer exposes no video (audio) stream at all. qtdemux skips a track
   * shorter than 20 % of the movie (Mp4Tracks); such a file used to migrate as "ok" without its video.
   * (A second track of a kind is not migrated anyway: the first of each kind is, and the row says so.)
   */
  static String trackGStreamerDoesNotExpose(Path source, MediaInfo src) {
    if (!dev.gstbeam.internal.probe.FfprobeVocabulary.isMp4Family(src.getContainer())) {
      return null;
    }
    boolean video = src.getStreams().stream().anyMatch(s -> "video".equals(s.getType()));
    boolean audio = src.getStreams().stream().anyMatch(s -> "audio".equals(s.getType()));
    for (dev.gstbeam.internal.segment.Mp4Tracks.Track t : dev.gstbeam.internal.segment.Mp4Tracks.of(source)) {
      String kind = t.handler().equals("vide") && !video ? "video" : t.handler().equals("soun") && !audio ? "audio" : null;
      if (kind == null || t.samples() == 0) {
        continue;
      }
      return String.format(java.util.Locale.ROOT, "the source's %s track (%d samples, %.3f s) is not among the"
          + " streams GStreamer's demuxer exposes%s: the output would lack it", kind, t.samples(), t.seconds(),
          t.skippedByQtdemux() ? " (qtdemux skips a track shorter than 20 % of the movie)" : "");
    }
    return null;
  }

  /**
   * Why an MP4 output's video cannot be verified here, or null: its video track is shorter than 20 % of
   * the movie, and qtdemux skips such a track (Mp4Tracks), so GStreamer finds no video to decode in it.
   */
  static String shortVideoTrack(Path output) {
    for (dev.gstbeam.internal.segment.Mp4Tracks.Track t : dev.gstbeam.internal.segment.Mp4Tracks.of(output)) {
      if (t.handler().equals("vide") && t.samples() > 0 && t.skippedByQtdemux()) {
        return String.format(java.util.Locale.ROOT, "cannot verify the output here: its video track (%d frames,"
            + " %.3f s) is shorter than 20 %% of the movie, and GStreamer's demuxer skips such a track",
            t.samples(), t.seconds());
      }
    }
    return null;
  }

  /**
   * Why the profile's muxer would refuse the output's video for its size, or null. The output is never
   * larger than the source (no upscaling), and GStreamer's mp4mux and webmmux take no video under 16x16:
   * such a source used to fail mid-stream with "Internal data stream error" after the encoder refused
   * its caps.
   */
  static String tooSmallForTheMuxer(Profile profile, MediaInfo src) {
    for (var s : src.getStreams()) {
      if (!"video".equals(s.getType()) || s.getWidth() == null || s.getHeight() == null
          || s.getWidth() <= 0 || s.getHeight() <= 0) {
        continue;
      }
      int[] par = {1, 1};
      String sar = s.getSampleAspectRatio();
      if (sar != null && sar.matches("[1-9][0-9]{0,8}:[1-9][0-9]{0,8}")) {
        par[0] = Integer.parseInt(sar.substring(0, sar.indexOf(':')));
        par[1] = Integer.parseInt(sar.substring(sar.indexOf(':') + 1));
      }
      dev.gstbeam.internal.transcode.OutputGeometry g = dev.gstbeam.internal.transcode.OutputGeometry.of(
          s.getWidth(), s.getHeight(), par[0], par[1], profile.maxHeight());
      int min = dev.gstbeam.internal.transcode.EncoderSettings.smallestVideoSide(profile);
      if (g.width() < min || g.height() < min) {
        return "the output video would be " + g.width() + "x" + g.height() + " (never larger than the source's "
            + s.getWidth() + "x" + s.getHeight() + "), and "
            + dev.gstbeam.internal.transcode.EncoderSettings.muxer(profile).factory() + " takes video from " + min
            + "x" + min + " up";
      }
      return null; // the first video stream is the one migrated
    }
    return null;
  }

  private static MigrationResult transcodeAndVerify(GstProber prober, Profile profile, int encoderThreads, Path source,
      Path target, MediaInfo src, MigrationResult.Builder row) {
    StreamCopy.Decision copy = StreamCopy.decide(profile, src);
    Subtitles text = subtitles(profile, source, src);
    MigrationResult.Builder start = MigrationResult.newBuilder(row.build());
    MigrationResult r = transcodeAndVerify(prober, profile, encoderThreads, source, target, src, row, copy, text);
    if (!copy.video() || "ok".equals(r.getStatus())) {
      return r;
    }
    // A copy that does not verify (a timeline the muxer could not rebuild): re-encode instead, and say so.
    MigrationResult again = transcodeAndVerify(prober, profile, encoderThreads, source, target, src, start,
        StreamCopy.Decision.NONE, text);
    String why = "video copy failed (" + r.getStage() + ": " + r.getMessage() + "), re-encoded";
    return MigrationResult.newBuilder(again)
        .setMessage(again.getMessage() == null ? why : why + "; " + again.getMessage()).build();
  }

  /** Subtitle codecs, in the probe's (ffprobe's) names, that GStreamer 1.22 gives as text. */
  static final java.util.Set<String> TEXT_SUBTITLES = java.util.Set.of("subrip", "ass", "ssa", "mov_text");

  /** Whether the probe's stream is a text subtitle track gstbeam can write ({@link #TEXT_SUBTITLES}). */
  static boolean isTextSubtitle(Stream s) {
    return "subtitle".equals(s.getType()) && s.getCodec() != null && TEXT_SUBTITLES.contains(s.getCodec());
  }

  /** The source's text subtitle tracks to write, or why they are not written (null: none to write). */
  record Subtitles(List<dev.gstbeam.internal.gst.TextSubtitles.Track> tracks, String notKept) {}

  static Subtitles subtitles(Profile profile, Path source, MediaInfo src) {
    long text = src.getStreams().stream()
        .filter(TranscodeFn::isTextSubtitle).count();
    if (text == 0) {
      return new Subtitles(List.of(), null);
    }
    if (!dev.gstbeam.internal.transcode.EncoderSettings.carriesTextSubtitles(profile)) {
      return new Subtitles(List.of(), text + " text subtitle track(s) dropped: the " + profile.container()
          + " container does not carry them as written here");
    }
    double seconds = src.getDurationSeconds() == null ? 60 : src.getDurationSeconds();
    Duration watchdog = Duration.ofSeconds(Math.min(6 * 3600, Math.max(120, Math.round(seconds * 4))));
    dev.gstbeam.internal.gst.TextSubtitles.Read read = dev.gstbeam.internal.gst.TextSubtitles.read(source, watchdog);
    if (!read.ok()) {
      return new Subtitles(List.of(), text + " text subtitle track(s) dropped: reading them failed ("
          + read.failure() + ")");
    }
    List<dev.gstbeam.internal.gst.TextSubtitles.Track> tracks =
        read.tracks().stream().filter(t -> !t.cues().isEmpty()).toList();
    return new Subtitles(tracks, tracks.size() < text
        ? (text - tracks.size()) + " text subtitle track(s) without cues GStreamer reads, not written" : null);
  }

  private static MigrationResult transcodeAndVerify(GstProber prober, Profile profile, int encoderThreads, Path source,
      Path target, MediaInfo src, MigrationResult.Builder row, StreamCopy.Decision copy, Subtitles text) {
    double seconds = src.getDurationSeconds() == null ? 60 : src.getDurationSeconds();
    // Watchdog scaled to the media: generous for slow presets on a busy slot, never unbounded.
    // Stalls (no progress for 30 s) are caught separately, so a damaged file claiming hours ends early.
    Duration watchdog = Duration.ofSeconds(Math.min(6 * 3600, Math.max(120, Math.round(seconds * 20))));
    long t0 = System.nanoTime();
    Transcoder.Outcome t =
        Transcoder.transcode(source, target, profile, watchdog, encoderThreads, copy, true, text.tracks());
    row.setEncodeSeconds(Math.round((System.nanoTime() - t0) / 1e6) / 1000.0);
    // A remux: the video went through as it was (the audio, if any, re-encoded).
    row.setAction(t.videoCopied() ? "remux" : "transcode").setVideoEncoder(t.videoEncoder())
        .setEncoderFallbackReason(t.encoderFallbackReason());
    List<String> notes = new ArrayList<>();
    if (t.videoCopied()) {
      notes.add(copy.note());
    }
    notes.addAll(t.notes());
    if (!t.ok()) {
      return fail(row, Stage.TRANSCODE, t.reason(), t.message());
    }
    if (text.notKept() != null) {
      notes.add(text.notKept());
    }
    if (t.textTracks() > 0) {
      notes.add("kept " + t.textTracks() + " text subtitle track" + (t.textTracks() == 1 ? "" : "s"));
    }
    // Nothing lost: a stream type the source has must be in the output.
    boolean srcVideo = src.getStreams().stream().anyMatch(s -> "video".equals(s.getType()));
    boolean srcAudio = src.getStreams().stream().anyMatch(s -> "audio".equals(s.getType()));
    if ((srcVideo && !t.video()) || (srcAudio && !t.audio())) {
      return fail(row, Stage.TRANSCODE, FailureReason.UNSUPPORTED_CODEC, "the source's "
          + (srcVideo && !t.video() ? "video" : "audio") + " stream produced no decoded output here");
    }
    int rotation = rotation(src);
    String rotationNote = keepRotation(profile, target, rotation);
    if (rotationNote != null) {
      notes.add(rotationNote);
    }
    ProbeOutcome probedOut = prober.probe(target, target.toUri().toString(), sizeOf(target));
    if (!probedOut.succeeded()) {
      return fail(row, Stage.VERIFY, FailureReason.CORRUPT, "output does not probe: " + probedOut.message());
    }
    MediaInfo out = probedOut.media();
    if (rotationNote == null && rotation(out) != rotation) {
      return fail(row, Stage.VERIFY, FailureReason.INTERNAL,
          "the output shows a rotation of " + rotation(out) + " degrees, the source " + rotation);
    }
    long textOut = out.getStreams().stream().filter(s -> "subtitle".equals(s.getType())).count();
    if (textOut != t.textTracks()) {
      return fail(row, Stage.VERIFY, FailureReason.INTERNAL, "the output has " + textOut
          + " subtitle track(s), " + t.textTracks() + " written");
    }
    row.setOutputDurationSeconds(out.getDurationSeconds()).setCodecsOut(codecs(out)).setBytesOut(sizeOf(target));
    if (t.video()) {
      FrameComparison.Result cmp = t.check() != null && !t.check().pairs().overflowed()
          ? checkedWhileEncoding(t.check(), source, target, t.geometry(), watchdog, notes)
          : null;
      boolean checkedWhileEncoding = cmp != null;
      if (cmp == null) {
        // A copied video, an encoder delay too long to hold its frames, or a transcode whose decode of
        // the source differs from an independent one: decode both files again, all frames.
        // With a profile frame rate, the source at that rate, as it was encoded.
        cmp = FrameComparison.compare(source, target, t.geometry().width(), t.geometry().height(), watchdog,
            profile.frameRate());
      }
      // The source's own frame count: counted while encoding, or (no check, no rate change) by the pass.
      row.setFramesIn(t.check() != null ? t.check().sourceFrames() : cmp.sourceFrames()).setFramesOut(cmp.outputFrames());
      if (!cmp.ok()) {
        String unverifiable = shortVideoTrack(target);
        if (unverifiable != null) {
          return fail(row, Stage.VERIFY, FailureReason.UNSUPPORTED_CODEC, unverifiable);
        }
        return fail(row, Stage.VERIFY, cmp.reason(), "output does not decode: " + cmp.message());
      }
      row.setPsnrMean(round(cmp.psnrMean())).setPsnrMin(round(cmp.psnrMin()));
      String countProblem = frameCountProblem(checkedWhileEncoding ? t.check() : null, cmp, profile.frameRate());
      if (countProblem != null) {
        return fail(row, Stage.VERIFY, FailureReason.CORRUPT, countProblem);
      }
      String lost = framesTheDemuxerDrops(source, src, row.getFramesIn(), profile.frameRate());
      if (lost != null) {
        return fail(row, Stage.VERIFY, FailureReason.CORRUPT, lost);
      }
      if (cmp.psnrMean() < profile.minPsnrMean() || cmp.psnrMin() < profile.minPsnrFrame()) {
        return fail(row, Stage.VERIFY, FailureReason.CORRUPT, String.format(java.util.Locale.ROOT,
            "PSNR mean %.2f dB / min %.2f dB below the profile's %.1f / %.1f", cmp.psnrMean(), cmp.psnrMin(),
            profile.minPsnrMean(), profile.minPsnrFrame()));
      }
    }
    String durationProblem = durationProblem(source, target, src, t.video(), t.audio(), watchdog);
    if (durationProblem != null) {
      return fail(row, Stage.VERIFY, FailureReason.CORRUPT, durationProblem);
    }
    if (!notes.isEmpty()) {
      row.setMessage(String.join("; ", notes));
    }
    return row.setStatus("ok").setReason(null).setStage(null).build();
  }

  /**
   * The comparison made while encoding ({@link EncodeCheck}), completed by the written file's frame
   * count (what the muxer kept is what players show): an MP4's tables, or the file decoded alone.
   */
  static FrameComparison.Result checkedWhileEncoding(EncodeCheck.Result check, Path source, Path target,
      dev.gstbeam.internal.transcode.OutputGeometry geometry, Duration watchdog, List<String> notes) {
    FramePairs.Result p = check.pairs();
    if (p.referenceFrames() == check.sourceFrames()) {
      // The output's first frames against the source decoded on its own must score what the same
      // frames scored against the encoder's input. (With a frame rate change they pair differently.)
      FrameComparison.Result spot = FrameComparison.compareFirst(source, target, geometry.width(), geometry.height(),
          watchdog, EncodeCheck.SPOT_FRAMES);
      int n = (int) Math.min(spot.sourceFrames(), spot.outputFrames());
      if (!spot.ok() || n <= 0) {
        return null;
      }
      if (!samePsnr(spot.psnrMean(), p.psnrOfFirst(n))) {
        // Worth saying: the encoder was fed frames that differ from the source as decoded on its own.
        notes.add(String.format(java.util.Locale.ROOT, "the transcode's decode of the source differs from a"
            + " standalone decode (first %d frames: %.2f dB from the encoder's input, %.2f dB from the source);"
            + " every frame compared with the source decoded on its own", n, p.psnrOfFirst(n), spot.psnrMean()));
        return null;
      }
    }
    // The frames the written file shows: from an MP4's sample tables and edit (the bits were decoded
    // while encoding, and the spot check decoded the file's start); other files are decoded for it.
    long shown = dev.gstbeam.internal.segment.Mp4ShownFrames.count(target);
    if (shown >= 0) {
      return new FrameComparison.Result(true, null, null, check.sourceFrames(), shown, p.psnrMean(), p.psnrMin());
    }
    FrameComparison.Result written = FrameComparison.countFrames(target, watchdog);
    return new FrameComparison.Result(written.ok(), written.reason(), written.message(), check.sourceFrames(),
        written.outputFrames(), p.psnrMean(), p.psnrMin());
  }

  /**
   * Null unless an MP4/MOV source's sample tables show more frames of its first video track than
   * GStreamer delivered from it: qtdemux does not deliver a sample that starts at or past the track's
   * stated duration (a muxer that writes the last sample's start as the duration), and the output, which
   * matches what was delivered, would silently lack it. Not checked with a profile frame rate (the
   * counts differ by design) or where the tables cannot be counted (fragments, several edits).
   */
  static String framesTheDemuxerDrops(Path source, MediaInfo src, Long decoded, int frameRate) {
    if (frameRate > 0 || decoded == null || !dev.gstbeam.internal.probe.FfprobeVocabulary.isMp4Family(src.getContainer())) {
      return null;
    }
    long shown = dev.gstbeam.internal.segment.Mp4ShownFrames.count(source);
    if (shown <= decoded) {
      return null;
    }
    return "the source's sample tables show " + shown + " video frames, GStreamer's demuxer delivered " + decoded
        + ": the output would lack " + (shown - decoded);
  }

  /** Equal within 0.1 dB (identical frames compared by the same maths give the same figure). */
  static boolean samePsnr(double a, double b) {
    return !Double.isNaN(a) && !Double.isNaN(b) && Math.abs(a - b) <= 0.1;
  }

  /**
   * Null when the output has as many frames as it should: the source's, or with a fixed output frame
   * rate the encoder's input's; and, when checked while encoding, every frame fed to the encoder came out
   * of it. Else what differs.
   */
  static String frameCountProblem(EncodeCheck.Result check, FrameComparison.Result cmp, int frameRate) {
    if (check == null || check.pairs().overflowed()) {
      // The separate pass: its source count is at the profile's frame rate when there is one.
      return cmp.sourceFrames() == cmp.outputFrames() ? null
          : "frame count " + cmp.outputFrames() + " differs from the source's " + cmp.sourceFrames()
              + (frameRate > 0 ? " at " + frameRate + " fps" : "");
    }
    FramePairs.Result p = check.pairs();
    if (p.decodedFrames() != p.referenceFrames()) {
      return "the encoder gave " + p.decodedFrames() + " frames for " + p.referenceFrames() + " fed to it";
    }
    if (cmp.outputFrames() == p.referenceFrames()) {
      return null;
    }
    return p.referenceFrames() == cmp.sourceFrames()
        ? "frame count " + cmp.outputFrames() + " differs from the source's " + cmp.sourceFrames()
        : "frame count " + cmp.outputFrames() + " differs from the " + p.referenceFrames()
            + " frames encoded (the source's " + cmp.sourceFrames() + " at the profile's frame rate)";
  }

  /**
   * Per stream, from a parse-only pass over both files (first to last timestamp): audio within 50 ms
   * of the source's, video within one frame. Null when fine.
   */
  /** The first video stream's display rotation (clockwise degrees), 0 when none. */
  static int rotation(MediaInfo m) {
    for (dev.gstbeam.model.Stream s : m.getStreams()) {
      if ("video".equals(s.getType())) {
        return s.getRotation() == null ? 0 : s.getRotation();
      }
    }
    return 0;
  }

  /**
   * Keeps the source's display rotation: written into an MP4 output's track matrix (GStreamer 1.22's
   * mp4mux drops it); Matroska and WebM have no standard field for it, which the returned note says.
   */
  static String keepRotation(Profile profile, Path target, int rotation) {
    if (rotation == 0) {
      return null;
    }
    if (!profile.container().equals("mp4")) {
      return "rotation of " + rotation + " degrees not kept (" + profile.container() + " has no standard field for it)";
    }
    try {
      if (!dev.gstbeam.internal.segment.Mp4Rotation.set(target, rotation)) {
        return "rotation of " + rotation + " degrees not kept (no video track header found)";
      }
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return null;
  }

  static String durationProblem(Path source, Path target, MediaInfo src, boolean video, boolean audio, Duration watchdog) {
    StreamScan.Result a = StreamScan.scan(source, true, watchdog);
    StreamScan.Result b = StreamScan.scan(target, true, watchdog);
    if (!b.outcome().ok()) {
      return "output does not parse to the end";
    }
    if (audio) {
      // Decoded samples, as ffmpeg counts them: packet timestamps misstate some sources (a FLAC
      // stream's last block at full size, ADPCM in WAV, PCM in Matroska without durations).
      long srcAudio = dev.gstbeam.internal.gst.AudioDuration.decodedNanos(source, watchdog);
      long outAudio = dev.gstbeam.internal.gst.AudioDuration.decodedNanos(target, watchdog);
      String p = srcAudio > 0 && outAudio > 0
          ? compare("audio", srcAudio, outAudio, 0.05)
          : compare("audio", a.extentNanos("audio/"), b.extentNanos("audio/"), 0.05);
      if (p != null) {
        return p;
      }
    }
    if (video) {
      double frame = 0.05;
      for (Stream s : src.getStreams()) {
        if ("video".equals(s.getType()) && s.getFrameRate() != null && s.getFrameRate() > 0) {
          frame = 1.0 / s.getFrameRate() + 0.001;
          break;
        }
      }
      return compare("video", a.extentNanos("video/"), b.extentNanos("video/"), frame);
    }
    return null;
  }

  static String compare(String what, long srcNanos, long outNanos, double toleranceSeconds) {
    if (srcNanos <= 0 || outNanos <= 0) {
      return null; // untimed streams: frame counts (video) decide
    }
    double d = Math.abs(srcNanos - outNanos) / 1e9;
    if (d > toleranceSeconds) {
      return String.format(java.util.Locale.ROOT, "%s duration %.3f s differs from the source's %.3f s by more than %.3f s",
          what, outNanos / 1e9, srcNanos / 1e9, toleranceSeconds);
    }
    return null;
  }

  /**
   * Temporaries a killed earlier attempt left for this output (hidden, never final): removed before a
   * new attempt, so a re-run leaves nothing behind.
   */
  static void removeStaleTemporaries(Path output) throws IOException {
    Path dir = output.getParent();
    if (dir == null || !Files.isDirectory(dir)) {
      return;
    }
    String suffix = "-" + output.getFileName();
    try (java.nio.file.DirectoryStream<Path> ds = Files.newDirectoryStream(dir, OutputPaths.TEMP_PREFIX + "*")) {
      for (Path p : ds) {
        String n = p.getFileName().toString();
        if (n.endsWith(suffix) && n.length() == OutputPaths.TEMP_PREFIX.length() + 8 + suffix.length()) {
          Files.deleteIfExists(p);
        }
      }
    }
  }

  /**
   * Records the row, then makes the output visible under its final name: a rename on a local file
   * system; on an object store a direct upload to the final key (an object appears only once its upload
   * completes, so a partial one is never visible, and S3A's rename would copy it again); elsewhere an
   * upload under a hidden name and a rename.
   */
  static void commit(String outputRoot, Path target, String output, MigrationResult r) throws IOException {
    r.setOutputUri(LocalMedia.isLocal(output) ? Paths.get(output).toUri().toString() : output);
    writeDone(outputRoot, output, r);
    if (LocalMedia.isLocal(output)) {
      Files.move(target, Paths.get(output), StandardCopyOption.ATOMIC_MOVE);
      return;
    }
    if (isObjectStore(output)) {
      ScratchArea.upload(target, output);
      return;
    }
    String tmp = OutputPaths.temporaryFor(output, UUID.randomUUID().toString().substring(0, 8));
    ScratchArea.upload(target, tmp);
    Retry.io("rename to " + output, () -> {
      FileSystems.rename(List.of(FileSystems.matchNewResource(tmp, false)),
          List.of(FileSystems.matchNewResource(output, false)), MoveOptions.StandardMoveOptions.IGNORE_MISSING_FILES);
      return null;
    });
  }

  /** Object stores whose objects appear whole or not at all. */
  static boolean isObjectStore(String uri) {
    return uri.startsWith("s3a://") || uri.startsWith("s3://") || uri.startsWith("gs://");
  }

  static boolean sameInput(MigrationResult done, FileIO.ReadableFile file) {
    return done.getUri().equals(LocalMedia.uriOf(file));
  }

  /** The row an earlier run recorded for {@code output}, when the output exists; else null. */
  static MigrationResult previous(String outputRoot, String output) throws IOException {
    if (!exists(output)) {
      return null;
    }
    String done = donePath(outputRoot, output);
    if (!exists(done)) {
      return null; // an output we did not write: transcode again, commit will replace it
    }
    return fromJson(Retry.io("read of " + done, () -> {
      try (InputStream in = Channels.newInputStream(FileSystems.open(FileSystems.matchNewResource(done, false)))) {
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
    }));
  }

  static void writeDone(String outputRoot, String output, MigrationResult r) throws IOException {
    String done = donePath(outputRoot, output);
    if (LocalMedia.isLocal(done)) {
      Path p = Paths.get(done);
      Files.createDirectories(p.getParent());
      Path tmp = p.resolveSibling(OutputPaths.TEMP_PREFIX + UUID.randomUUID() + ".json");
      Files.writeString(tmp, toJson(r), StandardCharsets.UTF_8);
      Files.move(tmp, p, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      return;
    }
    byte[] json = toJson(r).getBytes(StandardCharsets.UTF_8);
    Retry.io("write of " + done, () -> {
      try (OutputStream os = Channels.newOutputStream(
          FileSystems.create(FileSystems.matchNewResource(done, false), MimeTypes.TEXT))) {
        os.write(json);
      }
      return null;
    });
  }

  /** Avro's own JSON encoding (schema-exact, reads back as written). */
  static String toJson(MigrationResult r) throws IOException {
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    org.apache.avro.io.JsonEncoder enc = org.apache.avro.io.EncoderFactory.get().jsonEncoder(MigrationResult.getClassSchema(), bytes);
    new org.apache.avro.specific.SpecificDatumWriter<>(MigrationResult.class).write(r, enc);
    enc.flush();
    return bytes.toString(StandardCharsets.UTF_8);
  }

  static MigrationResult fromJson(String json) throws IOException {
    return new org.apache.avro.specific.SpecificDatumReader<>(MigrationResult.class)
        .read(null, org.apache.avro.io.DecoderFactory.get().jsonDecoder(MigrationResult.getClassSchema(), json));
  }

  static String donePath(String outputRoot, String output) {
    return root(outputRoot) + "_manifest/done/" + keyOf(output) + ".json";
  }

  /** A short stable key for an output path (names its done record and its segment work area). */
  static String keyOf(String output) {
    String key;
    try {
      key = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
          .digest(output.getBytes(StandardCharsets.UTF_8))).substring(0, 32);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    return key;
  }

  static String root(String outputRoot) {
    return outputRoot.endsWith("/") ? outputRoot : outputRoot + "/";
  }

  static boolean exists(String path) throws IOException {
    if (LocalMedia.isLocal(path)) {
      return Files.exists(Paths.get(path));
    }
    // By resource, not by match: a match spec is a glob of decoded names, a URI escapes some (spaces).
    return Retry.io("lookup of " + path, () -> {
      try (java.nio.channels.ReadableByteChannel ch = FileSystems.open(FileSystems.matchNewResource(path, false))) {
        return true;
      } catch (java.io.FileNotFoundException | java.nio.file.NoSuchFileException e) {
        return false;
      }
    });
  }

  static long sizeOf(Path p) {
    try {
      return Files.size(p);
    } catch (IOException e) {
      return -1;
    }
  }

  static List<String> codecs(MediaInfo m) {
    List<String> out = new ArrayList<>();
    for (Stream s : m.getStreams()) {
      if (s.getCodec() != null) {
        out.add(s.getCodec());
      }
    }
    return out;
  }

  static Double round(double v) {
    return Double.isNaN(v) ? null : Math.round(v * 1000) / 1000.0;
  }

  static MigrationResult fail(MigrationResult.Builder row, Stage stage, FailureReason reason, String message) {
    return row.setStatus("failed").setStage(stage.wireName())
        .setReason(reason.name()).setMessage(message == null ? reason.name() : message).build();
  }

}
