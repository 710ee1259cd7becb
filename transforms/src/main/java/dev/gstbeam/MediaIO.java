package dev.gstbeam;

import static java.util.Objects.requireNonNull;

import dev.gstbeam.internal.beam.KeyframeIndexFn;
import dev.gstbeam.internal.beam.MediaIOTags;
import dev.gstbeam.internal.beam.ProbeFn;
import dev.gstbeam.internal.beam.TranscodeFn;
import dev.gstbeam.internal.paths.OutputPaths;
import dev.gstbeam.internal.transcode.Profile;
import dev.gstbeam.internal.transcode.Profiles;
import dev.gstbeam.model.Failure;
import dev.gstbeam.model.KeyframeIndex;
import dev.gstbeam.model.MediaInfo;
import dev.gstbeam.model.MigrationResult;
import java.time.Duration;
import org.apache.beam.sdk.extensions.avro.coders.AvroCoder;
import org.apache.beam.sdk.io.FileIO;
import org.apache.beam.sdk.io.fs.EmptyMatchTreatment;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.Values;
import org.apache.beam.sdk.transforms.WithKeys;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.SerializableCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.io.ReadableFileCoder;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTagList;
import dev.gstbeam.internal.beam.SegmentedMigration;
import dev.gstbeam.internal.beam.OutputNames;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.transforms.Reshuffle;
import org.apache.beam.sdk.transforms.display.DisplayData;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TupleTag;

/**
 * Beam transforms over media files, backed by GStreamer.
 *
 * <h2>Probing</h2>
 *
 * <pre>{@code
 * ProbeResult<MediaInfo> r = p.apply(MediaIO.probe().from("/archive/**"));
 * r.output();    // PCollection<MediaInfo>: one record per readable file, in ffprobe's vocabulary
 * r.failures();  // PCollection<Failure>: one record per file that is not media, damaged, ...
 * }</pre>
 *
 * <p>{@link #probeFiles()} does the same over {@code FileIO.ReadableFile}s a pipeline matched itself.
 * {@link #indexKeyframes()} gives each file's video keyframe times from a demux-only pass.
 *
 * <p>Every input ends in exactly one of the two outputs. GStreamer objects are created per bundle and
 * torn down at its end; each file is probed under a watchdog ({@code withTimeout}).
 */
public final class MediaIO {
  private MediaIO() {}

  static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

  /**
   * The resource hint on the transcoding steps ({@code Transcode}, {@code TranscodeSegments}): on a
   * cluster with GPU-tagged TaskManagers, gstbeam's GPU-aware Flink runner places them on GPU slots
   * (other runners ignore it).
   */
  public static final org.apache.beam.sdk.transforms.resourcehints.ResourceHints ACCELERATED =
      org.apache.beam.sdk.transforms.resourcehints.ResourceHints.create().withAccelerator("type:gpu;count:1");

  /** Probes the files matching a pattern (local path, glob, or any Beam file system's URI). */
  public static Probe probe() {
    return new Probe(null, DEFAULT_TIMEOUT, EmptyMatchTreatment.ALLOW_IF_WILDCARD, Limits.defaults(), false);
  }

  /** Probes files already matched and opened by {@code FileIO.readMatches()}. */
  public static ProbeFiles probeFiles() {
    return new ProbeFiles(DEFAULT_TIMEOUT, null, Limits.defaults(), false);
  }

  /** Indexes video keyframes of files already matched by {@code FileIO.readMatches()}. */
  public static IndexKeyframes indexKeyframes() {
    return new IndexKeyframes(Duration.ofMinutes(10));
  }

  /**
   * Migrates the files matching a pattern: probe, transcode with a profile, verify, commit. Outputs
   * mirror the inputs' paths below the pattern's fixed prefix, under {@code to(root)}; one
   * {@link MigrationResult} per input.
   */
  public static Transcode transcode() {
    return new Transcode(null, null, "mp4-h264-aac", null, null, null, 0, 0, Limits.defaults(), false);
  }

  private static Duration checkTimeout(Duration timeout) {
    requireNonNull(timeout, "timeout");
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be positive, was " + timeout);
    }
    return timeout;
  }

  /** {@link #transcode()}: match, read, redistribute, transcode and verify each file. */
  public static final class Transcode extends PTransform<PBegin, PCollection<MigrationResult>> {
    private static final long serialVersionUID = 1L;
    private final String filepattern;
    private final String outputRoot;
    private final String profile;
    private final String preset;
    private final Integer crf;
    private final String copy;
    private final int encoderThreads;
    private final double segmentSeconds;
    private final Limits limits;
    private final boolean isolated;

    private Transcode(String filepattern, String outputRoot, String profile, String preset, Integer crf, String copy, int encoderThreads,
        double segmentSeconds, Limits limits, boolean isolated) {
      this.copy = copy;
      this.segmentSeconds = segmentSeconds;
      this.limits = limits;
      this.isolated = isolated;
      this.filepattern = filepattern;
      this.outputRoot = outputRoot;
      this.profile = profile;
      this.preset = preset;
      this.crf = crf;
      this.encoderThreads = encoderThreads;
    }

    /** The files to migrate: a path, a glob or a URI pattern. */
    public Transcode from(String pattern) {
      requireNonNull(pattern, "pattern");
      return new Transcode(pattern, outputRoot, profile, preset, crf, copy, encoderThreads, segmentSeconds, limits, isolated);
    }

    /** The output root (a local directory or a file system URI). */
    public Transcode to(String root) {
      requireNonNull(root, "root");
      return new Transcode(filepattern, root, profile, preset, crf, copy, encoderThreads, segmentSeconds, limits, isolated);
    }

    /** A built-in profile name or a JSON profile file. Default {@code mp4-h264-aac}. */
    public Transcode withProfile(String nameOrFile) {
      Profiles.resolve(nameOrFile); // fail at construction, naming the valid choices
      return new Transcode(filepattern, outputRoot, nameOrFile, preset, crf, copy, encoderThreads, segmentSeconds, limits, isolated);
    }

    /** Overrides the profile's encoder preset (x264 names, ultrafast … veryslow). */
    public Transcode withPreset(String p) {
      return new Transcode(filepattern, outputRoot, profile, p, crf, copy, encoderThreads, segmentSeconds, limits, isolated);
    }

    /** Overrides the profile's constant-quality level. */
    public Transcode withCrf(int c) {
      return new Transcode(filepattern, outputRoot, profile, preset, c, copy, encoderThreads, segmentSeconds, limits, isolated);
    }

    /**
     * {@code auto}: a source video stream that already fits the profile is copied instead of re-encoded
     * (the audio is re-encoded); {@code none}: always re-encode. Default: the profile's ({@code auto}).
     */
    public Transcode withCopy(String mode) {
      requireNonNull(mode, "mode");
      resolvedProfile().withCopy(mode); // fail at construction, naming the valid modes
      return new Transcode(filepattern, outputRoot, profile, preset, crf, mode, encoderThreads, segmentSeconds, limits, isolated);
    }

    /** Encoder threads per file or segment (the slot's share of its machine); 0 (default): the encoder's own choice. */
    public Transcode withEncoderThreads(int n) {
      return new Transcode(filepattern, outputRoot, profile, preset, crf, copy, n, segmentSeconds, limits, isolated);
    }

    /**
     * Splits inputs longer than twice {@code seconds} at keyframes into segments of about that length,
     * transcoded in parallel on any slot and stitched back frame-exact; 0 (the default): whole files.
     */
    public Transcode withSegmentSeconds(double seconds) {
      if (seconds < 0 || Double.isNaN(seconds)) {
        throw new IllegalArgumentException("segment seconds must be positive (or 0 for whole files): " + seconds);
      }
      return new Transcode(filepattern, outputRoot, profile, preset, crf, copy, encoderThreads, seconds, limits, isolated);
    }

    /** Bounds checked before decoding (default {@link Limits#defaults()}); over them: LIMIT_EXCEEDED. */
    public Transcode withLimits(Limits l) {
      requireNonNull(l, "limits");
      return new Transcode(filepattern, outputRoot, profile, preset, crf, copy, encoderThreads, segmentSeconds, l, isolated);
    }

    public Limits limits() {
      return limits;
    }

    /**
     * Runs each input's GStreamer work (probe, transcode, verify) in a worker process, so that a native
     * crash fails that input (CORRUPT, with the signal; quarantined after crashing two workers) instead
     * of the slot. Segments of segmented migrations run in process.
     */
    public Transcode withProcessIsolation(boolean on) {
      return new Transcode(filepattern, outputRoot, profile, preset, crf, copy, encoderThreads, segmentSeconds, limits, on);
    }

    /** The resolved profile, overrides applied. */
    public Profile resolvedProfile() {
      Profile p = Profiles.resolve(profile);
      if (preset != null) {
        p = p.withPreset(preset);
      }
      if (crf != null) {
        p = p.withCrf(crf);
      }
      if (copy != null) {
        p = p.withCopy(copy);
      }
      return p;
    }

    @Override
    public PCollection<MigrationResult> expand(PBegin input) {
      if (filepattern == null || outputRoot == null) {
        throw new IllegalStateException("MediaIO.transcode() needs from(pattern) and to(outputRoot)");
      }
      Profile p = resolvedProfile();
      int threads = Math.max(0, encoderThreads); // 0: each encoder's own choice for this machine
      String prefix = dev.gstbeam.internal.beam.MatchFiles.asMatched(OutputPaths.fixedPrefix(filepattern));
      PCollection<FileIO.ReadableFile> files = input
          .apply("Match", dev.gstbeam.internal.beam.MatchFiles.of(filepattern, EmptyMatchTreatment.ALLOW_IF_WILDCARD))
          .apply("Read", FileIO.readMatches().withDirectoryTreatment(FileIO.ReadMatches.DirectoryTreatment.SKIP))
          .apply("SkipOwnOutputs", org.apache.beam.sdk.transforms.Filter.by(
              (FileIO.ReadableFile f) -> !f.getMetadata().resourceId().toString().startsWith(
                  outputRoot.endsWith("/") ? outputRoot : outputRoot + "/")))
          .apply("Redistribute", Reshuffle.viaRandomKey())
          .apply("CountInputs", ParDo.of(new dev.gstbeam.internal.beam.CountInputsFn()));
      PCollectionView<java.util.Map<String, String>> renames =
          OutputNames.renames(files, prefix, outputRoot, p.extension());
      if (segmentSeconds <= 0) {
        return files
            .apply("Transcode", ParDo.of(new TranscodeFn(p, prefix, outputRoot, DEFAULT_TIMEOUT, threads, limits, isolated))
                .withSideInput(OutputNames.RENAMES, renames).setResourceHints(ACCELERATED))
            .setCoder(AvroCoder.of(MigrationResult.class));
      }
      TupleTag<SegmentedMigration.SegmentTask> tasks = SegmentedMigration.tasksTag();
      TupleTag<FileIO.ReadableFile> whole = new TupleTag<>("wholeFiles");
      PCollectionTuple planned = files.apply("PlanSegments",
          ParDo.of(new SegmentedMigration.PlanFn(p, prefix, outputRoot, DEFAULT_TIMEOUT, segmentSeconds, whole, limits))
              .withSideInput(OutputNames.RENAMES, renames)
              .withOutputTags(tasks, TupleTagList.of(whole)));
      PCollection<MigrationResult> wholeRows = planned.get(whole)
          .setCoder(ReadableFileCoder.of())
          .apply("Transcode", ParDo.of(new TranscodeFn(p, prefix, outputRoot, DEFAULT_TIMEOUT, threads, limits, isolated))
              .withSideInput(OutputNames.RENAMES, renames).setResourceHints(ACCELERATED))
          .setCoder(AvroCoder.of(MigrationResult.class));
      PCollection<MigrationResult> stitched = planned.get(tasks)
          .setCoder(SerializableCoder.of(SegmentedMigration.SegmentTask.class))
          // Keyed by segment index, not at random: a file's few segments spread over the slots evenly
          // instead of by the luck of random keys (9 segments came out 7/2 on two slots).
          .apply("KeyByIndex", WithKeys.of((SegmentedMigration.SegmentTask t) -> t.segment().index())
              .withKeyType(TypeDescriptors.integers()))
          .setCoder(KvCoder.of(VarIntCoder.of(), SerializableCoder.of(SegmentedMigration.SegmentTask.class)))
          .apply("SpreadSegments", Reshuffle.of())
          .apply("DropKeys", Values.create())
          .apply("TranscodeSegments", ParDo.of(new SegmentedMigration.EncodeFn(p, threads)).setResourceHints(ACCELERATED))
          .setCoder(KvCoder.of(StringUtf8Coder.of(), SerializableCoder.of(SegmentedMigration.SegmentDone.class)))
          .apply("GroupSegments", GroupByKey.create())
          .apply("Stitch", ParDo.of(new SegmentedMigration.StitchFn(p, outputRoot, DEFAULT_TIMEOUT)))
          .setCoder(AvroCoder.of(MigrationResult.class));
      return PCollectionList.of(wholeRows).and(stitched).apply("AllRows", Flatten.pCollections());
    }

    @Override
    public void populateDisplayData(DisplayData.Builder builder) {
      super.populateDisplayData(builder);
      builder
          .addIfNotNull(DisplayData.item("filepattern", filepattern).withLabel("Input pattern"))
          .addIfNotNull(DisplayData.item("outputRoot", outputRoot).withLabel("Output root"))
          .add(DisplayData.item("profile", profile).withLabel("Profile"))
          .addIfNotNull(DisplayData.item("preset", preset).withLabel("Preset override"))
          .addIfNotNull(DisplayData.item("crf", crf).withLabel("CRF override"))
          .addIfNotNull(DisplayData.item("copy", copy).withLabel("Copy video that fits (override)"))
          .add(DisplayData.item("segmentSeconds", segmentSeconds).withLabel("Segment length (0: whole files)"))
          .add(DisplayData.item("limits", limits.toString()).withLabel("Limits"))
          .add(DisplayData.item("processIsolation", isolated).withLabel("GStreamer in worker processes"));
    }
  }

  /** {@link #probe()}: match, read, redistribute, probe. */
  public static final class Probe extends PTransform<PBegin, ProbeResult<MediaInfo>> {
    private static final long serialVersionUID = 1L;
    private final String filepattern;
    private final Duration timeout;
    private final EmptyMatchTreatment emptyMatch;
    private final Limits limits;
    private final boolean isolated;

    private Probe(String filepattern, Duration timeout, EmptyMatchTreatment emptyMatch, Limits limits, boolean isolated) {
      this.limits = limits;
      this.isolated = isolated;
      this.filepattern = filepattern;
      this.timeout = timeout;
      this.emptyMatch = emptyMatch;
    }

    /** The files to probe: a path, a glob ({@code dir/*.mp4}, {@code dir/**}) or a URI pattern. */
    public Probe from(String filepattern) {
      requireNonNull(filepattern, "filepattern");
      if (filepattern.isBlank()) {
        throw new IllegalArgumentException("filepattern must not be blank");
      }
      return new Probe(filepattern, timeout, emptyMatch, limits, isolated);
    }

    /** Watchdog per file: a file that does not preroll in time fails with TIMEOUT. Default 30 s. */
    public Probe withTimeout(Duration timeout) {
      return new Probe(filepattern, checkTimeout(timeout), emptyMatch, limits, isolated);
    }

    /** What to do when the pattern matches nothing. Default: allowed when it has a wildcard. */
    public Probe withEmptyMatchTreatment(EmptyMatchTreatment treatment) {
      return new Probe(filepattern, timeout, requireNonNull(treatment, "treatment"), limits, isolated);
    }

    /** Probes each input in a worker process: a native crash fails that input, not the slot. */
    public Probe withProcessIsolation(boolean on) {
      return new Probe(filepattern, timeout, emptyMatch, limits, on);
    }

    /** Bounds; probing checks the file size (before reading anything), the rest bound migrations. */
    public Probe withLimits(Limits l) {
      return new Probe(filepattern, timeout, emptyMatch, requireNonNull(l, "limits"), isolated);
    }

    @Override
    public ProbeResult<MediaInfo> expand(PBegin input) {
      if (filepattern == null) {
        throw new IllegalStateException("MediaIO.probe() needs from(filepattern)");
      }
      PCollection<FileIO.ReadableFile> files =
          input
              .apply("Match", dev.gstbeam.internal.beam.MatchFiles.of(filepattern, emptyMatch))
              .apply("Read", FileIO.readMatches().withDirectoryTreatment(FileIO.ReadMatches.DirectoryTreatment.SKIP))
              .apply("Redistribute", Reshuffle.viaRandomKey())
              .apply("CountInputs", ParDo.of(new dev.gstbeam.internal.beam.CountInputsFn()));
      return files.apply("ProbeFiles", new ProbeFiles(timeout, null, limits, isolated));
    }

    @Override
    public void populateDisplayData(DisplayData.Builder builder) {
      super.populateDisplayData(builder);
      builder
          .addIfNotNull(DisplayData.item("filepattern", filepattern).withLabel("Input pattern"))
          .add(DisplayData.item("timeout", timeout.toString()).withLabel("Watchdog per file"))
          .add(DisplayData.item("emptyMatchTreatment", emptyMatch.toString()).withLabel("Empty match"))
          .add(DisplayData.item("processIsolation", isolated).withLabel("GStreamer in worker processes"));
    }
  }

  /** {@link #probeFiles()}. */
  public static final class ProbeFiles
      extends PTransform<PCollection<FileIO.ReadableFile>, ProbeResult<MediaInfo>> {
    private static final long serialVersionUID = 1L;
    private final Duration timeout;
    private final String scratchDir;
    private final Limits limits;
    private final boolean isolated;

    private ProbeFiles(Duration timeout, String scratchDir, Limits limits, boolean isolated) {
      this.limits = limits;
      this.isolated = isolated;
      this.timeout = timeout;
      this.scratchDir = scratchDir;
    }

    /** Watchdog per file. Default 30 s. */
    public ProbeFiles withTimeout(Duration timeout) {
      return new ProbeFiles(checkTimeout(timeout), scratchDir, limits, isolated);
    }

    /** Bounds; probing checks the file size before reading anything. */
    public ProbeFiles withLimits(Limits l) {
      return new ProbeFiles(timeout, scratchDir, requireNonNull(l, "limits"), isolated);
    }

    /** Probes each input in a worker process: a native crash fails that input, not the slot. */
    public ProbeFiles withProcessIsolation(boolean on) {
      return new ProbeFiles(timeout, scratchDir, limits, on);
    }

    /** Local directory for copies of non-local inputs while they are probed. Default: java.io.tmpdir. */
    public ProbeFiles withScratchDirectory(String dir) {
      requireNonNull(dir, "dir");
      return new ProbeFiles(timeout, dir, limits, isolated);
    }

    @Override
    public ProbeResult<MediaInfo> expand(PCollection<FileIO.ReadableFile> files) {
      TupleTag<MediaInfo> mediaTag = new TupleTag<MediaInfo>(MediaIOTags.MEDIA) {};
      TupleTag<Failure> failureTag = new TupleTag<Failure>(MediaIOTags.FAILURES) {};
      PCollectionTuple out =
          files.apply(
              "Probe",
              ParDo.of(new ProbeFn(mediaTag, failureTag, timeout, scratchDir, limits, isolated))
                  .withOutputTags(mediaTag, TupleTagList.of(failureTag)));
      out.get(mediaTag).setCoder(AvroCoder.of(MediaInfo.class));
      out.get(failureTag).setCoder(AvroCoder.of(Failure.class));
      return new ProbeResult<>(out, mediaTag, failureTag);
    }

    @Override
    public void populateDisplayData(DisplayData.Builder builder) {
      super.populateDisplayData(builder);
      builder
          .add(DisplayData.item("timeout", timeout.toString()).withLabel("Watchdog per file"))
          .addIfNotNull(DisplayData.item("scratchDirectory", scratchDir).withLabel("Scratch directory"));
    }
  }

  /** {@link #indexKeyframes()}. */
  public static final class IndexKeyframes
      extends PTransform<PCollection<FileIO.ReadableFile>, ProbeResult<KeyframeIndex>> {
    private static final long serialVersionUID = 1L;
    private final Duration timeout;

    private IndexKeyframes(Duration timeout) {
      this.timeout = timeout;
    }

    /** Watchdog per file (the whole file is read). Default 10 min. */
    public IndexKeyframes withTimeout(Duration timeout) {
      return new IndexKeyframes(checkTimeout(timeout));
    }

    @Override
    public ProbeResult<KeyframeIndex> expand(PCollection<FileIO.ReadableFile> files) {
      TupleTag<KeyframeIndex> indexTag = new TupleTag<KeyframeIndex>(MediaIOTags.KEYFRAMES) {};
      TupleTag<Failure> failureTag = new TupleTag<Failure>(MediaIOTags.FAILURES) {};
      PCollectionTuple out =
          files.apply(
              "IndexKeyframes",
              ParDo.of(new KeyframeIndexFn(indexTag, failureTag, timeout))
                  .withOutputTags(indexTag, TupleTagList.of(failureTag)));
      out.get(indexTag).setCoder(AvroCoder.of(KeyframeIndex.class));
      out.get(failureTag).setCoder(AvroCoder.of(Failure.class));
      return new ProbeResult<>(out, indexTag, failureTag);
    }

    @Override
    public void populateDisplayData(DisplayData.Builder builder) {
      super.populateDisplayData(builder);
      builder.add(DisplayData.item("timeout", timeout.toString()).withLabel("Watchdog per file"));
    }
  }
}
