package dev.gstbeam.pipelines;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gstbeam.testing.TestData;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.ClassRule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * {@code --isolation process}: a worker process crashed by a real native fault (a write to address 8
 * through JNA, as a demuxer reading past its buffer would) or hung on purpose becomes a failure record
 * with the signal, the input that crashes workers is quarantined, and the rest of the job completes.
 * The faults are injected in the worker only ({@code gstbeam.test.workerFault}), by input name.
 */
public class IsolationIT {
  @ClassRule public static final TemporaryFolder TMP = new TemporaryFolder();

  private static Path inputs() throws Exception {
    Path in = TMP.newFolder().toPath();
    Files.copy(TestData.corpusFile("androidx-media/mkv/sample.mkv"), in.resolve("good.mkv"));
    Files.copy(TestData.corpusFile("androidx-media/wav/sine_24le.wav"), in.resolve("good.wav"));
    Files.copy(TestData.corpusFile("other/theora_vorbis.ogv"), in.resolve("good.ogv"));
    Files.copy(TestData.corpusFile("androidx-media/mkv/sample.mkv"), in.resolve("crash-me.mkv"));
    Files.copy(TestData.corpusFile("androidx-media/mkv/sample.mkv"), in.resolve("hang-me.mkv"));
    return in;
  }

  @Test
  public void probeTurnsAWorkerCrashAndAHangIntoFailureRecords() throws Exception {
    Path in = inputs();
    Path out = TMP.newFolder().toPath();
    Path cwd = TMP.newFolder().toPath();
    Run r = run(cwd, "-Dgstbeam.test.workerFault=crash:crash-me;hang:hang-me", "probe", "--input", in + "/*",
        "--output", out.toString(), "--isolation", "process", "--timeout-seconds", "3");
    assertEquals(r.text, 3, r.code);
    Map<String, JsonNode> media = byName(Manifests.rows(out, "media-"));
    Map<String, JsonNode> failures = byName(Manifests.rows(out, "failures-"));
    assertEquals(List.of("good.mkv", "good.ogv", "good.wav"), List.copyOf(media.keySet()));
    assertEquals(List.of("crash-me.mkv", "hang-me.mkv"), List.copyOf(failures.keySet()));
    JsonNode crash = failures.get("crash-me.mkv");
    assertThat(crash.toString(), crash.get("reason").asText(), equalTo("CORRUPT"));
    assertThat(crash.get("message").asText(), containsString("quarantined: the input crashed 2 worker processes (SIGSEGV"));
    assertThat(crash.get("attempts").asInt(), equalTo(2));
    JsonNode hang = failures.get("hang-me.mkv");
    assertThat(hang.toString(), hang.get("reason").asText(), equalTo("TIMEOUT"));
    // The catalogued records are the real ones (as in-process probing gives them).
    assertThat(media.get("good.mkv").get("container").asText(), equalTo("matroska"));
    assertThat(media.get("good.mkv").get("streams").size(), greaterThan(0));
    assertThat(media.get("good.wav").get("streams").get(0).get("codec").asText(), equalTo("pcm_s24le"));
    assertNoCrashFileIn(cwd);
  }

  @Test
  public void migrateQuarantinesTheInputThatCrashesWorkersAndMigratesTheRest() throws Exception {
    Path in = inputs();
    Files.delete(in.resolve("hang-me.mkv"));
    Path out = TMP.newFolder().toPath();
    Path cwd = TMP.newFolder().toPath();
    Run r = run(cwd, "-Dgstbeam.test.workerFault=crash:crash-me", "migrate", "--input", in + "/*", "--output",
        out.toString(), "--isolation", "process");
    assertEquals(r.text, 3, r.code);
    Map<String, JsonNode> rows = byName(Manifests.results(out));
    assertEquals(4, rows.size());
    JsonNode crash = rows.get("crash-me.mkv");
    assertThat(crash.toString(), crash.get("reason").asText(), equalTo("CORRUPT"));
    assertThat(crash.get("message").asText(), containsString("SIGSEGV"));
    assertThat(crash.get("attempts").asInt(), equalTo(2));
    for (String ok : List.of("good.mkv", "good.wav", "good.ogv")) {
      JsonNode row = rows.get(ok);
      assertThat(row.toString(), row.get("status").asText(), equalTo("ok"));
      assertTrue(Files.exists(Path.of(java.net.URI.create(row.get("output_uri").asText()))));
    }
    assertTrue("no partial output of the quarantined input", Manifests.temporaries(out).isEmpty());
    assertNoCrashFileIn(cwd);
  }

  private static Map<String, JsonNode> byName(List<JsonNode> rows) {
    Map<String, JsonNode> out = new TreeMap<>();
    for (JsonNode row : rows) {
      out.put(row.get("uri").asText().replaceAll(".*/", ""), row);
    }
    return out;
  }

  private static void assertNoCrashFileIn(Path dir) throws Exception {
    try (Stream<Path> s = Files.list(dir)) {
      List<Path> crashes = s.filter(f -> f.getFileName().toString().startsWith("hs_err")).toList();
      assertTrue("no JVM crash file in the job's directory: " + crashes, crashes.isEmpty());
    }
  }

  record Run(int code, String text) {}

  private static Run run(Path cwd, String... args) throws Exception {
    Path log = TMP.newFile().toPath();
    Process p = new ProcessBuilder(CliIT.command(args)).directory(cwd.toFile()).redirectErrorStream(true)
        .redirectOutput(log.toFile()).start();
    assertTrue("the job ended", p.waitFor(10, TimeUnit.MINUTES));
    return new Run(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
  }
}
