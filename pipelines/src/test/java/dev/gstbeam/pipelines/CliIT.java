package dev.gstbeam.pipelines;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gstbeam.testing.TestData;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.ClassRule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * The CLI as a user runs it: a separate JVM, its exit codes, what it prints. Damaged inputs end as
 * failure records, the job completes with exit code 3, and nothing prints a stack trace.
 */
public class CliIT {
  @ClassRule public static final TemporaryFolder TMP = new TemporaryFolder();

  record Run(int code, String out, String err) {}

  /** The CLI's command line in a new JVM (as ./gstbeam runs it: two malloc arenas via the environment). */
  static List<String> command(String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    int i = 0;
    while (i < args.length && args[i].startsWith("-Dgstbeam.")) {
      cmd.add(args[i++]); // a test's system property for the CLI's JVM (fault injection)
    }
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add("dev.gstbeam.pipelines.cli.Main");
    cmd.addAll(List.of(args).subList(i, args.length));
    return cmd;
  }

  static Run gstbeam(String... args) throws IOException, InterruptedException {
    List<String> cmd = command(args);
    // Own temporary files (not a rule's): other test classes run the CLI through this method too.
    Path out = Files.createTempFile("gstbeam-cli-", ".out");
    Path err = Files.createTempFile("gstbeam-cli-", ".err");
    try {
      Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
      if (!p.waitFor(10, TimeUnit.MINUTES)) {
        p.destroyForcibly();
        throw new AssertionError("gstbeam did not finish: " + cmd);
      }
      return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }

  private static void assertNoStackTrace(Run r) {
    assertThat(r.out() + r.err(), not(containsString("\tat ")));
    assertThat(r.out() + r.err(), not(containsString("Exception in thread")));
  }

  @Test
  public void damagedInputsExitThreeWithFailureRecords() throws Exception {
    Path in = TMP.newFolder("mixed").toPath();
    Files.copy(TestData.corpusFile("androidx-media/mp4/sample.mp4"), in.resolve("good.mp4"));
    TestData.Damaged.zeroBytes(in);
    TestData.Damaged.randomBytes(in);
    TestData.Damaged.textRenamed(in);
    Files.copy(TestData.Damaged.truncated(), in.resolve("truncated.mp4"));
    Files.copy(TestData.Damaged.headerDamaged(), in.resolve("header-damaged.wav"));
    Path out = TMP.newFolder("out-mixed").toPath();

    Run r = gstbeam("probe", "--input", in + "/*", "--output", out.toString(), "--format", "jsonl");

    assertThat(r.err(), r.code(), equalTo(3));
    assertNoStackTrace(r);
    JsonNode summary = new ObjectMapper().readTree(out.resolve("summary.json").toFile());
    assertThat(summary.get("inputs").asInt(), equalTo(6));
    assertThat(summary.get("succeeded").asInt(), equalTo(1));
    assertThat(summary.get("failed").asInt(), equalTo(5));
    assertThat(summary.get("failures_by_reason").get("NOT_MEDIA").asInt(), equalTo(3));
    assertThat(summary.get("failures_by_reason").get("CORRUPT").asInt(), equalTo(2));
    assertThat(r.out(), containsString("6 inputs: 1 catalogued, 5 failed"));
  }

  @Test
  public void cleanInputsExitZero() throws Exception {
    Path out = TMP.newFolder("out-clean").toPath();
    Run r = gstbeam("probe", "--input", TestData.corpusFile("androidx-media/mkv/sample.mkv").toString(),
        "--output", out.toString(), "--runner", "direct");
    assertThat(r.err(), r.code(), equalTo(0));
    assertNoStackTrace(r);
  }

  @Test
  public void usageErrorsExitTwoAndNameTheFlag() throws Exception {
    Run unknown = gstbeam("probe", "--input", "x", "--output", "y", "--no-such-flag=1");
    assertThat(unknown.code(), equalTo(2));
    assertThat(unknown.err(), containsString("--no-such-flag"));
    assertNoStackTrace(unknown);

    Run badFormat = gstbeam("probe", "--input", "x", "--output", "y", "--format", "xml");
    assertThat(badFormat.code(), equalTo(2));
    assertThat(badFormat.err(), containsString("--format"));

    Run badRunner = gstbeam("probe", "--input", "x", "--output", "y", "--runner", "spark");
    assertThat(badRunner.code(), equalTo(2));
    assertThat(badRunner.err(), containsString("valid: flink, direct"));

    Run noSub = gstbeam("frobnicate");
    assertThat(noSub.code(), equalTo(2));
  }

  @Test
  public void jobFailureExitsOneWithOneLine() throws Exception {
    // The output directory cannot be created: a file stands where it should be.
    Path blocker = TMP.newFile("not-a-dir").toPath();
    Run r = gstbeam("probe", "--input", TestData.corpusFile("androidx-media/mkv/sample.mkv").toString(),
        "--output", blocker.resolve("sub").toString(), "--runner", "direct");
    assertThat(r.out() + r.err(), r.code(), equalTo(1));
    assertThat(r.err(), containsString("gstbeam: the job failed"));
    assertNoStackTrace(r);
  }

  @Test
  public void inputsOverALimitFailAsLimitExceededBeforeDecoding() throws Exception {
    Path in = TMP.newFolder("limits").toPath();
    Path video = TestData.corpusFile("androidx-media/mkv/sample.mkv");
    Files.copy(video, in.resolve("video.mkv"));
    Files.copy(TestData.corpusFile("androidx-media/wav/sine_24le.wav"), in.resolve("audio.wav"));
    long size = Files.size(video);
    Path out = TMP.newFolder("out-limits").toPath();
    // The video is over 100 x 100 pixels; the audio has no frames and stays within every bound.
    Run r = gstbeam("migrate", "--input", in + "/*", "--output", out.toString(), "--runner", "direct",
        "--limit", "pixels=100x100");
    assertThat(r.out() + r.err(), r.code(), equalTo(3));
    assertNoStackTrace(r);
    java.util.Map<String, JsonNode> rows = new java.util.TreeMap<>();
    for (JsonNode row : Manifests.results(out)) {
      rows.put(row.get("uri").asText().replaceAll(".*/", ""), row);
    }
    JsonNode v = rows.get("video.mkv");
    assertThat(v.toString(), v.get("reason").asText(), equalTo("LIMIT_EXCEEDED"));
    assertThat(v.get("stage").asText(), equalTo("probe"));
    assertThat(v.get("message").asText(), containsString("exceeds the limit of 10000 pixels (--limit pixels=...)"));
    assertThat(rows.get("audio.wav").get("status").asText(), equalTo("ok"));
    assertThat("no output for the input over the limit", Files.exists(out.resolve("video.mp4")), equalTo(false));

    // Probe checks the file size before reading anything.
    Path catalog = TMP.newFolder("out-limits-probe").toPath();
    Run p = gstbeam("probe", "--input", in + "/video.mkv", "--output", catalog.toString(), "--runner", "direct",
        "--limit", "file-size=" + (size - 1));
    assertThat(p.out() + p.err(), p.code(), equalTo(3));
    JsonNode failure = Manifests.rows(catalog, "failures-").get(0);
    assertThat(failure.get("reason").asText(), equalTo("LIMIT_EXCEEDED"));
    assertThat(failure.get("message").asText(), containsString("(--limit file-size=...)"));

    Run bad = gstbeam("migrate", "--input", in + "/*", "--output", out.toString(), "--limit", "frames=3");
    assertThat(bad.code(), equalTo(2));
    assertThat(bad.err(), containsString("--limit: unknown limit 'frames' (valid: pixels, duration, streams, file-size)"));
  }

  @Test
  public void helpListsEveryCommandEachWithExamplesAndVersionAnswers() throws Exception {
    Run help = gstbeam("--help");
    assertThat(help.err(), help.code(), equalTo(0));
    for (String c : List.of("probe", "migrate", "cluster", "doctor", "demo", "expansion-service")) {
      assertThat(help.out(), containsString("  " + c + " "));
      Run sub = gstbeam(c, "--help");
      assertThat(c + ": " + sub.err(), sub.code(), equalTo(0));
      assertThat(c, sub.out(), containsString("Examples:"));
      assertThat(c, sub.out(), containsString("--help"));
    }
    Run version = gstbeam("--version");
    assertThat(version.code(), equalTo(0));
    assertThat(version.out(), containsString("gstbeam 0."));
    Run level = gstbeam("doctor", "--log-level", "loud");
    assertThat(level.code(), equalTo(2));
    assertThat(level.err(), containsString("--log-level"));
  }

  @Test
  public void doctorExitsZeroHere() throws Exception {
    Run r = gstbeam("doctor");
    assertThat(r.out() + r.err(), r.code(), equalTo(0));
    assertThat(r.out(), containsString("gstreamer:  GStreamer 1."));
    assertThat(r.out(), containsString("x264enc"));
    assertThat(r.out(), containsString("mp4-h264-aac     ready: x264enc, avenc_aac, mp4mux"));
    assertThat(r.out(), containsString("gpus:"));
    Run unreachable = gstbeam("doctor", "--s3-endpoint", "http://127.0.0.1:9");
    assertThat(unreachable.out(), unreachable.code(), equalTo(1));
    assertThat(unreachable.out(), containsString("s3:         http://127.0.0.1:9 unreachable"));
  }
}
