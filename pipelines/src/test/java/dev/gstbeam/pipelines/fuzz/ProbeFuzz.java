package dev.gstbeam.pipelines.fuzz;

import dev.gstbeam.FailureReason;
import dev.gstbeam.internal.gst.ProbeOutcome;
import dev.gstbeam.internal.worker.ProbeTask;
import dev.gstbeam.internal.worker.Workers;
import dev.gstbeam.testing.TestData;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * A seeded mutation fuzzer for the prober (bench/fuzz-probe.sh runs it; not a test). Each iteration
 * takes one of {@link #SEEDS} (small real files across containers from testdata/corpus), mutates it
 * ({@link Mutator}) and probes the mutant in a worker process ({@link Workers}, as {@code --isolation
 * process} does), so that a native crash ends the worker, not the fuzzer. Iteration {@code i} of seed
 * {@code S} always gives the same mutant ({@code --replay i} writes it out again).
 *
 * <p>A finding is: a worker that died (crash: a signal in native code), a worker that did not answer
 * within its deadline and was killed (hang), the prober's own TIMEOUT outcome (timeout), an INTERNAL
 * outcome (internal: our bug), or an exception out of the probe (exception). Findings go to
 * {@code --findings DIR} as {@code <sha256 prefix><seed's extension>} and a line of {@code findings.tsv}.
 * Every iteration is a line of {@code outcomes.tsv}; the first few mutants of each outcome and extension
 * are kept under {@code samples/} (candidates for regression fixtures).
 *
 * <p>Usage: {@code ProbeFuzz [--seconds N] [--iterations N] [--seed S] [--findings DIR] [--timeout-seconds T]
 * [--corpus DIR] [--samples K] [--replay I]}
 */
public final class ProbeFuzz {
  /** ~30 small seeds (1 KB to 175 KB) across containers, relative to testdata/corpus. */
  static final List<String> SEEDS = List.of(
      "androidx-media/mp4/sample_simple.mp4",
      "androidx-media/mp4/bbb_1ch_16kHz_aac.mp4",
      "androidx-media/mp4/sample_opus.mp4",
      "androidx-media/mp4/h265_bframes.mp4",
      "androidx-media/mp4/sample_ac3_fragmented.mp4",
      "androidx-media/mp4/bbb_1ch_8kHz_aac_lc.m4a",
      "androidx-media/mp4/bbb_mono_8kHz_12.2kbps_amrnb.3gp",
      "androidx-media/mp4/bbb_176x144_128kbps_15fps_h263.3gp",
      "androidx-media/mkv/full_blocks.mkv",
      "androidx-media/mkv/sample_av1.mkv",
      "androidx-media/mkv/sample_with_chapters.mkv",
      "androidx-media/mkv/bbb_1ch_12kHz_q10_vorbis.webm",
      "androidx-media/vp9/bear-vp9-odd-dimensions.webm",
      "androidx-media/mka/bear-opus.mka",
      "androidx-media/ts/sample_h264_no_access_unit_delimiters.ts",
      "androidx-media/ts/sample_h265_rps_pred.ts",
      "androidx-media/ts/sample_ac3.ts",
      "androidx-media/ts/sample_ac3.ps",
      "androidx-media/ts/sample.adts",
      "androidx-media/avi/sample-with-large-length.avi",
      "androidx-media/ogg/bear_vorbis.ogg",
      "androidx-media/ogg/bear.opus",
      "other/theora_vorbis.ogv",
      "androidx-media/wav/sample_ima_adpcm.wav",
      "androidx-media/wav/sample_8bit.wav",
      "androidx-media/flac/bear_uncommon_sample_rate.flac",
      "androidx-media/mp3/sine-wave-cbr-trailing-id3v1.mp3",
      "androidx-media/mp3/bear-vbr-xing-header.mp3",
      "androidx-media/amr/sample_nb.amr",
      "androidx-media/flv/sample-with-key-frame-index.flv");

  /** Mutant files kept per finding kind and seed, and sample size limit. */
  private static final int KEEP_PER_KIND_AND_SEED = 10;
  private static final int SAMPLE_MAX_BYTES = 200 * 1024;

  private ProbeFuzz() {}

  public static void main(String[] args) throws Exception {
    long seconds = 300;
    long iterations = Long.MAX_VALUE;
    long seed = 1;
    Path findings = Paths.get("target", "fuzz-findings");
    long timeoutSeconds = 5;
    Path corpus = null;
    int samples = 3;
    long replay = -1;
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      String v = i + 1 < args.length ? args[i + 1] : null;
      switch (a) {
        case "--seconds": seconds = Long.parseLong(v); i++; break;
        case "--iterations": iterations = Long.parseLong(v); i++; break;
        case "--seed": seed = Long.parseLong(v); i++; break;
        case "--findings": findings = Paths.get(v); i++; break;
        case "--timeout-seconds": timeoutSeconds = Long.parseLong(v); i++; break;
        case "--corpus": corpus = Paths.get(v); i++; break;
        case "--samples": samples = Integer.parseInt(v); i++; break;
        case "--replay": replay = Long.parseLong(v); i++; break;
        default:
          System.err.println("unknown argument " + a);
          System.err.println("usage: ProbeFuzz [--seconds N] [--iterations N] [--seed S] [--findings DIR]"
              + " [--timeout-seconds T] [--corpus DIR] [--samples K] [--replay I]");
          System.exit(2);
      }
    }
    if (corpus == null) {
      corpus = TestData.corpus();
    }
    new ProbeFuzz.Run(corpus, findings, seed, timeoutSeconds, samples).go(seconds, iterations, replay);
    System.exit(0); // idle workers end when their connection closes
  }

  /** What the mutant of one iteration is made from: the seed index and the iteration's own random source. */
  static Random iterationRandom(long seed, long iteration) {
    return new Random(seed * 0x9E3779B97F4A7C15L + iteration * 0xBF58476D1CE4E5B9L);
  }

  private static final class Run {
    final Path corpus;
    final Path out;
    final long seed;
    final Duration timeout;
    final Duration deadline;
    final int samples;
    final List<String> names = new ArrayList<>();
    final List<byte[]> data = new ArrayList<>();
    final Map<String, Integer> outcomes = new TreeMap<>();
    final Map<String, Integer> findingsByKind = new TreeMap<>();
    final Map<String, Integer> kept = new TreeMap<>();
    final Map<String, Integer> sampled = new TreeMap<>();
    final List<String> findingLines = new ArrayList<>();
    long slowestMillis;
    String slowest = "";
    long totalMillis;

    Run(Path corpus, Path out, long seed, long timeoutSeconds, int samples) throws IOException {
      this.corpus = corpus;
      this.out = out;
      this.seed = seed;
      this.timeout = Duration.ofSeconds(timeoutSeconds);
      // The prober's worst healthy path is a quick discoverer run, a scan and a patient run, each within
      // the timeout, and up to two scans more: past this the worker is stuck.
      this.deadline = timeout.multipliedBy(4).plusSeconds(5);
      this.samples = samples;
      for (String s : SEEDS) {
        Path p = corpus.resolve(s);
        if (Files.isRegularFile(p)) {
          names.add(s);
          data.add(Files.readAllBytes(p));
        } else {
          System.err.println("fuzz: seed missing, skipped: " + s);
        }
      }
      if (data.isEmpty()) {
        throw new IllegalStateException("no seed under " + corpus);
      }
      Files.createDirectories(out.resolve("work"));
    }

    void go(long seconds, long iterations, long replay) throws Exception {
      Mutator mutator = new Mutator(data, names);
      if (replay >= 0) {
        Random r = iterationRandom(seed, replay);
        int s = r.nextInt(data.size());
        Mutator.Mutant m = mutator.mutate(s, r);
        Path f = out.resolve(sha(m.data()).substring(0, 16) + ext(names.get(s)));
        Files.write(f, m.data());
        System.out.println("iteration " + replay + " of seed " + seed + ": " + names.get(s) + ", " + m.description()
            + " -> " + f);
        Workers.Result<ProbeOutcome> res = Workers.call(task(f), deadline);
        System.out.println("outcome: " + describe(res));
        return;
      }
      Path outcomesTsv = out.resolve("outcomes.tsv");
      Path findingsTsv = out.resolve("findings.tsv");
      Files.writeString(outcomesTsv, "iteration\tseed_file\tsha256_16\tbytes\toutcome\tmillis\tmutation\tmessage\n");
      Files.writeString(findingsTsv, "kind\treason_or_message\tseed_file\tmutation\titeration\tfile\n");
      Files.createDirectories(out.resolve("samples"));
      Files.writeString(out.resolve("samples").resolve("samples.tsv"),
          "file\toutcome\tmessage\tseed_file\tmutation\titeration\n");
      System.out.printf("fuzz: seed %d, %d seed files, timeout %d s (worker deadline %d s), for %d s%s; findings in %s%n",
          seed, data.size(), timeout.toSeconds(), deadline.toSeconds(), seconds,
          iterations == Long.MAX_VALUE ? "" : " or " + iterations + " iterations", out.toAbsolutePath());
      long start = System.nanoTime();
      long end = start + Duration.ofSeconds(seconds).toNanos();
      long nextReport = start + Duration.ofSeconds(30).toNanos();
      long i = 0;
      try (Writer ow = Files.newBufferedWriter(outcomesTsv, StandardCharsets.UTF_8, StandardOpenOption.APPEND)) {
        for (; i < iterations && System.nanoTime() < end; i++) {
          Random r = iterationRandom(seed, i);
          int s = r.nextInt(data.size());
          Mutator.Mutant m = mutator.mutate(s, r);
          String ext = ext(names.get(s));
          Path f = out.resolve("work").resolve("mutant" + ext);
          Files.write(f, m.data());
          long t0 = System.nanoTime();
          String outcome;
          String message;
          String kind = null;
          try {
            Workers.Result<ProbeOutcome> res = Workers.call(task(f), deadline);
            if (res.crash() != null) {
              outcome = "CRASH";
              kind = "crash";
              message = res.crash() + ", " + res.attempts() + " workers";
            } else if (res.timedOut()) {
              outcome = "HANG";
              kind = "hang";
              message = "no answer within " + deadline.toSeconds() + " s, worker killed";
            } else if (res.error() != null) {
              outcome = "EXCEPTION";
              kind = "exception";
              message = res.error();
            } else if (res.value().succeeded()) {
              outcome = "ok";
              message = res.value().media().getContainer() + ", " + res.value().media().getStreams().size()
                  + " streams";
            } else {
              FailureReason reason = res.value().reason();
              outcome = reason.name();
              message = res.value().message();
              kind = reason == FailureReason.INTERNAL ? "internal" : reason == FailureReason.TIMEOUT ? "timeout" : null;
            }
          } catch (IOException | RuntimeException e) {
            outcome = "HARNESS";
            kind = "harness-error";
            message = e.toString();
          }
          long ms = (System.nanoTime() - t0) / 1_000_000;
          totalMillis += ms;
          if (ms > slowestMillis) {
            slowestMillis = ms;
            slowest = "iteration " + i + " (" + names.get(s) + ": " + outcome + ")";
          }
          outcomes.merge(outcome, 1, Integer::sum);
          String sha = sha(m.data()).substring(0, 16);
          String oneLine = clean(message);
          ow.write(i + "\t" + names.get(s) + "\t" + sha + "\t" + m.data().length + "\t" + outcome + "\t" + ms + "\t"
              + clean(m.description()) + "\t" + oneLine + "\n");
          if (kind != null) {
            finding(kind, oneLine, names.get(s), m, i, sha + ext, findingsTsv);
          }
          sample(outcome, oneLine, names.get(s), m, i, sha + ext);
          if (System.nanoTime() > nextReport) {
            ow.flush();
            nextReport += Duration.ofSeconds(30).toNanos();
            System.out.printf("fuzz: %d iterations in %d s, outcomes %s, findings %s%n", i + 1,
                (System.nanoTime() - start) / 1_000_000_000L, outcomes, findingsByKind);
          }
        }
      }
      double secs = (System.nanoTime() - start) / 1e9;
      StringBuilder sum = new StringBuilder();
      sum.append(String.format("probe fuzzing summary (seed %d, %s)%n", seed, LocalDate.now()));
      sum.append(String.format("  iterations: %d in %.0f s: %.2f mutants/s (mean probe %.0f ms, slowest %d ms: %s)%n",
          i, secs, i / secs, i == 0 ? 0.0 : (double) totalMillis / i, slowestMillis, slowest));
      sum.append("  outcomes by reason:");
      for (Map.Entry<String, Integer> e : outcomes.entrySet()) {
        sum.append(String.format(" %s %d (%.2f %%);", e.getKey(), e.getValue(), 100.0 * e.getValue() / Math.max(1, i)));
      }
      sum.append(String.format("%n  findings by kind: %s%n", findingsByKind.isEmpty() ? "none" : findingsByKind));
      for (String line : findingLines.subList(0, Math.min(20, findingLines.size()))) {
        sum.append("    ").append(line).append('\n');
      }
      sum.append("  outcomes.tsv, findings.tsv and samples/ in ").append(out.toAbsolutePath()).append('\n');
      PrintStream o = System.out;
      o.print(sum);
      Files.writeString(out.resolve("summary.txt"), sum.toString());
    }

    private ProbeTask task(Path f) throws IOException {
      return new ProbeTask(f.toAbsolutePath().toString(), f.toAbsolutePath().toUri().toString(), Files.size(f),
          timeout.toMillis());
    }

    private void finding(String kind, String message, String seedFile, Mutator.Mutant m, long i, String file,
        Path tsv) throws IOException {
      findingsByKind.merge(kind, 1, Integer::sum);
      String key = kind + " " + seedFile;
      int n = kept.merge(key, 1, Integer::sum);
      String saved = "-";
      if (n <= KEEP_PER_KIND_AND_SEED) {
        Files.write(out.resolve(file), m.data());
        saved = file;
      }
      String line = kind + "\t" + message + "\t" + seedFile + "\t" + clean(m.description()) + "\t" + i + "\t" + saved;
      Files.writeString(tsv, line + "\n", StandardOpenOption.APPEND);
      findingLines.add(line.replace('\t', ' '));
      System.out.println("fuzz: FINDING " + line.replace('\t', ' '));
    }

    private void sample(String outcome, String message, String seedFile, Mutator.Mutant m, long i, String file)
        throws IOException {
      if (m.data().length > SAMPLE_MAX_BYTES) {
        return;
      }
      String key = outcome + " " + ext(seedFile);
      if (sampled.merge(key, 1, Integer::sum) > samples) {
        return;
      }
      Path dir = out.resolve("samples").resolve(outcome);
      Files.createDirectories(dir);
      Files.write(dir.resolve(file), m.data());
      Files.writeString(out.resolve("samples").resolve("samples.tsv"), outcome + "/" + file + "\t" + outcome + "\t"
          + message + "\t" + seedFile + "\t" + clean(m.description()) + "\t" + i + "\n", StandardOpenOption.APPEND);
    }
  }

  private static String describe(Workers.Result<ProbeOutcome> r) {
    if (r.crash() != null) {
      return "CRASH " + r.crash();
    }
    if (r.timedOut()) {
      return "HANG (worker killed)";
    }
    if (r.error() != null) {
      return "EXCEPTION " + r.error();
    }
    return r.value().toString();
  }

  static String ext(String name) {
    String base = name.substring(name.lastIndexOf('/') + 1);
    int dot = base.lastIndexOf('.');
    return dot < 0 ? ".bin" : base.substring(dot).toLowerCase(java.util.Locale.ROOT);
  }

  private static String clean(String s) {
    if (s == null) {
      return "";
    }
    String c = s.replaceAll("[\\t\\r\\n]+", " ");
    return c.length() > 300 ? c.substring(0, 300) + "..." : c;
  }

  static String sha(byte[] d) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(d));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
