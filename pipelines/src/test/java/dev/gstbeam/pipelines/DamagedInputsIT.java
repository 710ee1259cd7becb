package dev.gstbeam.pipelines;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gstbeam.testing.TestData;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.BeforeClass;
import org.junit.ClassRule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * Damaged and hostile inputs, generated with a fixed seed from real corpus files: truncations at random
 * offsets, bit flips, zeroed blocks, one file's head spliced onto another's tail; plus good files under
 * names with pipeline syntax, quotes, shell syntax, spaces, non-ASCII, control characters and 240-byte
 * names. {@code probe} and {@code migrate} over all of them, each CLI run in its own working directory:
 * every input accounted for exactly once (a row or a failure with stage, reason and message), exit 0 or
 * 3, no JVM crash file, nothing written outside the output root, no temporary file left.
 */
public class DamagedInputsIT {
  @ClassRule public static final TemporaryFolder TMP = new TemporaryFolder();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long SEED = 20261125L;
  private static Path inputs;
  private static int generated;

  @BeforeClass
  public static void generate() throws IOException {
    inputs = TMP.newFolder("in").toPath();
    List<Path> sources = sources(16);
    assertTrue("sources " + sources, sources.size() >= 12);
    Random r = new Random(SEED);
    int n = 0;
    for (int i = 0; i < sources.size(); i++) {
      Path src = sources.get(i);
      byte[] data = Files.readAllBytes(src);
      String base = src.getFileName().toString();
      String ext = base.substring(base.lastIndexOf('.'));
      for (int k = 0; k < 3; k++) {
        int cut = 1 + r.nextInt(data.length - 1);
        write("trunc-" + n++ + "-" + base, java.util.Arrays.copyOf(data, cut));
      }
      for (int k = 0; k < 3; k++) {
        byte[] d = data.clone();
        int flips = 1 + r.nextInt(32);
        for (int f = 0; f < flips; f++) {
          int at = r.nextInt(d.length);
          d[at] ^= (byte) (1 << r.nextInt(8));
        }
        write("flip-" + n++ + "-" + base, d);
      }
      for (int k = 0; k < 2; k++) {
        byte[] d = data.clone();
        int len = Math.min(d.length, 64 + r.nextInt(4096));
        int at = r.nextInt(d.length - len + 1);
        java.util.Arrays.fill(d, at, at + len, (byte) 0);
        write("zero-" + n++ + "-" + base, d);
      }
      for (int k = 0; k < 2; k++) {
        byte[] other = Files.readAllBytes(sources.get((i + 1 + k) % sources.size()));
        int head = 1 + r.nextInt(data.length - 1);
        int tailFrom = r.nextInt(other.length);
        byte[] d = new byte[head + other.length - tailFrom];
        System.arraycopy(data, 0, d, 0, head);
        System.arraycopy(other, tailFrom, d, head, other.length - tailFrom);
        write("splice-" + n++ + "-" + base + ext, d);
      }
    }
    // Good media under hostile names (a line break too: gstbeam lists local dir/** itself, since the JDK's
    // glob that Beam uses never matches a name with a line terminator).
    byte[] good = Files.readAllBytes(sources.get(0));
    String ext = sources.get(0).getFileName().toString().replaceAll("^.*(\\.[^.]+)$", "$1");
    List<String> names = List.of(
        "filesrc location=x ! fakesink" + ext, "quote' \"double\"" + ext, "semi;colon $(touch pwned) `id`" + ext,
        "space  name" + ext, "日本語 ファイル é" + ext, "-leading-dash" + ext, "tab\tname" + ext, "bell\u0007 esc\u001b" + ext,
        "back\\slash" + ext, "x".repeat(240) + ext, "..dots.." + ext, "percent %20 %n %s" + ext,
        "line\nbreak" + ext);
    for (String name : names) {
      write(name, good);
    }
    generated = n + names.size();
    assertTrue("at least 150 damaged inputs: " + n, n >= 150);
  }

  private static void write(String name, byte[] data) throws IOException {
    Files.write(inputs.resolve(name), data);
  }

  /** Small decodable corpus files with video or audio, sorted, at most {@code max}, from different folders first. */
  private static List<Path> sources(int max) throws IOException {
    Path corpus = TestData.corpus().resolve("androidx-media");
    List<String> lines = Files.readAllLines(corpus.resolve("MANIFEST.tsv"), StandardCharsets.UTF_8);
    Map<String, List<Path>> byDir = new java.util.TreeMap<>();
    for (String line : lines.subList(1, lines.size())) {
      String[] f = line.split("\t", -1);
      if (f.length < 11 || !f[10].equals("ok") || f[9].isEmpty()) {
        continue;
      }
      long bytes = Long.parseLong(f[1]);
      double seconds = Double.parseDouble(f[9]);
      if (bytes < 2_000 || bytes > 400_000 || seconds > 6) {
        continue;
      }
      byDir.computeIfAbsent(f[0].substring(0, f[0].indexOf('/')), d -> new ArrayList<>()).add(corpus.resolve(f[0]));
    }
    List<Path> out = new ArrayList<>();
    for (int round = 0; out.size() < max; round++) {
      boolean any = false;
      for (List<Path> files : byDir.values()) {
        if (round < files.size() && out.size() < max) {
          out.add(files.get(round));
          any = true;
        }
      }
      if (!any) {
        break;
      }
    }
    return out;
  }

  @Test
  public void probeAccountsForEveryInput() throws Exception {
    Path work = TMP.newFolder("probe-work").toPath();
    Path out = work.resolve("out");
    Set<Path> before = tree(TMP.getRoot().toPath());
    Run r = run(work, "probe", "--input", inputs.toString(), "--output", out.toString(), "--timeout-seconds", "20");
    assertTrue(r.text, r.code == 0 || r.code == 3);
    List<JsonNode> media = Manifests.rows(out, "media-");
    List<JsonNode> failures = Manifests.rows(out, "failures-");
    Set<String> uris = new HashSet<>();
    for (JsonNode row : media) {
      assertTrue("once: " + row.get("uri"), uris.add(row.get("uri").asText()));
    }
    for (JsonNode row : failures) {
      assertTrue("once: " + row.get("uri"), uris.add(row.get("uri").asText()));
      assertFalse(row.toString(), row.path("reason").asText().isEmpty());
      assertFalse(row.toString(), row.path("message").asText().isEmpty());
    }
    assertSameInputs(uris);
    JsonNode summary = JSON.readTree(out.resolve("summary.json").toFile());
    assertEquals(generated, summary.get("inputs").asInt());
    assertEquals(summary.get("inputs").asInt(), summary.get("succeeded").asInt() + summary.get("failed").asInt());
    assertOnlyUnder(before, out, work);
  }

  @Test
  public void migrateAccountsForEveryInputAndWritesOnlyUnderItsRoot() throws Exception {
    Path work = TMP.newFolder("migrate-work").toPath();
    Path out = work.resolve("out");
    Set<Path> before = tree(TMP.getRoot().toPath());
    Run r = run(work, "migrate", "--input", inputs.toString(), "--output", out.toString(), "--preset", "ultrafast");
    assertTrue(r.text, r.code == 0 || r.code == 3);
    List<JsonNode> rows = Manifests.results(out);
    Set<String> uris = new HashSet<>();
    Set<String> outputs = new HashSet<>();
    Map<String, Integer> byReason = new HashMap<>();
    for (JsonNode row : rows) {
      assertTrue("once: " + row.get("uri"), uris.add(row.get("uri").asText()));
      if (row.get("status").asText().equals("ok")) {
        Path o = Paths.get(URI.create(row.get("output_uri").asText()));
        assertTrue(row.toString(), o.startsWith(out) && Files.isRegularFile(o));
        assertTrue("one output per input: " + o, outputs.add(o.toString()));
      } else {
        assertEquals(row.toString(), "failed", row.get("status").asText());
        for (String field : List.of("stage", "reason", "message")) {
          assertFalse(field + ": " + row, row.path(field).asText().isEmpty());
        }
        assertTrue(row.toString(), row.get("attempts").asInt() >= 1);
        byReason.merge(row.get("reason").asText(), 1, Integer::sum);
      }
    }
    assertSameInputs(uris);
    JsonNode summary = JSON.readTree(out.resolve("_manifest").resolve("summary.json").toFile());
    assertEquals(generated, summary.get("inputs").asInt());
    assertEquals(summary.get("inputs").asInt(), summary.get("succeeded").asInt() + summary.get("failed").asInt());
    assertTrue("some damaged inputs fail: " + byReason, summary.get("failed").asInt() > 0);
    // Every hostile-named good file made it, under a name of its own below the root.
    for (JsonNode row : rows) {
      String uri = row.get("uri").asText();
      if (!uri.matches(".*/(trunc|flip|zero|splice)-[0-9]+-.*")) {
        assertEquals(row.toString(), "ok", row.get("status").asText());
      }
    }
    List<Path> temps = Manifests.temporaries(out);
    assertTrue("no temporaries: " + temps, temps.isEmpty());
    assertOnlyUnder(before, out, work);
    System.out.println("damaged inputs, migrate failures by reason: " + byReason + " of " + generated);
  }

  // ---------------------------------------------------------------------------------------------

  record Run(int code, String text) {}

  private static Run run(Path workDir, String... args) throws Exception {
    List<String> cmd = CliIT.command(args);
    cmd.add(1, "-XX:ErrorFile=" + workDir.resolve("hs_err_pid%p.log"));
    Path log = workDir.resolve("cli.log");
    Process p = new ProcessBuilder(cmd).directory(workDir.toFile()).redirectErrorStream(true)
        .redirectOutput(log.toFile()).start();
    assertTrue("the job ended (watchdogs)", p.waitFor(15, TimeUnit.MINUTES));
    String text = Files.readString(log, StandardCharsets.UTF_8);
    try (Stream<Path> s = Files.list(workDir)) {
      List<Path> crashes = s.filter(f -> f.getFileName().toString().startsWith("hs_err")).toList();
      assertTrue("no JVM crash: " + crashes, crashes.isEmpty());
    }
    return new Run(p.exitValue(), text);
  }

  private void assertSameInputs(Set<String> seen) throws IOException {
    Set<String> expected = inputUris();
    Set<String> missing = new TreeSet<>(expected);
    missing.removeAll(seen);
    Set<String> extra = new TreeSet<>(seen);
    extra.removeAll(expected);
    assertTrue("inputs without a row: " + missing + "; rows for no input: " + extra, missing.isEmpty() && extra.isEmpty());
  }

  private Set<String> inputUris() throws IOException {
    Set<String> uris = new TreeSet<>();
    try (Stream<Path> s = Files.list(inputs)) {
      s.forEach(p -> uris.add(p.toUri().toString()));
    }
    return uris;
  }

  private static Set<Path> tree(Path root) throws IOException {
    try (Stream<Path> s = Files.walk(root)) {
      return new HashSet<>(s.toList());
    }
  }

  /** Everything new under the test's folder is under the output root, or the run's own log. */
  private static void assertOnlyUnder(Set<Path> before, Path out, Path work) throws IOException {
    for (Path p : tree(TMP.getRoot().toPath())) {
      if (!before.contains(p) && !p.startsWith(out) && !p.equals(work.resolve("cli.log")) && !p.equals(out)) {
        throw new AssertionError("written outside the output root: " + p);
      }
    }
  }
}
