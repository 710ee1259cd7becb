package dev.gstbeam.internal.beam;

import dev.gstbeam.FailureReason;
import dev.gstbeam.Stage;
import dev.gstbeam.internal.gst.FrameComparison;
import dev.gstbeam.internal.gst.GstRuntime;
import dev.gstbeam.internal.gst.ProbeOutcome;
import dev.gstbeam.internal.gst.SegmentEncoder;
import dev.gstbeam.internal.gst.Stitcher;
import dev.gstbeam.internal.gst.StreamScan;
import dev.gstbeam.internal.paths.OutputPaths;
import dev.gstbeam.internal.segment.Segment;
import dev.gstbeam.internal.segment.SegmentPlan;
import dev.gstbeam.internal.segment.SegmentPlanner;
import dev.gstbeam.internal.transcode.Profile;
import dev.gstbeam.internal.transcode.StreamCopy;
import dev.gstbeam.model.MediaInfo;
import dev.gstbeam.model.MigrationResult;
import dev.gstbeam.model.SegmentFigures;
import dev.gstbeam.model.Stream;
import java.io.IOException;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.apache.beam.sdk.io.FileIO;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Distribution;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.TupleTag;

/**
 * Segmented migration of long inputs, in three steps with a shuffle between them so that the segments
 * of one file run on different slots at the same time:
 *
 * <ol>
 *   <li>{@link PlanFn}: per input, probe and a demux-only index of its video, then a
 *       {@link SegmentPlan}; one {@link SegmentTask} per segment (short, audio-only, remote or
 *       unplannable inputs go to the whole-file path instead).
 *   <li>{@link EncodeFn}: per segment, its frames exactly, into an intermediate MP4 in a work area
 *       under the output root ({@code _work/<key>/}); checked against the plan's frame count, and
 *       retried alone once when short. A finished segment is kept, so a re-run reuses it.
 *   <li>{@link StitchFn}: per input (grouped by output), join the segments and the audio (encoded once),
 *       verify the whole (frames, PSNR including the frames at every boundary, durations), commit as
 *       the whole-file path does, remove the work area.
 * </ol>
 */
public final class SegmentedMigration {
  private SegmentedMigration() {}

  private static final Counter SEGMENTS_OK = Metrics.counter(SegmentedMigration.class, "segments_ok");
  private static final Counter SEGMENTS_RETRIED = Metrics.counter(SegmentedMigration.class, "segments_retried");
  private static final Counter SEGMENTS_REUSED = Metrics.counter(SegmentedMigration.class, "segments_reused");
  private static final Counter SEGMENTS_FAILED = Metrics.counter(SegmentedMigration.class, "segments_failed");
  private static final Distribution SEGMENT_MILLIS = Metrics.distribution(SegmentedMigration.class, "segment_encode_millis");

  /** One segment's work: where the source is, which frames, where the result goes. */
  public record SegmentTask(String uri, String sourcePath, String output, String workDir, Segment segment, int total,
      boolean audio, Double sourceSeconds, long bytesIn, List<String> codecsIn, long plannedAtMillis, String dropped,
      int rotation)
      implements Serializable {}

  /** What one segment's work gave. */
  public record SegmentDone(SegmentTask task, boolean ok, String reason, String message, long frames, int attempts,
      double encodeSeconds, int width, int height, String encoder, String file, String encoderFallbackReason)
      implements Serializable {}

  /** Fault injection for tests: {@code "INDEX:FRAMES"}: segment INDEX's first attempt stops after FRAMES frames. */
  public static final String FAULT_PROPERTY = "gstbeam.test.segmentFault";

  static String workDir(String outputRoot, String output) {
    String dir = TranscodeFn.root(outputRoot) + "_work/" + TranscodeFn.keyOf(output);
    return LocalMedia.isLocal(dir) ? Paths.get(dir.replaceFirst("^file://", "")).toString() : dir;
  }

  /** Plans segments, or passes the input to the whole-file path, or answers it (skip) from an earlier run. */
  public static final class PlanFn extends ProbingDoFn<FileIO.ReadableFile, SegmentTask> {
    private static final long serialVersionUID = 1L;
    private final Profile profile;
    private final String inputPrefix;
    private final String outputRoot;
    private final double segmentSeconds;
    private final TupleTag<FileIO.ReadableFile> whole;
    private final dev.gstbeam.Limits limits;

    public PlanFn(Profile profile, String inputPrefix, String outputRoot, Duration probeTimeout, double segmentSeconds,
        TupleTag<FileIO.ReadableFile> whole, dev.gstbeam.Limits limits) {
      super(probeTimeout);
      this.limits = limits;
      this.profile = profile;
      this.inputPrefix = inputPrefix;
      this.outputRoot = outputRoot;
      this.segmentSeconds = segmentSeconds;
      this.whole = whole;
    }



    @ProcessElement
    public void process(@Element FileIO.ReadableFile file,
        @SideInput(OutputNames.RENAMES) java.util.Map<String, String> renames, MultiOutputReceiver out) throws IOException {
      String input = file.getMetadata().resourceId().toString();
      String output = OutputNames.outputFor(input, renames, inputPrefix, outputRoot, profile.extension());
      MigrationResult done = TranscodeFn.previous(outputRoot, output);
      if (done != null) {
        // Verified by an earlier run: the whole-file path reports it as skipped.
        out.get(whole).output(file);
        return;
      }
      long size = file.getMetadata().sizeBytes();
      if (limits.fileSizeProblem(size) != null) {
        out.get(whole).output(file); // the whole-file path reports it, without reading it
        return;
      }
      try (LocalMedia media = LocalMedia.of(input, size)) {
        plan(file, input, output, media, out);
      } catch (ScratchArea.FullException e) {
        out.get(whole).output(file); // the whole-file path reports it
      }
    }

    private void plan(FileIO.ReadableFile file, String input, String output, LocalMedia media, MultiOutputReceiver out)
        throws IOException {
      Path source = media.path();
      ProbeOutcome probed = prober().probe(source, media.uri(), media.sizeBytes());
      if (!probed.succeeded() || !probed.media().getDecodable()
          || limits.problem(media.sizeBytes(), probed.media()) != null) {
        out.get(whole).output(file);
        return;
      }
      MediaInfo src = probed.media();
      Double seconds = src.getDurationSeconds();
      boolean video = src.getStreams().stream().anyMatch(s -> "video".equals(s.getType()));
      if (!video || seconds == null || seconds < 2 * segmentSeconds || StreamCopy.decide(profile, src).video()
          || TranscodeFn.tooSmallForTheMuxer(profile, src) != null) {
        // Short, audio-only, or video that is copied as it is (nothing to encode in segments): whole file.
        out.get(whole).output(file);
        return;
      }
      Duration watchdog = Duration.ofSeconds(Math.max(120, Math.round(seconds)));
      StreamScan.Result scan = StreamScan.scan(source, true, watchdog);
      StreamScan.ScannedStream v = null;
      for (StreamScan.ScannedStream s : scan.streams()) {
        if (s.caps() != null && s.caps().startsWith("video/")) {
          v = s;
          break;
        }
      }
      if (!scan.outcome().ok() || v == null) {
        out.get(whole).output(file);
        return;
      }
      SegmentPlan plan;
      try {
        plan = SegmentPlanner.plan(v.packetPtsNanos(), v.packetKeyframes(), frameNanos(src), segmentSeconds);
      } catch (IllegalArgumentException e) {
        out.get(whole).output(file); // cannot place every frame in a segment: the whole file, in one piece
        return;
      }
      if (plan.size() < 2) {
        out.get(whole).output(file);
        return;
      }
      String work = workDir(outputRoot, output);
      prepareWorkArea(new WorkArea(work), fingerprint(profile, plan, file.getMetadata()));
      String sourceLocation = LocalMedia.isLocal(input) ? source.toString() : input;
      boolean audio = src.getStreams().stream().anyMatch(s -> "audio".equals(s.getType()));
      long now = System.currentTimeMillis();
      dev.gstbeam.JobProgress.segmentsPlanned(plan.size());
      for (Segment s : plan.segments()) {
        out.get(new TupleTag<SegmentTask>(TASKS_ID)).output(new SegmentTask(input, sourceLocation, output, work, s,
            plan.size(), audio, seconds, file.getMetadata().sizeBytes(), List.copyOf(TranscodeFn.codecs(src)), now,
            dropped(src, profile), TranscodeFn.rotation(src)));
      }
    }

    /**
     * The streams besides the first video and first audio, which the output does not carry (said in the
     * row); text subtitles are not among them where the profile's container carries them (the stitch
     * writes those, and says so when it cannot).
     */
    static String dropped(MediaInfo src, Profile profile) {
      List<String> out = new ArrayList<>();
      boolean video = false;
      boolean audio = false;
      for (Stream s : src.getStreams()) {
        if ("video".equals(s.getType()) && !video) {
          video = true;
        } else if ("audio".equals(s.getType()) && !audio) {
          audio = true;
        } else if (TranscodeFn.isTextSubtitle(s) && dev.gstbeam.internal.transcode.EncoderSettings.carriesTextSubtitles(profile)) {
          continue; // written by the stitch
        } else {
          out.add(s.getType() + " stream" + (s.getCodec() == null ? "" : " " + s.getCodec()));
        }
      }
      return String.join(", ", out);
    }

    private static long frameNanos(MediaInfo src) {
      for (Stream s : src.getStreams()) {
        if ("video".equals(s.getType()) && s.getFrameRate() != null && s.getFrameRate() > 0) {
          return Math.round(1e9 / s.getFrameRate());
        }
      }
      return 0;
    }
  }

  /** The main output's id (tasks); see {@link #tasksTag()}. */
  static final String TASKS_ID = "segmentTasks";

  public static TupleTag<SegmentTask> tasksTag() {
    return new TupleTag<>(TASKS_ID);
  }

  /** What a work area holds must come from the same plan, profile and source; else it is emptied. */
  static String fingerprint(Profile profile, SegmentPlan plan, org.apache.beam.sdk.io.fs.MatchResult.Metadata source) {
    StringBuilder b = new StringBuilder();
    b.append(profile).append('\n').append(source.sizeBytes()).append(' ')
        .append(source.lastModifiedMillis()).append('\n');
    for (Segment s : plan.segments()) {
      b.append(s).append('\n');
    }
    return b.toString();
  }

  static void prepareWorkArea(WorkArea area, String fingerprint) throws IOException {
    if (area.exists("plan.txt") && area.read("plan.txt").equals(fingerprint)) {
      return; // an earlier run's segments for the same plan: reused
    }
    area.delete();
    area.write("plan.txt", fingerprint);
  }

  /** Encodes one segment (reusing it when an earlier run finished it), retrying it alone once. */
  public static final class EncodeFn extends DoFn<SegmentTask, KV<String, SegmentDone>> {
    private static final long serialVersionUID = 1L;
    private final Profile profile;
    private final int threads;

    public EncodeFn(Profile profile, int threads) {
      this.profile = profile;
      this.threads = threads;
    }

    @Setup
    public void setup() {
      GstRuntime.ensureInitialized();
    }

    @ProcessElement
    public void process(@Element SegmentTask task, OutputReceiver<KV<String, SegmentDone>> out) throws IOException {
      out.output(KV.of(task.output(), encode(task)));
      dev.gstbeam.JobProgress.segmentDone();
    }

    SegmentDone encode(SegmentTask task) throws IOException {
      Segment seg = task.segment();
      WorkArea area = new WorkArea(task.workDir());
      String fileName = String.format(Locale.ROOT, "seg-%05d.mp4", seg.index());
      String framesName = String.format(Locale.ROOT, "seg-%05d.frames", seg.index());
      if (area.exists(fileName) && area.exists(framesName)) {
        String[] f = area.read(framesName).trim().split(" ", 5);
        SEGMENTS_REUSED.inc();
        return new SegmentDone(task, true, null, "reused", Long.parseLong(f[0]), 0, 0, Integer.parseInt(f[1]),
            Integer.parseInt(f[2]), f[3], area.locationOf(fileName), f.length > 4 ? f[4] : null);
      }
      Duration watchdog = Duration.ofSeconds(Math.max(120, Math.round(seg.seconds() * 30)));
      long faultFrames = faultFramesFor(seg.index());
      String reason = null;
      String message = null;
      long got = 0;
      double spent = 0;
      try (LocalMedia source = LocalMedia.of(task.sourcePath(), task.bytesIn())) {
        for (int attempt = 1; attempt <= 2; attempt++) {
          Path tmp = area.temporary(fileName);
          long t0 = System.nanoTime();
          try {
            SegmentEncoder.Outcome o = SegmentEncoder.encode(source.path(), seg, tmp, profile, watchdog,
                threads, attempt == 1 ? faultFrames : -1, attempt == 1);
            double secs = (System.nanoTime() - t0) / 1e9;
            spent += secs;
            SEGMENT_MILLIS.update(Math.round(secs * 1000));
            got = o.frames();
            if (o.ok() && seg.complete(o.frames())) {
              // The segment first, then its frame count: the count's presence marks a finished segment.
              area.put(fileName, tmp);
              area.write(framesName, o.frames() + " " + o.geometry().width() + " " + o.geometry().height() + " "
                  + o.videoEncoder() + (o.encoderFallbackReason() == null ? "" : " " + o.encoderFallbackReason()));
              SEGMENTS_OK.inc();
              return new SegmentDone(task, true, null, null, o.frames(), attempt, round3(spent), o.geometry().width(),
                  o.geometry().height(), o.videoEncoder(), area.locationOf(fileName), o.encoderFallbackReason());
            }
            reason = o.ok() ? FailureReason.CORRUPT.name() : o.reason().name();
            message = o.ok()
                ? "segment " + seg.index() + " gave " + o.frames() + " frames, the plan says " + seg.frames()
                : "segment " + seg.index() + ": " + o.message();
            if (attempt == 1) {
              SEGMENTS_RETRIED.inc();
            }
          } finally {
            Files.deleteIfExists(tmp);
          }
        }
      } catch (ScratchArea.FullException e) {
        reason = FailureReason.LIMIT_EXCEEDED.name();
        message = ProbeFn.oneLine(e);
      }
      SEGMENTS_FAILED.inc();
      return new SegmentDone(task, false, reason, message, got, 2, round3(spent), 0, 0, null, null, null);
    }

    private static long faultFramesFor(int index) {
      String f = System.getProperty(FAULT_PROPERTY);
      if (f == null || !f.contains(":")) {
        return -1;
      }
      String[] p = f.split(":");
      return Integer.parseInt(p[0]) == index ? Long.parseLong(p[1]) : -1;
    }
  }

  /** Joins one input's segments and its audio, verifies the whole, commits it, and gives its row. */
  public static final class StitchFn extends ProbingDoFn<KV<String, Iterable<SegmentDone>>, MigrationResult> {
    private static final long serialVersionUID = 1L;
    private final Profile profile;
    private final String outputRoot;

    public StitchFn(Profile profile, String outputRoot, Duration probeTimeout) {
      super(probeTimeout);
      this.profile = profile;
      this.outputRoot = outputRoot;
    }



    @ProcessElement
    public void process(@Element KV<String, Iterable<SegmentDone>> group, OutputReceiver<MigrationResult> out) {
      List<SegmentDone> parts = new ArrayList<>();
      group.getValue().forEach(parts::add);
      parts.sort(Comparator.comparingInt(d -> d.task().segment().index()));
      SegmentTask first = parts.get(0).task();
      MigrationResult.Builder row = MigrationResult.newBuilder()
          .setUri(LocalMedia.isLocal(first.uri()) ? Paths.get(first.sourcePath()).toUri().toString() : first.uri())
          .setProfile(profile.name())
          .setStatus("failed")
          .setAttempts(1)
          .setAction("transcode")
          .setSegments(first.total())
          .setWallSeconds(0)
          .setBytesIn(first.bytesIn())
          .setSourceDurationSeconds(first.sourceSeconds())
          .setCodecsIn(first.codecsIn());
      MigrationResult r;
      try {
        r = stitchAndVerify(parts, row);
      } catch (IOException e) {
        r = TranscodeFn.fail(row, Stage.WRITE, FailureReason.IO_ERROR, ProbeFn.oneLine(e));
      } catch (RuntimeException e) {
        r = TranscodeFn.fail(row, Stage.STITCH, FailureReason.INTERNAL, e.getClass().getSimpleName() + ": " + ProbeFn.oneLine(e));
      }
      r.setWallSeconds(round3((System.currentTimeMillis() - first.plannedAtMillis()) / 1000.0));
      r.setFinishedAt(Instant.now().toString());
      Metrics.counter(TranscodeFn.class, "ok".equals(r.getStatus()) ? "files_ok" : "files_failed").inc();
      dev.gstbeam.JobProgress.finished("ok".equals(r.getStatus()),
          r.getSourceDurationSeconds() == null ? 0 : r.getSourceDurationSeconds());
      out.output(r);
    }

    private MigrationResult stitchAndVerify(List<SegmentDone> parts, MigrationResult.Builder row) throws IOException {
      SegmentTask first = parts.get(0).task();
      if (parts.size() != first.total()) {
        return TranscodeFn.fail(row, Stage.STITCH, FailureReason.INTERNAL,
            parts.size() + " of " + first.total() + " segments arrived");
      }
      double encodeSeconds = 0;
      int attempts = 1;
      for (SegmentDone d : parts) {
        encodeSeconds += d.encodeSeconds();
        attempts = Math.max(attempts, d.attempts());
        if (!d.ok()) {
          row.setAttempts(attempts);
          return TranscodeFn.fail(row, Stage.TRANSCODE, FailureReason.valueOf(d.reason()), d.message());
        }
      }
      java.util.Set<String> encoders = new java.util.TreeSet<>();
      parts.forEach(d -> encoders.add(d.encoder()));
      if (encoders.size() > 1) {
        // Different encoders' streams do not stitch into one (parameter sets differ): workers differ.
        row.setAttempts(attempts);
        return TranscodeFn.fail(row, Stage.TRANSCODE, FailureReason.INTERNAL, "segments were encoded by "
            + String.join(" and ", encoders) + " (workers with different encoders); run on uniform workers or without --segment-seconds");
      }
      row.setAttempts(attempts).setEncodeSeconds(round3(encodeSeconds)).setVideoEncoder(parts.get(0).encoder())
          .setEncoderFallbackReason(parts.get(0).encoderFallbackReason());
      String output = first.output();
      WorkArea area = new WorkArea(first.workDir());
      boolean localOutput = LocalMedia.isLocal(output);
      Path target = localOutput
          ? Paths.get(OutputPaths.temporaryFor(output, UUID.randomUUID().toString().substring(0, 8)))
          : ScratchArea.get().dir().resolve(OutputPaths.TEMP_PREFIX + UUID.randomUUID() + "." + profile.extension());
      Files.createDirectories(target.getParent());
      if (localOutput) {
        TranscodeFn.removeStaleTemporaries(Paths.get(output));
      }
      double seconds = first.sourceSeconds() == null ? 60 : first.sourceSeconds();
      Duration watchdog = Duration.ofSeconds(Math.min(6 * 3600, Math.max(120, Math.round(seconds * 20))));
      List<Path> downloaded = new ArrayList<>();
      try (LocalMedia media = LocalMedia.of(first.sourcePath(), first.bytesIn())) {
        Path source = media.path();
        List<Path> files = new ArrayList<>();
        for (SegmentDone d : parts) {
          if (area.isLocal()) {
            files.add(Paths.get(d.file()));
          } else {
            Path local = area.temporary(d.file().substring(d.file().lastIndexOf('/') + 1));
            downloaded.add(local);
            ScratchArea.download(d.file(), local);
            files.add(local);
          }
        }
        ProbeOutcome probedSrc = prober().probe(source, media.uri(), first.bytesIn());
        if (!probedSrc.succeeded()) {
          return TranscodeFn.fail(row, Stage.VERIFY, probedSrc.reason(), "source no longer probes: " + probedSrc.message());
        }
        TranscodeFn.Subtitles text = TranscodeFn.subtitles(profile, source, probedSrc.media());
        Stitcher.Outcome st = Stitcher.stitch(files, source, first.audio(), target, profile, watchdog, text.tracks());
        if (!st.ok()) {
          return TranscodeFn.fail(row, Stage.STITCH, st.reason(), st.message());
        }
        if (first.audio() && !st.audio()) {
          return TranscodeFn.fail(row, Stage.STITCH, FailureReason.UNSUPPORTED_CODEC,
              "the source's audio stream produced no decoded output here");
        }
        String rotationNote = TranscodeFn.keepRotation(profile, target, first.rotation());
        ProbeOutcome probedOut = prober().probe(target, target.toUri().toString(), TranscodeFn.sizeOf(target));
        if (!probedOut.succeeded()) {
          return TranscodeFn.fail(row, Stage.VERIFY, FailureReason.CORRUPT, "output does not probe: " + probedOut.message());
        }
        MediaInfo outInfo = probedOut.media();
        long textOut = outInfo.getStreams().stream().filter(x -> "subtitle".equals(x.getType())).count();
        if (textOut != st.textTracks()) {
          return TranscodeFn.fail(row, Stage.VERIFY, FailureReason.INTERNAL, "the output has " + textOut
              + " subtitle track(s), " + st.textTracks() + " written");
        }
        if (rotationNote == null && TranscodeFn.rotation(outInfo) != first.rotation()) {
          return TranscodeFn.fail(row, Stage.VERIFY, FailureReason.INTERNAL, "the output shows a rotation of "
              + TranscodeFn.rotation(outInfo) + " degrees, the source " + first.rotation());
        }
        row.setOutputDurationSeconds(outInfo.getDurationSeconds()).setCodecsOut(TranscodeFn.codecs(outInfo))
            .setBytesOut(TranscodeFn.sizeOf(target));

        long[] given = parts.stream().mapToLong(SegmentDone::frames).toArray();
        long[] starts = SegmentPlan.firstFrameNumbers(given);
        long[] watch = new long[starts.length * 2];
        for (int i = 0; i < starts.length; i++) {
          watch[2 * i] = starts[i];
          watch[2 * i + 1] = starts[i] - 1;
        }
        int w = parts.get(0).width();
        int h = parts.get(0).height();
        FrameComparison.Result cmp = FrameComparison.compare(source, target, w, h, watchdog, watch);
        row.setFramesIn(cmp.sourceFrames()).setFramesOut(cmp.outputFrames());
        List<SegmentFigures> figures = new ArrayList<>();
        for (int i = 0; i < parts.size(); i++) {
          SegmentDone d = parts.get(i);
          Segment s = d.task().segment();
          figures.add(SegmentFigures.newBuilder()
              .setIndex(s.index())
              .setStartSeconds(round3(s.offsetNanos() / 1e9))
              .setFrames(d.frames())
              .setKeyframeCut(s.keyframeCut())
              .setAttempts(d.attempts())
              .setEncodeSeconds(d.encodeSeconds())
              .setPsnrFirst(cmp.framePsnr().get(starts[i]))
              .setPsnrBefore(i == 0 ? null : cmp.framePsnr().get(starts[i] - 1))
              .build());
        }
        row.setSegmentDetails(figures);
        if (!cmp.ok()) {
          return TranscodeFn.fail(row, Stage.VERIFY, cmp.reason(), "output does not decode: " + cmp.message());
        }
        row.setPsnrMean(TranscodeFn.round(cmp.psnrMean())).setPsnrMin(TranscodeFn.round(cmp.psnrMin()));
        if (cmp.sourceFrames() != cmp.outputFrames()) {
          return TranscodeFn.fail(row, Stage.VERIFY, FailureReason.CORRUPT,
              "frame count " + cmp.outputFrames() + " differs from the source's " + cmp.sourceFrames());
        }
        String lost = TranscodeFn.framesTheDemuxerDrops(source, probedSrc.media(), cmp.sourceFrames(), 0);
        if (lost != null) {
          return TranscodeFn.fail(row, Stage.VERIFY, FailureReason.CORRUPT, lost);
        }
        if (cmp.psnrMean() < profile.minPsnrMean() || cmp.psnrMin() < profile.minPsnrFrame()) {
          return TranscodeFn.fail(row, Stage.VERIFY, FailureReason.CORRUPT, String.format(Locale.ROOT,
              "PSNR mean %.2f dB / min %.2f dB below the profile's %.1f / %.1f", cmp.psnrMean(), cmp.psnrMin(),
              profile.minPsnrMean(), profile.minPsnrFrame()));
        }
        String durationProblem = TranscodeFn.durationProblem(source, target, probedSrc.media(), true, first.audio(), watchdog);
        if (durationProblem != null) {
          return TranscodeFn.fail(row, Stage.VERIFY, FailureReason.CORRUPT, durationProblem);
        }
        MigrationResult r = row.setStatus("ok").setReason(null).setStage(null)
            .setMessage("stitched from " + parts.size() + " segments"
                + (st.textTracks() == 0 ? "" : "; kept " + st.textTracks() + " text subtitle track"
                    + (st.textTracks() == 1 ? "" : "s"))
                + (text.notKept() == null ? "" : "; " + text.notKept())
                + (first.dropped().isEmpty() ? "" : "; dropped " + first.dropped())
                + (rotationNote == null ? "" : "; " + rotationNote)).build();
        TranscodeFn.commit(outputRoot, target, output, r);
        area.delete();
        return r;
      } finally {
        Files.deleteIfExists(target);
        for (Path p : downloaded) {
          Files.deleteIfExists(p);
        }
      }
    }
  }

  static double round3(double v) {
    return Math.round(v * 1000) / 1000.0;
  }
}
