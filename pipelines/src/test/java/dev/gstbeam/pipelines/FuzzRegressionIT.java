package dev.gstbeam.pipelines;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;

import dev.gstbeam.FailureReason;
import dev.gstbeam.internal.gst.GstProber;
import dev.gstbeam.internal.gst.GstRuntime;
import dev.gstbeam.internal.gst.ProbeOutcome;
import dev.gstbeam.internal.worker.ProbeTask;
import dev.gstbeam.internal.worker.Workers;
import dev.gstbeam.testing.TestData;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.BeforeClass;
import org.junit.Test;

/**
 * Regression fixtures from probe fuzzing (bench/fuzz-probe.sh; testdata/fuzz/README.md says where each
 * came from). Every file is probed in-process with {@link GstProber} and again in a worker process
 * ({@link Workers}, as {@code --isolation process} does): each ends, within its time, as a catalog
 * record or a failure whose reason is not INTERNAL, and as the reason testdata/fuzz/EXPECTED.tsv gives
 * (justified there, and backed by what ffprobe does with the file, which the third test checks). A file
 * marked {@code crash} kills a worker natively (a GStreamer bug, README.md): it is probed in workers only,
 * and either isolation turns it into a CORRUPT record (two workers killed, quarantined), or, once
 * GStreamer is fixed, it ends like any other file: crash-free, in time, not INTERNAL.
 */
public class FuzzRegressionIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(5);
  /** The prober's own worst healthy path (see ProbeFuzz): beyond this a probe is a hang. */
  private static final Duration BUDGET = TIMEOUT.multipliedBy(4).plusSeconds(5);

  /**
   * One line of EXPECTED.tsv. {@code expected}: ok, a FailureReason name, crash, or any (an open question:
   * only the properties every input must have are checked); or alternatives, A|B, where either is right. {@code ffprobe}: fails, reads:TYPES, or
   * fails-gst-decodes (ffprobe refuses it but GStreamer decodes it to the end, which the test checks).
   */
  record Fixture(Path file, String expected, String ffprobe, String why) {
    String name() {
      return file.getFileName().toString();
    }
  }

  private static final List<Fixture> FIXTURES = new ArrayList<>();

  @BeforeClass
  public static void load() throws IOException {
    Path dir = TestData.repoRoot().resolve("testdata").resolve("fuzz");
    List<String> lines = Files.readAllLines(dir.resolve("EXPECTED.tsv"), StandardCharsets.UTF_8);
    Set<String> listed = new TreeSet<>();
    for (String line : lines.subList(1, lines.size())) {
      if (line.isBlank()) {
        continue;
      }
      String[] f = line.split("\t", -1);
      assertEquals(line, 4, f.length);
      Path file = dir.resolve(f[0]);
      assertTrue("fixture file " + file, Files.isRegularFile(file));
      assertTrue("a small fixture: " + file, Files.size(file) < 200 * 1024);
      for (String alt : f[1].split("\\|")) {
        assertTrue(line, List.of("ok", "crash", "any").contains(alt) || isReason(alt));
        assertNotEquals("INTERNAL is never an expected outcome: " + line, "INTERNAL", alt);
      }
      assertTrue(line, f[2].equals("fails") || f[2].equals("fails-gst-decodes") || f[2].startsWith("reads:"));
      assertFalse("every expectation says why: " + line, f[3].isBlank());
      // What ffprobe cannot read is not catalogued as healthy, unless GStreamer demonstrably decodes it all.
      assertFalse("ffprobe fails on it, so it is not ok: " + line, f[2].equals("fails") && f[1].matches("(.*\\|)?ok(\\|.*)?"));
      assertTrue("an open question says so: " + line, !f[1].equals("any") || f[3].startsWith("OPEN"));
      listed.add(f[0]);
      FIXTURES.add(new Fixture(file, f[1], f[2], f[3]));
    }
    Set<String> present = new TreeSet<>();
    try (Stream<Path> s = Files.list(dir)) {
      s.map(p -> p.getFileName().toString()).filter(n -> !n.equals("README.md") && !n.equals("EXPECTED.tsv"))
          .forEach(present::add);
    }
    assertEquals("every file in testdata/fuzz has its line in EXPECTED.tsv, and no line is left over", present, listed);
    assertTrue("fixtures: " + FIXTURES.size(), FIXTURES.size() >= 10);
  }

  private static boolean isReason(String s) {
    for (FailureReason r : FailureReason.values()) {
      if (r.name().equals(s)) {
        return true;
      }
    }
    return false;
  }

  @Test
  public void inProcessEveryFixtureEndsAsARecordOrAFailureOtherThanInternal() {
    GstRuntime.ensureInitialized();
    Map<String, String> wrong = new LinkedHashMap<>();
    try (GstProber prober = new GstProber(TIMEOUT)) {
      for (Fixture f : FIXTURES) {
        if (f.expected().equals("crash")) {
          continue; // would take this JVM down: workers only
        }
        long t0 = System.nanoTime();
        ProbeOutcome o = prober.probe(f.file(), f.file().toUri().toString(), size(f.file()));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        check(f, o, ms, wrong);
      }
    }
    assertTrue("in-process outcomes that differ from EXPECTED.tsv: " + wrong, wrong.isEmpty());
  }

  @Test
  public void inWorkersEveryFixtureEndsAsARecordOrAFailureAndACrashBecomesCorrupt() throws IOException {
    Map<String, String> wrong = new LinkedHashMap<>();
    for (Fixture f : FIXTURES) {
      long t0 = System.nanoTime();
      Workers.Result<ProbeOutcome> r = Workers.call(
          new ProbeTask(f.file().toString(), f.file().toUri().toString(), size(f.file()), TIMEOUT.toMillis()),
          BUDGET.plusSeconds(5));
      long ms = (System.nanoTime() - t0) / 1_000_000;
      if (f.expected().equals("crash") && r.crash() != null) {
        // GStreamer still crashes on it (its bug, README.md): isolation must make it what ProbeFn reports,
        // a CORRUPT failure with the signal, after the input killed two workers.
        assertEquals(f.name(), Workers.POISON_PILL_LIMIT, r.attempts());
        assertTrue(r.message(), r.message().startsWith("quarantined: the input crashed 2 worker processes (SIG"));
        continue;
      }
      if (f.expected().equals("crash") && r.timedOut()) {
        // Heap corruption does not always abort: the worker can also hang in malloc's own lock (seen once in
        // CI). Isolation kills it at the deadline: TIMEOUT, the job goes on.
        continue;
      }
      // Any other file, and a crasher once GStreamer is fixed: a crash-free outcome.
      assertTrue(f.name() + ": no worker crash: " + r.crash(), r.crash() == null);
      assertFalse(f.name() + ": the worker answered within " + BUDGET.toSeconds() + " s", r.timedOut());
      assertTrue(f.name() + ": no exception out of the prober: " + r.error(), r.error() == null);
      check(f, r.value(), ms, wrong);
    }
    assertTrue("worker outcomes that differ from EXPECTED.tsv: " + wrong, wrong.isEmpty());
  }

  /**
   * End to end: {@code probe --isolation process} over the files that crash GStreamer gives each a failure
   * record, CORRUPT with the signal, quarantined after two workers; the job completes (exit 3), the CLI's
   * JVM does not crash. (A file GStreamer no longer crashes on gets a record or a failure other than
   * INTERNAL.)
   */
  @Test
  public void theCliWithProcessIsolationTurnsTheCrashersIntoCorruptFailureRecords() throws Exception {
    List<Fixture> crashers = FIXTURES.stream().filter(f -> f.expected().equals("crash")).toList();
    org.junit.Assume.assumeFalse("no crasher among the fixtures", crashers.isEmpty());
    Path root = Files.createTempDirectory("fuzz-regression-");
    try {
      Path in = Files.createDirectories(root.resolve("in"));
      for (Fixture f : crashers) {
        Files.copy(f.file(), in.resolve(f.name()));
      }
      Path out = root.resolve("out");
      List<String> cmd = CliIT.command("probe", "--input", in + "/*", "--output", out.toString(), "--isolation",
          "process", "--timeout-seconds", "5");
      cmd.add(1, "-XX:ErrorFile=" + root.resolve("hs_err_pid%p.log"));
      Path log = root.resolve("cli.log");
      Process p = new ProcessBuilder(cmd).directory(root.toFile()).redirectErrorStream(true)
          .redirectOutput(log.toFile()).start();
      assertTrue("the job ended", p.waitFor(5, TimeUnit.MINUTES));
      String text = Files.readString(log, StandardCharsets.UTF_8);
      try (Stream<Path> s = Files.list(root)) {
        assertTrue("no crash of the CLI's JVM", s.noneMatch(f -> f.getFileName().toString().startsWith("hs_err")));
      }
      assertTrue(text, p.exitValue() == 0 || p.exitValue() == 3);
      Map<String, com.fasterxml.jackson.databind.JsonNode> rows = new java.util.TreeMap<>();
      for (com.fasterxml.jackson.databind.JsonNode row : Manifests.rows(out, "media-")) {
        rows.put(row.get("uri").asText().replaceAll(".*/", ""), row);
      }
      for (com.fasterxml.jackson.databind.JsonNode row : Manifests.rows(out, "failures-")) {
        assertTrue("once: " + row, rows.put(row.get("uri").asText().replaceAll(".*/", ""), row) == null);
      }
      assertEquals(text, crashers.stream().map(Fixture::name).collect(java.util.stream.Collectors.toCollection(TreeSet::new)),
          rows.keySet());
      for (Map.Entry<String, com.fasterxml.jackson.databind.JsonNode> e : rows.entrySet()) {
        com.fasterxml.jackson.databind.JsonNode row = e.getValue();
        String reason = row.path("reason").asText();
        assertNotEquals(row.toString(), "INTERNAL", reason);
        if (row.path("message").asText().contains("quarantined")) {
          assertEquals(row.toString(), "CORRUPT", reason);
          assertTrue(row.toString(), row.get("message").asText().contains("crashed 2 worker processes (SIG"));
          assertEquals(row.toString(), 2, row.get("attempts").asInt());
        }
      }
      System.out.println("crashers through the CLI with --isolation process: " + rows.values());
    } finally {
      try (Stream<Path> s = Files.walk(root)) {
        s.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
      }
    }
  }

  /** The ffprobe column is true of ffprobe on this machine: the justification holds. */
  @Test
  public void ffprobeDoesWhatExpectedSays() throws Exception {
    TestData.assumeTool("ffprobe");
    Map<String, String> wrong = new LinkedHashMap<>();
    for (Fixture f : FIXTURES) {
      String got = ffprobe(f.file());
      String want = f.ffprobe();
      boolean same = want.startsWith("fails") ? got.equals("fails") : got.equals(want);
      if (!same) {
        wrong.put(f.name(), "EXPECTED.tsv says " + want + ", ffprobe: " + got);
      }
      if (want.equals("fails-gst-decodes") && !gstDecodesToTheEnd(f.file())) {
        wrong.put(f.name(), "EXPECTED.tsv says GStreamer decodes it to the end; gst-launch-1.0 did not");
      }
    }
    assertTrue(wrong.toString(), wrong.isEmpty());
  }

  private static void check(Fixture f, ProbeOutcome o, long ms, Map<String, String> wrong) {
    assertTrue(f.name() + " took " + ms + " ms", ms < BUDGET.toMillis());
    String got = o.succeeded() ? "ok" : o.reason().name();
    assertNotEquals(f.name() + ": INTERNAL is gstbeam's own bug: " + o.message(), "INTERNAL", got);
    boolean open = f.expected().equals("any") || f.expected().equals("crash"); // crash: only once fixed upstream
    if (!open && !List.of(f.expected().split("\\|")).contains(got)) {
      wrong.put(f.name(), "expected " + f.expected() + ", got " + o);
    }
    if (o.succeeded()) {
      assertFalse(f.name() + ": a catalog record has streams", o.media().getStreams().isEmpty());
    }
  }

  /**
   * "fails" when ffprobe exits non-zero or lists no stream; else "reads:" and the sorted stream types it
   * lists, joined by '+' (audio+video).
   */
  static String ffprobe(Path file) throws Exception {
    Process p = new ProcessBuilder("ffprobe", "-v", "error", "-show_entries", "stream=codec_type", "-of", "csv=p=0",
        file.toString()).redirectErrorStream(false).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue("ffprobe ended", p.waitFor(60, TimeUnit.SECONDS));
    Set<String> types = new TreeSet<>();
    for (String l : out.split("\n")) {
      if (!l.isBlank()) {
        types.add(l.trim().replaceAll(",+$", ""));
      }
    }
    if (p.exitValue() != 0 || types.isEmpty()) {
      return "fails";
    }
    return "reads:" + String.join("+", types);
  }

  /** decodebin to fakesink, to EOS, without an error, within a minute. */
  static boolean gstDecodesToTheEnd(Path file) throws Exception {
    TestData.assumeTool("gst-launch-1.0");
    Process p = new ProcessBuilder("gst-launch-1.0", "-q", "filesrc", "location=" + file, "!", "decodebin", "!",
        "fakesink", "sync=false").redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      return false;
    }
    return p.exitValue() == 0;
  }

  private static long size(Path p) {
    try {
      return Files.size(p);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
